// Append-only recording of the engine's event stream (events.ts) as a byte stream. The hot path
// writes a few bytes per event into fixed-size chunks (no per-event object, no copy on growth);
// `get(i)` materialises one P2mEvent for views that page through the log, `feed` streams raw
// fields to a sink.
//
// Encoding (why bytes: the u32-word log took 8 B per event, ~72 MB for a 1M-op replay; this
// takes ~5 B, and the check streams that much less memory). Each event is a header byte (bits
// 0–4 kind, 5–7 small flags) and kind-specific fields: unsigned LEB128 varints (signed values
// zigzagged), a few fixed bytes, and for a pteWrite u32 fields: its table MFN only when it
// differs from the previous pteWrite's (a split fill writes one table 512 times), and each
// non-zero descriptor's lo half, with hi bits 0–15 as a u16 and hi bits 16–31 (attributes:
// a handful of distinct values per log) as a 4-bit code into a 15-entry dictionary. The "same
// table" state restarts at every 64th event, where the index holds the event's byte address, so
// random access decodes at most 63 events. A split fill's stores (next index of the same table,
// same level/live/raw, old 0, new = previous new + a fixed lo step, hi unchanged: 7.8M of a 1M-op
// trace's 9.1M stores) take a one-byte "run" event instead (pteRun below; 6.9 → 4.0 B per event
// on that trace); its state restarts at the index points too. Events never straddle chunks. Ops are implicit:
// opBegin events are numbered in order; `opAt(i)` binary-searches the op → first-event table.
// The varint / zigzag / u32 primitives are in event-bytes.ts.
import type {
  DiagnosticCode, EngineDiagnostic, FlushCause, FrameName, OpKind, P2mEvent, P2mEventKind,
} from './events';
import { errnoName } from './config';
import { after, getN, put32, putBig, putN, putU, skipV, TWO32, unzz, wrapHi, zz } from './event-bytes';

export const enum K {
  opBegin = 0, opEnd, frameEnter, frameLeave, pteWrite, pteClean, tlbFlush, needFlushSet,
  tableAlloc, tableZero, tableClean, tableFree, iommuFlush, radixSet, radixDelete, stat,
  mappedRange, putPage, mapcacheInvalidate, xenheapGfnClear, diagnostic,
  /** A pteWrite continuing the previous one's run (read back as a pteWrite; never a kind of its own). */
  pteRun,
}
const KIND_NAMES: P2mEventKind[] = [
  'opBegin', 'opEnd', 'frameEnter', 'frameLeave', 'pteWrite', 'pteClean', 'tlbFlush', 'needFlushSet',
  'tableAlloc', 'tableZero', 'tableClean', 'tableFree', 'iommuFlush', 'radixSet', 'radixDelete', 'stat',
  'mappedRange', 'putPage', 'mapcacheInvalidate', 'xenheapGfnClear', 'diagnostic', 'pteWrite',
];
/** frameEnter frame byte bit 4: the GFN is a varint (≥ 2^32), not a u32. */
const FE_BIG = 0x10;
/** Header bit 5: opEnd / frameLeave with rc 0, pteWrite live, stat 'shattered', rc-error diagnostic, no lowest mapped GFN. */
const F5 = 0x20;
/** pteWrite header bits 6/7: the old / new descriptor is 0 and not stored (most stores have one zero side). */
const OLD_ZERO = 0x40, NEW_ZERO = 0x80;
/** pteWrite 24-bit field: index (bits 0–8), level (9–10), these flags, old / new hi code (13–16 / 17–20). */
const PW_RAW = 0x800, PW_SAME_TABLE = 0x1000;
/**
 * Run key of a pteWrite: index | level << 9 | raw (the 24-bit field's bits 0–11) | live (bit 12).
 * A pteRun event is the store whose key is the previous pteWrite's + 1 (next index, same flags);
 * after index 511 there is no next key (-1), so +1 never carries into the level bits.
 */
const RUN_LIVE = 0x1000;
function nextKey(key: number): number { return (key & 511) === 511 ? -1 : key + 1; }
/** The hi code meaning "the hi half follows" (dictionary full); codes below it index the dictionary. */
const HI_LITERAL = 15;
/** Longest event in bytes (a pteWrite with two literal descriptors is 24); reserved before each append. */
const MAX_EVENT = 32;
const CHUNK = 1 << 20; // max bytes per chunk; addresses are chunk * CHUNK + offset
const FIRST_CHUNK = 1 << 14;

export const FLUSH_CAUSES: FlushCause[] = ['bbm-split', 'bbm-replace', 'pre-free', 'unlock', 'init', 'clear-root', 'legacy-end', 'explicit'];
export const enum Cause { bbmSplit = 0, bbmReplace, preFree, unlock, init, clearRoot, legacyEnd, explicit }
export const FRAMES: FrameName[] = [
  'p2m_set_entry', '__p2m_set_entry', 'p2m_next_level', 'p2m_create_table', 'p2m_split_superpage',
  'p2m_free_entry', 'p2m_get_entry', 'p2m_invalidate_root', 'p2m_invalidate_table',
  'p2m_resolve_translation_fault', 'relinquish_p2m_mapping', 'p2m_set_mem_access', 'apply_p2m_changes',
  'apply_one_level', 'p2m_shatter_page',
];
export const enum Fr {
  setEntry = 0, setAtOrder, nextLevel, createTable, split, freeEntry, getEntry, invalidateRoot,
  invalidateTable, resolveFault, relinquish, setMemAccess, applyChanges, applyOneLevel, shatter,
}
export const OP_KINDS: OpKind[] = [
  'set_entry', 'set_at_order', 'lookup', 'invalidate_root', 'resolve_fault', 'relinquish', 'mem_access',
  'write_pte', 'tlb_flush', 'dsb', 'checkpoint', 'other',
];
const WHY = ['table', 'split', 'root'] as const;

export type EventListener = (log: EventLog, index: number) => void;

export type TableAllocWhy = 'table' | 'split' | 'root';

/**
 * What `EventLog.feed` calls, one method per kind, fields as numbers (descriptors as u32
 * halves). The TLB model and BBM checker implement it (engine/tlb calls it TlbEventSink), and
 * object streams reach it through engine/tlb `dispatchEvent`.
 */
export interface RawEventSink {
  onOpBegin(i: number, op: number, opKind: OpKind, domain?: number): void;
  onOpEnd(i: number, op: number, rc: number): void;
  /** `level` < 0 means unknown (write traces without `level=`): the sink infers it. */
  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void;
  onPteClean(i: number, table: number, index: number): void;
  onTlbFlush(i: number, vmid: number, cause: FlushCause): void;
  onNeedFlushSet(i: number): void;
  onTableAlloc(i: number, table: number, level: number, why: TableAllocWhy): void;
  onTableZero(i: number, table: number): void;
  onTableClean(i: number, table: number): void;
  onTableFree(i: number, table: number): void;
  /** Optional: call frames (the TLB model takes a lookup's / fault's GFN as a guest access). */
  onFrameEnter?(i: number, frame: FrameName, level: number, gfn: number): void;
  /** Optional: the scalar-state kinds (a log-driven view engine moves counters with them). */
  onStat?(i: number, field: 0 | 1, level: number, delta: number): void;
  onMappedRange?(i: number, maxMappedGfn: number, lowestMappedGfn: number): void;
  onRadixSet?(i: number, gfn: number, access: number): void;
  onRadixDelete?(i: number, gfn: number): void;
  /** Optional: a diagnostic event's index (`get(i)` reads it); `rcError` for a compact rc-error. */
  onDiagnostic?(i: number, rcError: boolean): void;
}


export class EventLog {
  /** When false nothing is recorded (benchmark comparison only). */
  enabled = true;
  // Chunks grow 16 KiB → 1 MiB so a short-lived engine (tests, one lookup) stays small.
  private chunks: Uint8Array[] = [new Uint8Array(FIRST_CHUNK)];
  private cur: Uint8Array = this.chunks[0];
  /** A DataView per chunk for the u32 fields (one unaligned load/store instead of four bytes). */
  private views: DataView[] = [new DataView(this.chunks[0].buffer)];
  private curView: DataView = this.views[0];
  private ci = 0;      // current chunk index
  private pos = 0;     // next free byte in cur
  private n = 0;       // events
  private every64: number[] = [];
  private opFirst = new Uint32Array(1024);
  private ops = 0;
  private diags: EngineDiagnostic[] = [];
  /**
   * `rc-error` diagnostics as columns (return code, GFN); the header holds the function. A
   * pool-limited 10M-op trace fails ~half its calls: one object + message string each was
   * ~290 B (1.5 GB), the columns are 12 B. The message is built when the event is read.
   */
  private rcVal = new Int32Array(256);
  private rcGfn = new Float64Array(256);
  private rcN = 0;
  private listeners: EventListener[] = [];
  /** Used bytes of each full chunk (its tail is padding). */
  private chunkEnd: number[] = [];
  // Writer's "same table" state: the previous pteWrite's table MFN (restarts every 64th event).
  private wTable = 0;
  // Writer's run state (restarts with wTable): the key a pteRun continues with (-1: none), the
  // previous store's new descriptor as the reader sees it (u32 halves) and the lo step.
  private wNext = -1;
  private wLo = 0;
  private wHi = 0;
  private wD = 0;
  /** Descriptor hi bits 16–31 (upper attributes) seen first: a pteWrite names them by a 4-bit code. */
  private hiDict = new Float64Array(HI_LITERAL).fill(-1); // -1: free slot
  // Sequential-access cursor: event, byte address, "same table" and run state before it.
  private cursorI = -1;
  private cursorW = 0;
  private cursorT = 0;
  private cursorN = -1;
  private cursorLo = 0;
  private cursorHi = 0;
  private cursorD = 0;
  /** The "same table" and run state (as wTable, wNext, wLo, wHi, wD) before the event addrOf returned. */
  private aT = 0;
  private aN = -1;
  private aLo = 0;
  private aHi = 0;
  private aD = 0;
  // feed's position between feedChunk calls: byte, event, op number, "same table" and run state.
  private fW = 0;
  private fI = 0;
  private fOp = -1;
  private fT = 0;
  private fN = -1;
  /**
   * feed's run lo, hi and step between feedChunk calls. A Uint32Array: its loads are u32 to
   * the compiler, where a number field above 2^30 failed the loop's small-integer check on
   * entry and deoptimised it.
   */
  private fRun = new Uint32Array(3);

  get length(): number { return this.n; }
  get opCount(): number { return this.ops; }

  /** Encoded event bytes (without the index and the unused tail of the last chunk). */
  get byteLength(): number {
    let b = this.pos;
    for (let k = 0; k < this.ci; k++) b += this.chunkEnd[k];
    return b;
  }
  /** Bytes the log holds: chunks (allocated), index, op table, columns, dictionary (diagnostic objects not counted). */
  memoryBytes(): number {
    let b = 0;
    for (const c of this.chunks) b += c.byteLength;
    return b + this.every64.length * 8 + this.chunkEnd.length * 8 + this.opFirst.byteLength + this.rcVal.byteLength +
      this.rcGfn.byteLength + this.hiDict.byteLength + this.views.length * 64;
  }

  subscribe(fn: EventListener): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter(l => l !== fn); };
  }

  // ---- append (hot path) -------------------------------------------------------------

  /**
   * Room for the longest event at this.pos. This and done() are inlined into every append
   * method, and those into the engine's hot paths only while their bytecode stays small: the
   * rare work (a new chunk, an index point, listeners) is in methods of its own.
   */
  private reserve(): Uint8Array {
    if (this.pos + MAX_EVENT > this.cur.length) this.nextChunk();
    if ((this.n & 63) === 0) this.indexPoint();
    return this.cur;
  }
  private nextChunk(): void {
    this.chunkEnd[this.ci] = this.pos;
    this.ci++;
    if (this.ci === this.chunks.length) {
      const b = new Uint8Array(this.ci >= 6 ? CHUNK : FIRST_CHUNK << this.ci);
      this.chunks.push(b); this.views.push(new DataView(b.buffer));
    }
    this.cur = this.chunks[this.ci]; this.curView = this.views[this.ci];
    this.pos = 0;
  }
  /** Every 64th event is indexed and restarts the "same table" and run state. */
  private indexPoint(): void {
    this.every64.push(this.ci * CHUNK + this.pos);
    this.wTable = 0; this.wNext = -1; this.wLo = 0; this.wHi = 0; this.wD = 0;
  }
  private done(p: number): void {
    this.pos = p;
    const i = this.n++;
    if (this.listeners.length !== 0) this.notify(i);
  }
  private notify(i: number): void { for (const l of this.listeners) l(this, i); }

  opBegin(opKind: number, domain: number): number {
    const op = this.ops++;
    if (!this.enabled) return op;
    if (op === this.opFirst.length) { const t = new Uint32Array(op * 2); t.set(this.opFirst); this.opFirst = t; }
    this.opFirst[op] = this.n;
    const c = this.reserve(), p = this.pos;
    c[p] = K.opBegin;
    this.done(putU(c, p + 1, ((opKind & 15) | ((domain & 0xffff) << 4)) >>> 0));
    return op;
  }
  opEnd(rc: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    if ((rc | 0) === 0) { c[p] = K.opEnd | F5; this.done(p + 1); return; }
    c[p] = K.opEnd;
    this.done(putU(c, p + 1, zz(rc | 0)));
  }
  /** The GFN as a u32 (frame byte bit 4 clear) or, above 2^32, a varint (bit 4 set). */
  frameEnter(frame: number, level: number, gfn: number): void {
    if (!this.enabled) return;
    if ((gfn >>> 0) !== gfn) { this.frameEnterBig(frame, level, gfn); return; }
    const c = this.reserve(), p = this.pos;
    c[p] = K.frameEnter | ((level & 7) << 5); c[p + 1] = frame & 15;
    put32(this.curView, p + 2, gfn);
    this.done(p + 6);
  }
  private frameEnterBig(frame: number, level: number, gfn: number): void {
    const c = this.reserve(), p = this.pos;
    c[p] = K.frameEnter | ((level & 7) << 5); c[p + 1] = (frame & 15) | FE_BIG;
    this.done(putBig(c, p + 2, wrapHi(gfn, 0xfffff)));
  }
  /** Header bits 6–7: frame + 1 for the three most frequent frames (no frame byte). */
  frameLeave(frame: number, rc: number): void {
    if (!this.enabled) return;
    const c = this.reserve();
    let p = this.pos;
    const f = frame & 15, r = rc | 0;
    c[p++] = K.frameLeave | (r === 0 ? F5 : 0) | (f < 3 ? (f + 1) << 6 : 0);
    if (f >= 3) c[p++] = f;
    this.done(r === 0 ? p : putU(c, p, zz(r)));
  }
  /**
   * A store: a one-byte run event (pteRun) when it continues the previous store's run, else the
   * full form (pteFull). Split in two because V8 inlines this into the engine's store only while
   * its bytecode stays small (under 460 bytes, and a budget shared with the caller): with the run
   * check and the full form in one method it was 550 bytes, not inlined, and a 1M-op replay took
   * ~10% more CPU. The full form is the less frequent path (a split fill's first store per 64
   * events), and its call costs less than a store's whole encoding inline did.
   */
  pteWrite(table: number, index: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void {
    if (!this.enabled) return;
    this.reserve(); // first: an index point here restarts the run state
    const t = table >>> 0, key = (index & 511) | ((level & 3) << 9) | (raw ? PW_RAW : 0) | (live ? RUN_LIVE : 0);
    if (key === this.wNext && t === this.wTable && (oldLo | oldHi) === 0 && (newHi >>> 0) === this.wHi) this.pteRun(key, newLo >>> 0);
    else this.pteFull(t, key, oldLo, oldHi, newLo, newHi);
  }
  /**
   * A store continuing the run: one header byte when its lo step is the previous one's, else
   * header bit 5 and the new step (lo difference mod 2^32) as a u32 (rare: ~2% of runs; a u32
   * reads as one, where a varint's result in the feed loop's add deoptimised it once the step
   * left the small-integer range). A lo that carries into hi changes hi and so is a full
   * pteWrite: the run never adds across the halves.
   */
  private pteRun(key: number, lo: number): void {
    const c = this.cur, p = this.pos, d = (lo - this.wLo) >>> 0;
    this.wNext = nextKey(key); this.wLo = lo;
    if (d === this.wD) { c[p] = K.pteRun; this.done(p + 1); return; }
    this.wD = d;
    c[p] = K.pteRun | F5;
    put32(this.curView, p + 1, d);
    this.done(p + 5);
  }
  /**
   * The full form: header flags (live, old/new zero), a 24-bit field (the run key's index, level
   * and raw, same table, the hi codes), the table MFN (u32) unless it is the previous pteWrite's,
   * then each non-zero descriptor. Fixed-width fields, not varints or a dictionary of whole
   * descriptors, and few branches (small bytecode, see pteWrite). It starts a new run.
   */
  private pteFull(t: number, key: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
    this.wNext = nextKey(key); this.wLo = newLo >>> 0; this.wHi = newHi >>> 0;
    const oc = (oldLo | oldHi) === 0 ? -1 : this.hiCode(oldHi), nc = (newLo | newHi) === 0 ? -1 : this.hiCode(newHi);
    const v = this.curView, same = t === this.wTable, at = this.pos;
    let p = at + 4;
    if (!same) { put32(v, p, t); p += 4; this.wTable = t; }
    // A descriptor: lo half, then hi bits 0–15 (OA bits 32–47), or the whole hi half for code
    // HI_LITERAL (the whole hi is stored either way; the next field overwrites its top bytes).
    if (oc >= 0) { put32(v, p, oldLo); put32(v, p + 4, oldHi); p += oc === HI_LITERAL ? 8 : 6; }
    if (nc >= 0) { put32(v, p, newLo); put32(v, p + 4, newHi); p += nc === HI_LITERAL ? 8 : 6; }
    const f = (key & 0xfff) | (same ? PW_SAME_TABLE : 0) | ((oc & 15) << 13) | ((nc & 15) << 17);
    put32(v, at, K.pteWrite | ((key & RUN_LIVE) >>> 7) | (oc < 0 ? OLD_ZERO : 0) | (nc < 0 ? NEW_ZERO : 0) | (f << 8));
    this.done(p);
  }
  /** Code of a hi half's bits 16–31: their dictionary index (added when new), HI_LITERAL when the dictionary is full. */
  private hiCode(hi: number): number {
    const a = (hi & 0xffff0000) >>> 0;
    // First come, first coded: a log's few attribute values take the first slots, so the scan
    // usually stops at slot 0 or 1 (a hashed cache in front of it cost more than it saved).
    const d = this.hiDict;
    for (let k = 0; k < HI_LITERAL; k++) {
      const x = d[k];
      if (x === a) return k;
      if (x < 0) { d[k] = a; return k; }
    }
    return HI_LITERAL;
  }
  pteClean(table: number, index: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.pteClean;
    this.done(putU(c, putU(c, p + 1, index & 511), table >>> 0));
  }
  tlbFlush(vmid: number, cause: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.tlbFlush;
    this.done(putU(c, p + 1, ((cause & 15) | ((vmid & 0xffff) << 4)) >>> 0));
  }
  needFlushSet(): void { this.simple(K.needFlushSet); }
  mapcacheInvalidate(): void { this.simple(K.mapcacheInvalidate); }
  tableAlloc(table: number, level: number, why: 0 | 1 | 2): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.tableAlloc; c[p + 1] = (level & 7) | ((why & 3) << 3);
    this.done(putU(c, p + 2, table >>> 0));
  }
  tableZero(table: number): void { this.tableEvent(K.tableZero, table); }
  tableClean(table: number): void { this.tableEvent(K.tableClean, table); }
  tableFree(table: number): void { this.tableEvent(K.tableFree, table); }
  iommuFlush(dfn: number, count: number, flags: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.iommuFlush | ((flags & 7) << 5);
    this.done(putU(c, putN(c, p + 1, wrapHi(dfn, 0xffffff)), count >>> 0));
  }
  radixSet(gfn: number, access: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.radixSet; c[p + 1] = access & 15;
    this.done(putN(c, p + 2, wrapHi(gfn, 0xfffff)));
  }
  radixDelete(gfn: number): void { this.gfnEvent(K.radixDelete, gfn); }
  stat(field: 0 | 1, level: number, delta: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.stat | ((field & 1) << 5) | ((level & 3) << 6);
    this.done(putU(c, p + 1, zz(delta | 0)));
  }
  mappedRange(maxGfn: number, lowestGfn: number): void {
    if (!this.enabled) return;
    const c = this.reserve();
    let p = this.pos;
    c[p] = K.mappedRange | (lowestGfn < 0 ? F5 : 0);
    p = putN(c, p + 1, wrapHi(maxGfn, 0x1fffff));
    this.done(lowestGfn < 0 ? p : putN(c, p, wrapHi(lowestGfn, 0x1fffff)));
  }
  putPage(mfn: number, count: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.putPage;
    this.done(putU(c, putN(c, p + 1, wrapHi(mfn, 0x7ffffff)), count >>> 0));
  }
  xenheapGfnClear(mfn: number): void { this.gfnEvent(K.xenheapGfnClear, mfn); }
  diagnostic(d: EngineDiagnostic): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = K.diagnostic;
    this.done(putU(c, p + 1, this.diags.length));
    this.diags.push(d);
  }

  /** The `rc-error` diagnostic of a failed call of `fn` (same event as diagnostic(), stored compactly). */
  rcError(fn: FrameName, rc: number, gfn: number): void {
    if (!this.enabled) return;
    if (this.rcN === this.rcVal.length) {
      const v = new Int32Array(this.rcN * 2), g = new Float64Array(this.rcN * 2);
      v.set(this.rcVal); g.set(this.rcGfn);
      this.rcVal = v; this.rcGfn = g;
    }
    this.rcVal[this.rcN] = rc; this.rcGfn[this.rcN] = gfn;
    const c = this.reserve(), p = this.pos;
    c[p] = K.diagnostic | F5; c[p + 1] = FRAMES.indexOf(fn) & 31;
    this.done(putU(c, p + 2, this.rcN++));
  }

  private simple(k: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(p + 1);
  }
  private tableEvent(k: number, table: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(putU(c, p + 1, table >>> 0));
  }
  private gfnEvent(k: number, gfn: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(putN(c, p + 1, wrapHi(gfn, 0xfffff)));
  }

  // ---- random access ---------------------------------------------------------------

  /** Position after the event at c[p]; moves the "same table" and run state (aT…aD) over a pteWrite. */
  private skip(c: Uint8Array, p: number): number {
    const h = c[p++];
    switch (h & 31) {
      case K.pteRun: {
        if ((h & F5) !== 0) { this.aD = u32(c, p); p += 4; }
        this.aLo = (this.aLo + this.aD) >>> 0; this.aN = nextKey(this.aN);
        return p;
      }
      case K.opEnd: return (h & F5) !== 0 ? p : skipV(c, p);
      case K.frameLeave: {
        if ((h & 0xc0) === 0) p++;
        return (h & F5) !== 0 ? p : skipV(c, p);
      }
      case K.pteWrite: {
        const f = c[p] | (c[p + 1] << 8) | (c[p + 2] << 16);
        p += 3;
        if ((f & PW_SAME_TABLE) === 0) { this.aT = u32(c, p); p += 4; }
        if ((h & OLD_ZERO) === 0) p += ((f >>> 13) & 15) === HI_LITERAL ? 8 : 6;
        this.aN = nextKey((f & 0xfff) | ((h & F5) << 7)); this.aLo = 0; this.aHi = 0;
        if ((h & NEW_ZERO) === 0) {
          const code = (f >>> 17) & 15;
          this.aLo = u32(c, p);
          this.aHi = code === HI_LITERAL ? u32(c, p + 4) : (this.hiDict[code] | c[p + 4] | (c[p + 5] << 8)) >>> 0;
          p += code === HI_LITERAL ? 8 : 6;
        }
        return p;
      }
      case K.needFlushSet: case K.mapcacheInvalidate: return p;
      case K.frameEnter: return (c[p] & FE_BIG) !== 0 ? skipV(c, p + 1) : p + 5;
      case K.tableAlloc: case K.radixSet: return skipV(c, p + 1);
      case K.pteClean: case K.iommuFlush: case K.putPage: return skipV(c, skipV(c, p));
      case K.mappedRange: return (h & F5) !== 0 ? skipV(c, p) : skipV(c, skipV(c, p));
      case K.diagnostic: return skipV(c, (h & F5) !== 0 ? p + 1 : p);
      default: return skipV(c, p); // opBegin, tlbFlush, tableZero/Clean/Free, radixDelete, stat, xenheapGfnClear
    }
  }

  /** Byte address of event i; leaves the "same table" state before it in aT. */
  private addrOf(i: number): number {
    if (i < 0 || i >= this.n) throw new RangeError(`event ${i} out of range (0..${this.n - 1})`);
    let a: number, j: number;
    if (this.cursorI >= 0 && i >= this.cursorI && i - this.cursorI < 64) {
      a = this.cursorW; j = this.cursorI;
      this.aT = this.cursorT; this.aN = this.cursorN; this.aLo = this.cursorLo; this.aHi = this.cursorHi; this.aD = this.cursorD;
    } else { a = this.every64[i >>> 6]; j = i & ~63; this.restartA(); }
    if (j < i) {
      let ci = Math.floor(a / CHUNK), w = a - ci * CHUNK, c = this.chunks[ci];
      for (; j < i; j++) {
        if ((j & 63) === 0) this.restartA();
        w = this.skip(c, w);
        // events never straddle chunks: a chunk's unused tail is skipped
        if (ci < this.ci && w >= this.chunkEnd[ci]) { ci++; c = this.chunks[ci]; w = 0; }
      }
      a = ci * CHUNK + w;
    }
    if ((i & 63) === 0) this.restartA();
    this.cursorI = i; this.cursorW = a;
    this.cursorT = this.aT; this.cursorN = this.aN; this.cursorLo = this.aLo; this.cursorHi = this.aHi; this.cursorD = this.aD;
    return a;
  }
  /** The reader's state at an index point (as indexPoint() leaves the writer's). */
  private restartA(): void { this.aT = 0; this.aN = -1; this.aLo = 0; this.aHi = 0; this.aD = 0; }

  private headerAt(a: number): number { const ci = Math.floor(a / CHUNK); return this.chunks[ci][a - ci * CHUNK]; }
  kindAt(i: number): P2mEventKind { return KIND_NAMES[this.headerAt(this.addrOf(i)) & 31]; }
  kindCodeAt(i: number): number { const k = this.headerAt(this.addrOf(i)) & 31; return k === K.pteRun ? K.pteWrite : k; }

  /** Op number containing event i (-1 before the first op). */
  opAt(i: number): number {
    let lo = 0, hi = this.ops - 1, r = -1;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1;
      if (this.opFirst[m] <= i) { r = m; lo = m + 1; } else hi = m - 1;
    }
    return r;
  }
  /** Index of op's opBegin event. */
  firstEventOfOp(op: number): number { return this.opFirst[op]; }

  /** Diagnostics stored as objects (compact `rc-error`s are not in it: see diagnosticCount). */
  diagnosticsList(): readonly EngineDiagnostic[] { return this.diags; }
  /** Every diagnostic event in the log, compact ones included. */
  diagnosticCount(): number { return this.diags.length + this.rcN; }

  get(i: number): P2mEvent {
    const a = this.addrOf(i);
    const ci = Math.floor(a / CHUNK), c = this.chunks[ci];
    let p = a - ci * CHUNK;
    const h = c[p++];
    switch (h & 31) {
      case K.opBegin: { const v = getN(c, p); return { kind: 'opBegin', op: this.opAt(i), opKind: OP_KINDS[v & 15], domain: (v >>> 4) & 0xffff }; }
      case K.opEnd: return { kind: 'opEnd', op: this.opAt(i), rc: (h & F5) !== 0 ? 0 : unzz(getN(c, p)) };
      case K.frameEnter: {
        const gfn = (c[p] & FE_BIG) !== 0 ? getN(c, p + 1) : this.views[ci].getUint32(p + 1, true);
        return { kind: 'frameEnter', frame: FRAMES[c[p] & 15], level: (h >>> 5) & 7, gfn };
      }
      case K.frameLeave: {
        const f = (h & 0xc0) !== 0 ? (h >>> 6) - 1 : c[p++];
        return { kind: 'frameLeave', frame: FRAMES[f], rc: (h & F5) !== 0 ? 0 : unzz(getN(c, p)) };
      }
      case K.pteWrite: {
        const v = this.views[ci], f = c[p] | (c[p + 1] << 8) | (c[p + 2] << 16);
        p += 3;
        if ((f & PW_SAME_TABLE) === 0) { this.aT = v.getUint32(p, true); p += 4; }
        let old = 0n, nw = 0n;
        if ((h & OLD_ZERO) === 0) {
          const code = (f >>> 13) & 15, lo = v.getUint32(p, true);
          old = big(lo, code === HI_LITERAL ? v.getUint32(p + 4, true) : (this.hiDict[code] | v.getUint16(p + 4, true)) >>> 0);
          p += code === HI_LITERAL ? 8 : 6;
        }
        if ((h & NEW_ZERO) === 0) {
          const code = (f >>> 17) & 15, lo = v.getUint32(p, true);
          nw = big(lo, code === HI_LITERAL ? v.getUint32(p + 4, true) : (this.hiDict[code] | v.getUint16(p + 4, true)) >>> 0);
        }
        return {
          kind: 'pteWrite', table: this.aT, index: f & 511, level: (f >>> 9) & 3,
          old, new: nw, live: (h & F5) !== 0, raw: (f & PW_RAW) !== 0,
        };
      }
      case K.pteRun: {
        const key = this.aN;
        this.skip(c, p - 1); // moves the run state to this store's
        return {
          kind: 'pteWrite', table: this.aT, index: key & 511, level: (key >>> 9) & 3,
          old: 0n, new: big(this.aLo, this.aHi), live: (key & RUN_LIVE) !== 0, raw: (key & PW_RAW) !== 0,
        };
      }
      case K.pteClean: { const index = getN(c, p); return { kind: 'pteClean', table: getN(c, after()), index }; }
      case K.tlbFlush: { const v = getN(c, p); return { kind: 'tlbFlush', vmid: (v >>> 4) & 0xffff, cause: FLUSH_CAUSES[v & 15] }; }
      case K.needFlushSet: return { kind: 'needFlushSet' };
      case K.tableAlloc: return { kind: 'tableAlloc', table: getN(c, p + 1), level: c[p] & 7, why: WHY[(c[p] >>> 3) & 3] };
      case K.tableZero: return { kind: 'tableZero', table: getN(c, p) };
      case K.tableClean: return { kind: 'tableClean', table: getN(c, p) };
      case K.tableFree: return { kind: 'tableFree', table: getN(c, p) };
      case K.iommuFlush: { const dfn = getN(c, p); return { kind: 'iommuFlush', dfn, count: getN(c, after()), flags: (h >>> 5) & 7 }; }
      case K.radixSet: return { kind: 'radixSet', gfn: getN(c, p + 1), access: c[p] & 15 };
      case K.radixDelete: return { kind: 'radixDelete', gfn: getN(c, p) };
      case K.stat: return { kind: 'stat', field: (h & F5) !== 0 ? 'shattered' : 'mappings', level: (h >>> 6) & 3, delta: unzz(getN(c, p)) };
      case K.mappedRange: {
        const max = getN(c, p);
        return { kind: 'mappedRange', maxMappedGfn: max, lowestMappedGfn: (h & F5) !== 0 ? -1 : getN(c, after()) };
      }
      case K.putPage: { const mfn = getN(c, p); return { kind: 'putPage', mfn, count: getN(c, after()) }; }
      case K.mapcacheInvalidate: return { kind: 'mapcacheInvalidate' };
      case K.xenheapGfnClear: return { kind: 'xenheapGfnClear', mfn: getN(c, p) };
      default: {
        if ((h & F5) === 0) return { kind: 'diagnostic', diag: this.diags[getN(c, p)] };
        const j = getN(c, p + 1);
        return { kind: 'diagnostic', diag: rcErrorDiagnostic(FRAMES[c[p] & 31], this.rcVal[j], this.rcGfn[j]) };
      }
    }
  }

  /**
   * Feeds events [from, to) to `sink` straight from the bytes: one sequential pass, no event
   * objects and no bigint (descriptors stay u32 halves). This is the path for consumers that
   * look at every event (BBM checker, TLB model): `get(i)` builds an object per event and was
   * ~3× slower on a 1M-op replay. Kinds the sink has no method for are skipped.
   */
  feed(sink: RawEventSink, from = 0, to = this.n): void {
    to = Math.min(to, this.n);
    if (from >= to) return;
    const a = this.addrOf(from);
    let ci = Math.floor(a / CHUNK);
    this.fW = a - ci * CHUNK; this.fI = from;
    this.fT = this.aT; this.fN = this.aN; this.fRun[0] = this.aLo; this.fRun[1] = this.aHi; this.fRun[2] = this.aD;
    // Ops are numbered by their opBegin events in order: continue from the op before `from`.
    this.fOp = from === 0 ? -1 : this.opAt(from - 1);
    // One call per chunk, not one loop over the whole range: a short first feed (a warm-up)
    // calls feedChunk several times, so V8 has it optimised when a long feed comes, instead of
    // compiling an on-stack-replacement version of a whole-range loop again.
    while (this.fI < to) {
      const end = ci < this.ci ? this.chunkEnd[ci] : this.pos;
      this.feedChunk(sink, ci, end, to);
      if (this.fW >= end && ci < this.ci) { ci++; this.fW = 0; }
    }
    // Leave the random-access cursor where the feed stopped (a following get() is O(1)).
    if (to < this.n) {
      this.cursorI = to; this.cursorW = ci * CHUNK + this.fW;
      if ((to & 63) === 0) { this.cursorT = 0; this.cursorN = -1; this.cursorLo = 0; this.cursorHi = 0; this.cursorD = 0; }
      else { this.cursorT = this.fT; this.cursorN = this.fN; this.cursorLo = this.fRun[0]; this.cursorHi = this.fRun[1]; this.cursorD = this.fRun[2]; }
    }
  }

  /**
   * Events of chunk `ci` from byte fW / event fI while before `end` and `to`; fW, fI, fOp, fT
   * (position, event, op number, "same table" state) carry over between chunks. Frequent kinds
   * are decoded here, the rest in feedOther. Varints always go through getN: a separate one-byte
   * fast path left slow paths a short warm-up never ran, and each first run of one deoptimised
   * this loop (~50 ms of recompilation each on a 1M-op check).
   */
  private feedChunk(sink: RawEventSink, ci: number, end: number, to: number): void {
    const c = this.chunks[ci], dv = this.views[ci], hiDict = this.hiDict;
    const hasFrame = sink.onFrameEnter !== undefined, hasStat = sink.onStat !== undefined;
    const fr = this.fRun;
    let w = this.fW, i = this.fI, op = this.fOp, t = this.fT;
    for (; w < end && i < to; i++) {
      if ((i & 63) === 0) { t = 0; this.fN = -1; fr[0] = 0; fr[1] = 0; fr[2] = 0; }
      const h = c[w];
      switch (h & 31) {
        case K.pteWrite: {
          const f = c[w + 1] | (c[w + 2] << 8) | (c[w + 3] << 16);
          w += 4;
          if ((f & PW_SAME_TABLE) === 0) { t = dv.getUint32(w, true); w += 4; }
          let oLo = 0, oHi = 0, nLo = 0, nHi = 0;
          if ((h & OLD_ZERO) === 0) {
            const code = (f >>> 13) & 15;
            oLo = dv.getUint32(w, true);
            if (code !== HI_LITERAL) { oHi = (hiDict[code] | dv.getUint16(w + 4, true)) >>> 0; w += 6; } else { oHi = dv.getUint32(w + 4, true); w += 8; }
          }
          if ((h & NEW_ZERO) === 0) {
            const code = (f >>> 17) & 15;
            nLo = dv.getUint32(w, true);
            if (code !== HI_LITERAL) { nHi = (hiDict[code] | dv.getUint16(w + 4, true)) >>> 0; w += 6; } else { nHi = dv.getUint32(w + 4, true); w += 8; }
          }
          this.fN = nextKey((f & 0xfff) | ((h & F5) << 7)); fr[0] = nLo; fr[1] = nHi;
          sink.onPteWrite(i, t, f & 511, (f >>> 9) & 3, oLo, oHi, nLo, nHi, (h & F5) !== 0, (f & PW_RAW) !== 0);
          break;
        }
        case K.opBegin: {
          const v = getN(c, w + 1);
          w = after();
          op++;
          sink.onOpBegin(i, op, OP_KINDS[v & 15], (v >>> 4) & 0xffff);
          break;
        }
        case K.opEnd:
          if ((h & F5) !== 0) { w++; sink.onOpEnd(i, op, 0); } else { const v = getN(c, w + 1); w = after(); sink.onOpEnd(i, op, unzz(v)); }
          break;
        case K.frameEnter: {
          const b = c[w + 1];
          if (!hasFrame) { w = (b & FE_BIG) === 0 ? w + 6 : skipV(c, w + 2); break; }
          let g: number;
          if ((b & FE_BIG) === 0) { g = dv.getUint32(w + 2, true); w += 6; } else { g = getN(c, w + 2); w = after(); }
          sink.onFrameEnter!(i, FRAMES[b & 15], (h >>> 5) & 7, g);
          break;
        }
        case K.stat: {
          if (!hasStat) { w = skipV(c, w + 1); break; }
          const v = getN(c, w + 1);
          w = after();
          sink.onStat!(i, (h & F5) !== 0 ? 1 : 0, (h >>> 6) & 3, unzz(v));
          break;
        }
        case K.tlbFlush: {
          const v = getN(c, w + 1);
          w = after();
          sink.onTlbFlush(i, (v >>> 4) & 0xffff, FLUSH_CAUSES[v & 15]);
          break;
        }
        case K.frameLeave:
          w += (h & 0xc0) === 0 ? 2 : 1;
          if ((h & F5) === 0) w = skipV(c, w);
          break;
        case K.needFlushSet: w++; sink.onNeedFlushSet(i); break;
        default: w = this.feedOther(sink, c, w, i, t); break;
      }
    }
    this.fW = w; this.fI = i; this.fOp = op; this.fT = t;
  }

  /**
   * feed's less frequent kinds and the run stores (table `t`); returns the next position. Runs
   * are decoded here, not in feedChunk: a log's first run often comes after feedChunk is
   * optimised (a replay's first splits are late), and code in it that had never run
   * deoptimised it (~40 ms of recompilation on a 1M-op check); this method is small to
   * recompile, and its call costs less.
   */
  private feedOther(sink: RawEventSink, c: Uint8Array, w: number, i: number, t: number): number {
    const h = c[w];
    switch (h & 31) {
      case K.pteRun: {
        const fr = this.fRun, key = this.fN;
        if ((h & F5) !== 0) { fr[2] = u32(c, w + 1); w += 5; } else w++;
        const lo = (fr[0] + fr[2]) >>> 0;
        fr[0] = lo; this.fN = nextKey(key);
        sink.onPteWrite(i, t, key & 511, (key >>> 9) & 3, 0, 0, lo, fr[1], (key & RUN_LIVE) !== 0, (key & PW_RAW) !== 0);
        return w;
      }
      case K.tableAlloc: { const b = c[w + 1]; const tb = getN(c, w + 2); sink.onTableAlloc(i, tb, b & 7, WHY[(b >>> 3) & 3]); return after(); }
      case K.tableZero: { const tb = getN(c, w + 1); sink.onTableZero(i, tb); return after(); }
      case K.tableFree: { const tb = getN(c, w + 1); sink.onTableFree(i, tb); return after(); }
      case K.tableClean: { const tb = getN(c, w + 1); sink.onTableClean(i, tb); return after(); }
      case K.pteClean: { const x = getN(c, w + 1); const tb = getN(c, after()); sink.onPteClean(i, tb, x); return after(); }
      case K.mappedRange: {
        const max = getN(c, w + 1);
        const low = (h & F5) !== 0 ? -1 : getN(c, after());
        const next = after();
        sink.onMappedRange?.(i, max, low);
        return next;
      }
      case K.radixSet: { const g = getN(c, w + 2); const next = after(); sink.onRadixSet?.(i, g, c[w + 1] & 15); return next; }
      case K.radixDelete: { const g = getN(c, w + 1); const next = after(); sink.onRadixDelete?.(i, g); return next; }
      case K.diagnostic: sink.onDiagnostic?.(i, (h & F5) !== 0); return this.skip(c, w);
      default: return this.skip(c, w);
    }
  }

  /** All events (tests, small logs). */
  toArray(from = 0, to = this.n): P2mEvent[] {
    const out: P2mEvent[] = [];
    for (let i = from; i < to; i++) out.push(this.get(i));
    return out;
  }
}

/** The `rc-error` diagnostic of a failed call; the one wording for the compact and object forms. */
export function rcErrorDiagnostic(fn: string, rc: number, gfn: number): EngineDiagnostic {
  return { code: 'rc-error', severity: 'warning', message: `${fn} returned ${errnoName(rc)} (${rc}) at GFN 0x${gfn.toString(16)}`, gfn };
}

/** A little-endian u32 from bytes (skip() has no DataView at hand). */
function u32(c: Uint8Array, p: number): number { return (c[p] | (c[p + 1] << 8) | (c[p + 2] << 16) | (c[p + 3] << 24)) >>> 0; }

function big(lo: number, hi: number): bigint { return (BigInt(hi) << 32n) | BigInt(lo); }

/** Diagnostic helper type re-export for engine modules. */
export type { DiagnosticCode };
