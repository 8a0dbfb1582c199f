// Columnar, append-only recording of the engine's event stream (events.ts). The hot path
// appends a few u32 words per event into fixed-size chunks (no per-event object, no copy on
// growth); `get(i)` materialises one P2mEvent for views that page through the log.
//
// Layout: each event is a header word (bits 0–4 kind, the rest small fields) followed by a
// kind-specific number of words. An index holds the word address of every 64th event and a
// one-entry cursor makes sequential access O(1). Ops are implicit: opBegin events are
// numbered in order; `opAt(i)` binary-searches the op → first-event table.
import type {
  DiagnosticCode, EngineDiagnostic, FlushCause, FrameName, OpKind, P2mEvent, P2mEventKind,
} from './events';
import { errnoName } from './config';

export const enum K {
  opBegin = 0, opEnd, frameEnter, frameLeave, pteWrite, pteClean, tlbFlush, needFlushSet,
  tableAlloc, tableZero, tableClean, tableFree, iommuFlush, radixSet, radixDelete, stat,
  mappedRange, putPage, mapcacheInvalidate, xenheapGfnClear, diagnostic,
}
const KIND_NAMES: P2mEventKind[] = [
  'opBegin', 'opEnd', 'frameEnter', 'frameLeave', 'pteWrite', 'pteClean', 'tlbFlush', 'needFlushSet',
  'tableAlloc', 'tableZero', 'tableClean', 'tableFree', 'iommuFlush', 'radixSet', 'radixDelete', 'stat',
  'mappedRange', 'putPage', 'mapcacheInvalidate', 'xenheapGfnClear', 'diagnostic',
];
/** Words per event, header included (pteWrite: the most, see sizeOf). */
const SIZE = [1, 2, 2, 2, 6, 2, 1, 1, 2, 2, 2, 2, 3, 2, 2, 2, 5, 3, 1, 2, 2];
/**
 * pteWrite header bits 18/19: the old / new descriptor is 0 and not stored. Most stores have
 * one zero side (a fresh page filled, a break, a first map), so a pteWrite is usually 4 words
 * instead of 6: ~25% less log memory on a 1M-op replay.
 */
const OLD_ZERO = 1 << 18, NEW_ZERO = 1 << 19;
/**
 * One-word forms: a frameLeave or opEnd with rc 0, a stat whose delta fits 23 signed bits
 * (stored in header bits 9–31). Those are 3.4 of the ~9 events of a replayed op; without their
 * second word the log is ~19% smaller (less memory to fault in and stream through the cache).
 */
const FL_RC0 = 1 << 9, OE_RC0 = 1 << 5, ST_INLINE = 1 << 8;
/** diagnostic header bit 5: a compact `rc-error` (bits 6–10 the FRAMES index, word 1 its column row). */
const DG_RC = 1 << 5;
/** The one-word flag of each kind (0: the kind has no one-word form). */
const ONE_WORD: number[] = SIZE.map((_n, k) => (k === K.frameLeave ? FL_RC0 : k === K.opEnd ? OE_RC0 : k === K.stat ? ST_INLINE : 0));
/** Words of the event whose header is `h`. */
function sizeOf(h: number): number {
  const k = h & 31;
  if (k === K.pteWrite) return 2 + ((h & OLD_ZERO) !== 0 ? 0 : 2) + ((h & NEW_ZERO) !== 0 ? 0 : 2);
  return (h & ONE_WORD[k]) !== 0 ? 1 : SIZE[k];
}

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
const TWO32 = 0x1_0000_0000;
const CHUNK = 1 << 20; // max words per chunk (4 MiB); addresses are chunk * CHUNK + offset
const FIRST_CHUNK = 1 << 14;

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
}


export class EventLog {
  /** When false nothing is recorded (benchmark comparison only). */
  enabled = true;
  // Chunks grow 16 Ki words → 1 Mi words so a short-lived engine (tests, one lookup) stays small.
  private chunks: Uint32Array[] = [new Uint32Array(FIRST_CHUNK)];
  private cur: Uint32Array = this.chunks[0];
  private ci = 0;      // current chunk index
  private pos = 0;     // next free word in cur
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
  // sequential-access cursor
  private cursorI = -1;
  private cursorW = 0;
  /** Used words of each full chunk (its tail is padding). */
  private chunkEnd: number[] = [];

  get length(): number { return this.n; }
  get opCount(): number { return this.ops; }

  subscribe(fn: EventListener): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter(l => l !== fn); };
  }

  // ---- append (hot path) -------------------------------------------------------------

  /** Reserves `size` words for a new event; returns the word offset in `this.cur`. */
  private begin(size: number): number {
    if (this.pos + size > this.cur.length) {
      this.chunkEnd[this.ci] = this.pos;
      this.ci++;
      if (this.ci === this.chunks.length) this.chunks.push(new Uint32Array(this.ci >= 6 ? CHUNK : FIRST_CHUNK << this.ci));
      this.cur = this.chunks[this.ci];
      this.pos = 0;
    }
    if ((this.n & 63) === 0) this.every64.push(this.ci * CHUNK + this.pos);
    const w = this.pos;
    this.pos += size;
    return w;
  }
  private done(): void {
    const i = this.n++;
    if (this.listeners.length !== 0) for (const l of this.listeners) l(this, i);
  }

  opBegin(opKind: number, domain: number): number {
    const op = this.ops++;
    if (!this.enabled) return op;
    if (op === this.opFirst.length) { const t = new Uint32Array(op * 2); t.set(this.opFirst); this.opFirst = t; }
    this.opFirst[op] = this.n;
    const w = this.begin(1);
    this.cur[w] = K.opBegin | (opKind << 5) | ((domain & 0xffff) << 9);
    this.done();
    return op;
  }
  opEnd(rc: number): void {
    if (!this.enabled) return;
    if (rc === 0) { const w = this.begin(1); this.cur[w] = K.opEnd | OE_RC0; this.done(); return; }
    const w = this.begin(2), c = this.cur;
    c[w] = K.opEnd; c[w + 1] = rc;
    this.done();
  }
  frameEnter(frame: number, level: number, gfn: number): void {
    if (!this.enabled) return;
    const w = this.begin(2), c = this.cur;
    c[w] = K.frameEnter | (frame << 5) | (level << 9) | (Math.floor(gfn / TWO32) << 12);
    c[w + 1] = gfn >>> 0;
    this.done();
  }
  frameLeave(frame: number, rc: number): void {
    if (!this.enabled) return;
    if (rc === 0) { const w = this.begin(1); this.cur[w] = K.frameLeave | (frame << 5) | FL_RC0; this.done(); return; }
    const w = this.begin(2), c = this.cur;
    c[w] = K.frameLeave | (frame << 5); c[w + 1] = rc;
    this.done();
  }
  pteWrite(table: number, index: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void {
    if (!this.enabled) return;
    const oz = oldLo === 0 && oldHi === 0, nz = newLo === 0 && newHi === 0;
    const w = this.begin(2 + (oz ? 0 : 2) + (nz ? 0 : 2)), c = this.cur;
    c[w] = K.pteWrite | ((level & 3) << 5) | (live ? 0x80 : 0) | (raw ? 0x100 : 0) | ((index & 511) << 9) | (oz ? OLD_ZERO : 0) | (nz ? NEW_ZERO : 0);
    c[w + 1] = table;
    let j = w + 2;
    if (!oz) { c[j] = oldLo; c[j + 1] = oldHi; j += 2; }
    if (!nz) { c[j] = newLo; c[j + 1] = newHi; }
    this.done();
  }
  pteClean(table: number, index: number): void { this.tableIdx(K.pteClean, table, index); }
  tlbFlush(vmid: number, cause: number): void {
    if (!this.enabled) return;
    const w = this.begin(1);
    this.cur[w] = K.tlbFlush | (cause << 5) | ((vmid & 0xffff) << 9);
    this.done();
  }
  needFlushSet(): void { this.simple(K.needFlushSet); }
  mapcacheInvalidate(): void { this.simple(K.mapcacheInvalidate); }
  tableAlloc(table: number, level: number, why: 0 | 1 | 2): void { this.tableIdx(K.tableAlloc, table, level | (why << 3)); }
  tableZero(table: number): void { this.tableIdx(K.tableZero, table, 0); }
  tableClean(table: number): void { this.tableIdx(K.tableClean, table, 0); }
  tableFree(table: number): void { this.tableIdx(K.tableFree, table, 0); }
  iommuFlush(dfn: number, count: number, flags: number): void {
    if (!this.enabled) return;
    const w = this.begin(3), c = this.cur;
    c[w] = K.iommuFlush | (flags << 5) | (Math.floor(dfn / TWO32) << 8); c[w + 1] = dfn >>> 0; c[w + 2] = count;
    this.done();
  }
  radixSet(gfn: number, access: number): void { this.gfnEvent(K.radixSet, gfn, access); }
  radixDelete(gfn: number): void { this.gfnEvent(K.radixDelete, gfn, 0); }
  stat(field: 0 | 1, level: number, delta: number): void {
    if (!this.enabled) return;
    // Inline when `h >> 9` gives delta back exactly (an int32 within 23 signed bits).
    if (((delta << 9) >> 9) === delta) {
      const w = this.begin(1);
      this.cur[w] = K.stat | (field << 5) | ((level & 3) << 6) | ST_INLINE | (delta << 9); // readers mask level & 3
      this.done();
      return;
    }
    const w = this.begin(2), c = this.cur;
    c[w] = K.stat | (field << 5) | ((level & 3) << 6); c[w + 1] = delta;
    this.done();
  }
  mappedRange(maxGfn: number, lowestGfn: number): void {
    if (!this.enabled) return;
    const w = this.begin(5), c = this.cur;
    c[w] = K.mappedRange;
    c[w + 1] = maxGfn >>> 0; c[w + 2] = Math.floor(maxGfn / TWO32);
    if (lowestGfn < 0) { c[w + 3] = 0xffffffff; c[w + 4] = 0xffffffff; }
    else { c[w + 3] = lowestGfn >>> 0; c[w + 4] = Math.floor(lowestGfn / TWO32); }
    this.done();
  }
  putPage(mfn: number, count: number): void {
    if (!this.enabled) return;
    const w = this.begin(3), c = this.cur;
    c[w] = K.putPage | (Math.floor(mfn / TWO32) << 5); c[w + 1] = mfn >>> 0; c[w + 2] = count;
    this.done();
  }
  xenheapGfnClear(mfn: number): void { this.gfnEvent(K.xenheapGfnClear, mfn, 0); }
  diagnostic(d: EngineDiagnostic): void {
    if (!this.enabled) return;
    const w = this.begin(2);
    this.cur[w] = K.diagnostic; this.cur[w + 1] = this.diags.length;
    this.diags.push(d);
    this.done();
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
    const w = this.begin(2);
    this.cur[w] = K.diagnostic | DG_RC | (FRAMES.indexOf(fn) << 6); this.cur[w + 1] = this.rcN++;
    this.done();
  }

  private simple(k: number): void {
    if (!this.enabled) return;
    const w = this.begin(1);
    this.cur[w] = k;
    this.done();
  }
  private tableIdx(k: number, table: number, small: number): void {
    if (!this.enabled) return;
    const w = this.begin(2), c = this.cur;
    c[w] = k | (small << 9); c[w + 1] = table;
    this.done();
  }
  private gfnEvent(k: number, gfn: number, small: number): void {
    if (!this.enabled) return;
    const w = this.begin(2), c = this.cur;
    c[w] = k | (small << 5) | (Math.floor(gfn / TWO32) << 12); c[w + 1] = gfn >>> 0;
    this.done();
  }

  // ---- random access ---------------------------------------------------------------

  private word(addr: number): number { return this.chunks[Math.floor(addr / CHUNK)][addr % CHUNK]; }

  /** Word address of event i. */
  private addrOf(i: number): number {
    if (i < 0 || i >= this.n) throw new RangeError(`event ${i} out of range (0..${this.n - 1})`);
    let a: number, j: number;
    if (this.cursorI >= 0 && i >= this.cursorI && i - this.cursorI < 64) { a = this.cursorW; j = this.cursorI; }
    else { a = this.every64[i >>> 6]; j = i & ~63; }
    while (j < i) {
      a += sizeOf(this.word(a));
      j++;
      // events never straddle chunks: a chunk's unused tail is skipped
      const ci = Math.floor(a / CHUNK);
      if (this.chunkEnd[ci] !== undefined && a - ci * CHUNK >= this.chunkEnd[ci]) a = (ci + 1) * CHUNK;
    }
    this.cursorI = i; this.cursorW = a;
    return a;
  }

  kindAt(i: number): P2mEventKind { return KIND_NAMES[this.word(this.addrOf(i)) & 31]; }
  kindCodeAt(i: number): number { return this.word(this.addrOf(i)) & 31; }

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
    const c = this.chunks[Math.floor(a / CHUNK)], w = a % CHUNK;
    const h = c[w];
    const hiOf = (x: number) => x >>> 12;
    switch (h & 31) {
      case K.opBegin: return { kind: 'opBegin', op: this.opAt(i), opKind: OP_KINDS[(h >>> 5) & 15], domain: (h >>> 9) & 0xffff };
      case K.opEnd: return { kind: 'opEnd', op: this.opAt(i), rc: (h & OE_RC0) !== 0 ? 0 : c[w + 1] | 0 };
      case K.frameEnter: return { kind: 'frameEnter', frame: FRAMES[(h >>> 5) & 15], level: (h >>> 9) & 7, gfn: hiOf(h) * TWO32 + c[w + 1] };
      case K.frameLeave: return { kind: 'frameLeave', frame: FRAMES[(h >>> 5) & 15], rc: (h & FL_RC0) !== 0 ? 0 : c[w + 1] | 0 };
      case K.pteWrite: {
        const oz = (h & OLD_ZERO) !== 0, nz = (h & NEW_ZERO) !== 0, j = w + (oz ? 2 : 4);
        return {
          kind: 'pteWrite', table: c[w + 1], index: (h >>> 9) & 511, level: (h >>> 5) & 3,
          old: oz ? 0n : big(c[w + 2], c[w + 3]), new: nz ? 0n : big(c[j], c[j + 1]), live: (h & 0x80) !== 0, raw: (h & 0x100) !== 0,
        };
      }
      case K.pteClean: return { kind: 'pteClean', table: c[w + 1], index: (h >>> 9) & 511 };
      case K.tlbFlush: return { kind: 'tlbFlush', vmid: (h >>> 9) & 0xffff, cause: FLUSH_CAUSES[(h >>> 5) & 15] };
      case K.needFlushSet: return { kind: 'needFlushSet' };
      case K.tableAlloc: return { kind: 'tableAlloc', table: c[w + 1], level: (h >>> 9) & 7, why: WHY[(h >>> 12) & 3] };
      case K.tableZero: return { kind: 'tableZero', table: c[w + 1] };
      case K.tableClean: return { kind: 'tableClean', table: c[w + 1] };
      case K.tableFree: return { kind: 'tableFree', table: c[w + 1] };
      case K.iommuFlush: return { kind: 'iommuFlush', dfn: (h >>> 8) * TWO32 + c[w + 1], count: c[w + 2], flags: (h >>> 5) & 7 };
      case K.radixSet: return { kind: 'radixSet', gfn: hiOf(h) * TWO32 + c[w + 1], access: (h >>> 5) & 15 };
      case K.radixDelete: return { kind: 'radixDelete', gfn: hiOf(h) * TWO32 + c[w + 1] };
      case K.stat: return { kind: 'stat', field: (h & 0x20) ? 'shattered' : 'mappings', level: (h >>> 6) & 3, delta: (h & ST_INLINE) !== 0 ? h >> 9 : c[w + 1] | 0 };
      case K.mappedRange: {
        const low = c[w + 3] === 0xffffffff && c[w + 4] === 0xffffffff ? -1 : c[w + 4] * TWO32 + c[w + 3];
        return { kind: 'mappedRange', maxMappedGfn: c[w + 2] * TWO32 + c[w + 1], lowestMappedGfn: low };
      }
      case K.putPage: return { kind: 'putPage', mfn: (h >>> 5) * TWO32 + c[w + 1], count: c[w + 2] };
      case K.mapcacheInvalidate: return { kind: 'mapcacheInvalidate' };
      case K.xenheapGfnClear: return { kind: 'xenheapGfnClear', mfn: hiOf(h) * TWO32 + c[w + 1] };
      default: {
        if ((h & DG_RC) === 0) return { kind: 'diagnostic', diag: this.diags[c[w + 1]] };
        const j = c[w + 1];
        return { kind: 'diagnostic', diag: rcErrorDiagnostic(FRAMES[(h >>> 6) & 31], this.rcVal[j], this.rcGfn[j]) };
      }
    }
  }

  /**
   * Feeds events [from, to) to `sink` straight from the columns: one sequential pass over the
   * words, no event objects and no bigint (descriptors stay u32 halves). This is the path for
   * consumers that look at every event (BBM checker, TLB model): `get(i)` builds an object per
   * event and was ~3× slower on a 1M-op replay. Kinds the sink has no method for are skipped.
   */
  feed(sink: RawEventSink, from = 0, to = this.n): void {
    to = Math.min(to, this.n);
    if (from >= to) return;
    let a = this.addrOf(from);
    let ci = Math.floor(a / CHUNK), w = a - ci * CHUNK;
    let c = this.chunks[ci];
    // Ops are numbered by their opBegin events in order: continue from the op before `from`.
    let op = from === 0 ? -1 : this.opAt(from - 1);
    const frame = sink.onFrameEnter;
    for (let i = from; i < to; i++) {
      const end = this.chunkEnd[ci];
      if (end !== undefined && w >= end) { ci++; c = this.chunks[ci]; w = 0; }
      const h = c[w];
      const k = h & 31;
      switch (k) {
        case K.opBegin: op++; sink.onOpBegin(i, op, OP_KINDS[(h >>> 5) & 15], (h >>> 9) & 0xffff); break;
        case K.opEnd: sink.onOpEnd(i, op, (h & OE_RC0) !== 0 ? 0 : c[w + 1] | 0); break;
        case K.frameEnter:
          if (frame !== undefined) sink.onFrameEnter!(i, FRAMES[(h >>> 5) & 15], (h >>> 9) & 7, (h >>> 12) * TWO32 + c[w + 1]);
          break;
        case K.pteWrite: {
          let oLo = 0, oHi = 0, nLo = 0, nHi = 0, j = w + 2;
          if ((h & OLD_ZERO) === 0) { oLo = c[j]; oHi = c[j + 1]; j += 2; }
          if ((h & NEW_ZERO) === 0) { nLo = c[j]; nHi = c[j + 1]; }
          sink.onPteWrite(i, c[w + 1], (h >>> 9) & 511, (h >>> 5) & 3, oLo, oHi, nLo, nHi, (h & 0x80) !== 0, (h & 0x100) !== 0);
          break;
        }
        case K.pteClean: sink.onPteClean(i, c[w + 1], (h >>> 9) & 511); break;
        case K.tlbFlush: sink.onTlbFlush(i, (h >>> 9) & 0xffff, FLUSH_CAUSES[(h >>> 5) & 15]); break;
        case K.needFlushSet: sink.onNeedFlushSet(i); break;
        case K.tableAlloc: sink.onTableAlloc(i, c[w + 1], (h >>> 9) & 7, WHY[(h >>> 12) & 3]); break;
        case K.tableZero: sink.onTableZero(i, c[w + 1]); break;
        case K.tableClean: sink.onTableClean(i, c[w + 1]); break;
        case K.tableFree: sink.onTableFree(i, c[w + 1]); break;
        case K.stat:
          if (sink.onStat !== undefined) sink.onStat(i, (h & 0x20) ? 1 : 0, (h >>> 6) & 3, (h & ST_INLINE) !== 0 ? h >> 9 : c[w + 1] | 0);
          break;
        case K.mappedRange:
          if (sink.onMappedRange !== undefined) {
            const low = c[w + 3] === 0xffffffff && c[w + 4] === 0xffffffff ? -1 : c[w + 4] * TWO32 + c[w + 3];
            sink.onMappedRange(i, c[w + 2] * TWO32 + c[w + 1], low);
          }
          break;
        case K.radixSet: if (sink.onRadixSet !== undefined) sink.onRadixSet(i, (h >>> 12) * TWO32 + c[w + 1], (h >>> 5) & 15); break;
        case K.radixDelete: if (sink.onRadixDelete !== undefined) sink.onRadixDelete(i, (h >>> 12) * TWO32 + c[w + 1]); break;
        default: break;
      }
      w += sizeOf(h);
    }
    // Leave the random-access cursor where the feed stopped (a following get() is O(1)).
    const end = this.chunkEnd[ci];
    if (end !== undefined && w >= end) { ci++; w = 0; }
    if (to < this.n) { this.cursorI = to; this.cursorW = ci * CHUNK + w; }
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

function big(lo: number, hi: number): bigint { return (BigInt(hi) << 32n) | BigInt(lo); }

/** Diagnostic helper type re-export for engine modules. */
export type { DiagnosticCode };
