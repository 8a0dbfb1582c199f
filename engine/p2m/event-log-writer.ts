// The event log's state and its append path (the engine's hot path): a byte stream in
// fixed-size chunks, every 64th event's address indexed, ops numbered by their opBegin.
// EventLog (event-log.ts) adds the readers (get, kindAt, feed, …) on the same state; the
// encoding is described there and its codes are in event-codes.ts.
import type { EngineDiagnostic, FrameName } from './events';
import {
  CHUNK, F5, FE_BIG, FIRST_CHUNK, FRAMES, HI_LITERAL, K, MAX_EVENT, NEW_ZERO, nextKey, OLD_ZERO, PW_RAW, PW_SAME_TABLE, RUN_LIVE,
} from './event-codes';
import { put32, putBig, putN, putU, wrapHi, zz } from './event-bytes';

export abstract class EventLogWriter {
  /** When false nothing is recorded (benchmark comparison only). */
  enabled = true;
  // Chunks grow 16 KiB → 1 MiB so a short-lived engine (tests, one lookup) stays small.
  protected chunks: Uint8Array[] = [new Uint8Array(FIRST_CHUNK)];
  protected cur: Uint8Array = this.chunks[0];
  /** A DataView per chunk for the u32 fields (one unaligned load/store instead of four bytes). */
  protected views: DataView[] = [new DataView(this.chunks[0].buffer)];
  protected curView: DataView = this.views[0];
  protected ci = 0;      // current chunk index
  protected pos = 0;     // next free byte in cur
  protected n = 0;       // events
  protected every64: number[] = [];
  protected opFirst = new Uint32Array(1024);
  protected ops = 0;
  protected diags: EngineDiagnostic[] = [];
  /**
   * `rc-error` diagnostics as columns (return code, GFN); the header holds the function. A
   * pool-limited 10M-op trace fails ~half its calls: one object + message string each was
   * ~290 B (1.5 GB), the columns are 12 B. The message is built when the event is read.
   */
  protected rcVal = new Int32Array(256);
  protected rcGfn = new Float64Array(256);
  protected rcN = 0;
  protected listeners: ((log: this, index: number) => void)[] = [];
  /** Used bytes of each full chunk (its tail is padding). */
  protected chunkEnd: number[] = [];
  // Writer's "same table" state: the previous pteWrite's table MFN (restarts every 64th event).
  protected wTable = 0;
  // Writer's run state (restarts with wTable): the key a pteRun continues with (-1: none), the
  // previous store's new descriptor as the reader sees it (u32 halves) and the lo step.
  protected wNext = -1;
  protected wLo = 0;
  protected wHi = 0;
  protected wD = 0;
  /** Descriptor hi bits 16–31 (upper attributes) seen first: a pteWrite names them by a 4-bit code. */
  protected hiDict = new Float64Array(HI_LITERAL).fill(-1); // -1: free slot
  // Sequential-access cursor: event, byte address, "same table" and run state before it.
  protected cursorI = -1;
  protected cursorW = 0;
  protected cursorT = 0;
  protected cursorN = -1;
  protected cursorLo = 0;
  protected cursorHi = 0;
  protected cursorD = 0;
  /** The "same table" and run state (as wTable, wNext, wLo, wHi, wD) before the event addrOf returned. */
  protected aT = 0;
  protected aN = -1;
  protected aLo = 0;
  protected aHi = 0;
  protected aD = 0;
  // feed's position between feedChunk calls: byte, event, op number, "same table" and run state.
  protected fW = 0;
  protected fI = 0;
  protected fOp = -1;
  protected fT = 0;
  protected fN = -1;
  /**
   * feed's run lo, hi and step between feedChunk calls. A Uint32Array: its loads are u32 to
   * the compiler, where a number field above 2^30 failed the loop's small-integer check on
   * entry and deoptimised it.
   */
  protected fRun = new Uint32Array(3);

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

  subscribe(fn: (log: this, index: number) => void): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter(l => l !== fn); };
  }

  // ---- append (hot path) -------------------------------------------------------------

  /**
   * Room for the longest event at this.pos. This and done() are inlined into every append
   * method, and those into the engine's hot paths only while their bytecode stays small: the
   * rare work (a new chunk, an index point, listeners) is in methods of its own.
   */
  protected reserve(): Uint8Array {
    if (this.pos + MAX_EVENT > this.cur.length) this.nextChunk();
    if ((this.n & 63) === 0) this.indexPoint();
    return this.cur;
  }
  protected nextChunk(): void {
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
  protected indexPoint(): void {
    this.every64.push(this.ci * CHUNK + this.pos);
    this.wTable = 0; this.wNext = -1; this.wLo = 0; this.wHi = 0; this.wD = 0;
  }
  protected done(p: number): void {
    this.pos = p;
    const i = this.n++;
    if (this.listeners.length !== 0) this.notify(i);
  }
  protected notify(i: number): void { for (const l of this.listeners) l(this, i); }

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
  protected frameEnterBig(frame: number, level: number, gfn: number): void {
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
  protected pteRun(key: number, lo: number): void {
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
  protected pteFull(t: number, key: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
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
  protected hiCode(hi: number): number {
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

  /**
   * The `rc-error` diagnostic of a failed call of `fn` (same event as diagnostic(), stored
   * compactly). `code` is fn's index in FRAMES, when the caller has it already.
   */
  rcError(fn: FrameName, rc: number, gfn: number, code = FRAMES.indexOf(fn)): void {
    if (!this.enabled) return;
    if (this.rcN === this.rcVal.length) {
      const v = new Int32Array(this.rcN * 2), g = new Float64Array(this.rcN * 2);
      v.set(this.rcVal); g.set(this.rcGfn);
      this.rcVal = v; this.rcGfn = g;
    }
    this.rcVal[this.rcN] = rc; this.rcGfn[this.rcN] = gfn;
    const c = this.reserve(), p = this.pos;
    c[p] = K.diagnostic | F5; c[p + 1] = code & 31;
    this.done(putU(c, p + 2, this.rcN++));
  }

  protected simple(k: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(p + 1);
  }
  protected tableEvent(k: number, table: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(putU(c, p + 1, table >>> 0));
  }
  protected gfnEvent(k: number, gfn: number): void {
    if (!this.enabled) return;
    const c = this.reserve(), p = this.pos;
    c[p] = k;
    this.done(putN(c, p + 1, wrapHi(gfn, 0xfffff)));
  }
}
