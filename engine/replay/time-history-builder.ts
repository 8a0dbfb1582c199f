// Builds a domain's EntryHistory (time-history.ts) from its writes in recording order, in two
// passes over the same writes (the index feeds the event log twice):
//  1. counting: spots the fill runs (see time-history.ts) and counts, per page, the writes that
//     stay history entries; nothing per write is stored;
//  2. placing: every write that stays an entry goes straight into its page's slot range of the
//     final columns (the writes a run folds are known from pass 1 by their position), then each
//     page is sorted by index in place.
// So the load holds the final columns and a few per-page counters, never a builder's copy of
// every write beside them: on the 1M-op bench a one-pass builder held 23 MB of write columns
// plus the sort's permutation while the final 16 MB were gathered, a transient peak that the
// allocator kept in the process after the load. The price is a second decode of the log.
// The second pass must hand over exactly the writes of the first (in the same order): both
// passes count their writes and fold them into a rolling hash, compared at build(), and pass 2
// checks each page's placed + dropped writes against pass 1's count. A mismatch is reported as
// `problem` (the caller then keeps the log-mover mode), never indexed.

import { EntryHistory, FillRuns } from './time-history';

/** Shortest run kept as a run record (a record costs about two history entries). */
const MIN_RUN = 8;
/** Start value of the writes' rolling hash (see `add`). */
const HASH_SEED = 0x2545f491;

export class HistoryBuilder {
  /** Pass 1 (counting) until `place`, then pass 2 (placing) until `build`. */
  private placing = false;
  /** Why the two passes disagreed (the writes must be the same twice), if they did. */
  problem: string | undefined;
  /** Builder position: the history entries so far (writes folded into a closed run leave it). */
  private n = 0;
  /** Writes added in this pass and their rolling hash; pass 1's, kept by `place` for `build`. */
  private adds = 0;
  private hash = HASH_SEED;
  private adds1 = 0;
  private hash1 = 0;
  private maxPage = -1;
  /** Pass 1: per page, the history entries (grown as pages appear). */
  private count = new Int32Array(64);
  // Pass 1's run test: the previous entry, and the candidate run (the last candLen entries,
  // from position candAt, continuing each other with step candStep) with its first entry.
  private pPg = 0; private pIx = 0; private pOp = 0; private pLo = 0; private pHi = 0;
  private candAt = 0;
  private candLen = 0;
  private candStep = 0;
  private cPg = 0; private cIx = 0; private cOp = 0; private cLo = 0; private cHi = 0;
  /** Run records in recording order: page, key, first index, count, base lo, base hi, step, seq. */
  private runs: number[] = [];
  /** Distinct high words of pass 1 (of every write: a superset of the entries'), in first-seen order. */
  private codes: Map<number, number> | undefined = new Map();
  private lastHi = -1;
  private lastCode = 0;
  // Pass 2.
  private fill = new Int32Array(0);
  private start = new Int32Array(0);
  private ix = new Uint16Array(0);
  private op = new Uint32Array(0);
  private lo = new Uint32Array(0);
  private hi: Uint16Array | Uint32Array = new Uint16Array(0);
  private fillRuns: FillRuns | undefined;
  /** Pass 2: per page, the writes dropped as superseded by a run (placed + dropped = pass 1's count). */
  private dropped = new Int32Array(0);
  /** Pass 2: the next run of pass 1 (recording order), its position and length. */
  private nextRun = 0;
  private runSeq = NaN;
  private runLen = 0;

  /** A write first visible at boundary `key` (pass 1, then the same writes again in pass 2). */
  add(page: number, index: number, key: number, lo: number, hi: number): void {
    // Rolling hash of every write, in both passes (~1.5 ns a write). With the other fields fixed,
    // the write's word w is a bijection of each field (a rotation, an xor, a multiply by an odd
    // constant mod 2^32), and each step a bijection of the previous hash: any one changed field
    // of one write always changes the final hash. (page, index) are packed (index < 512 in the
    // top 9 bits: exact for pages < 2^23), key and hi likewise xored before one multiply:
    // three multiplies a write, one of them on the hash's dependency chain.
    const w = Math.imul(page ^ ((index << 23) | (index >>> 9)), 0x9e3779b1) ^ Math.imul(key ^ ((hi << 16) | (hi >>> 16)), 0xc2b2ae3d) ^ lo;
    const h = this.hash;
    this.hash = Math.imul(((h << 5) | (h >>> 27)) ^ w, 0x165667b1);
    this.adds++;
    if (this.placing) { this.put(page, index, key, lo, hi); return; }
    if (!(page >= 0)) { this.problem ??= `write ${this.adds - 1}: page ${page} out of range`; return; }
    if (hi !== this.lastHi && this.codes !== undefined) {
      this.lastHi = hi;
      if (!this.codes.has(hi)) {
        // More than 65,536 distinct high words: the plain u32 column (see build).
        if (this.codes.size > 0xffff) this.codes = undefined; else this.codes.set(hi, this.codes.size);
      }
    }
    const n = this.n;
    if (this.candLen > 0) {
      const adj = this.pPg === page && this.pOp === key && this.pIx + 1 === index;
      const pl = this.pLo, step = (lo - pl) >>> 0;
      // lo = pl + step mod 2^32 carries into hi exactly when it wrapped below pl.
      const fits = adj && hi === ((this.pHi + (lo < pl ? 1 : 0)) >>> 0);
      if (fits && (this.candLen === 1 || step === this.candStep)) {
        if (this.candLen === 1) this.candStep = step;
        this.candLen++;
      } else {
        if (this.candLen >= MIN_RUN) { this.closeRun(); this.startCand(page, index, key, lo, hi); }
        // A different step from the previous write on: the run may start there.
        else if (fits) {
          this.candAt = n - 1; this.candLen = 2; this.candStep = step;
          this.cPg = this.pPg; this.cIx = this.pIx; this.cOp = this.pOp; this.cLo = this.pLo; this.cHi = this.pHi;
        } else this.startCand(page, index, key, lo, hi);
      }
    } else this.startCand(page, index, key, lo, hi);
    this.n++;
    if (page >= this.count.length) {
      const c = new Int32Array(Math.max(page + 1, this.count.length * 2));
      c.set(this.count); this.count = c;
    }
    this.count[page]++;
    this.pPg = page; this.pIx = index; this.pOp = key; this.pLo = lo; this.pHi = hi;
    if (page > this.maxPage) this.maxPage = page;
  }

  /** The write being added (at position n) starts a new candidate. */
  private startCand(page: number, index: number, key: number, lo: number, hi: number): void {
    this.candAt = this.n; this.candLen = 1;
    this.cPg = page; this.cIx = index; this.cOp = key; this.cLo = lo; this.cHi = hi;
  }

  /** Turns the candidate (the last candLen entries, all on page cPg) into a run record. */
  private closeRun(): void {
    const a = this.candAt;
    // seq = a: history entries before the run sit below position a, later ones from a on.
    this.runs.push(this.cPg, this.cOp, this.cIx, this.candLen, this.cLo, this.cHi, this.candStep, a);
    this.count[this.cPg] -= this.candLen;
    this.n = a;
    this.candLen = 0;
  }

  /** Ends pass 1: sizes the final columns; the same writes are then added again. */
  place(pages: number): void {
    if (this.candLen >= MIN_RUN) this.closeRun();
    this.candLen = 0;
    const np = Math.max(pages, this.maxPage + 1);
    const start = new Int32Array(np + 1);
    for (let p = 0; p < np && p < this.count.length; p++) start[p + 1] = start[p] + this.count[p];
    for (let p = this.count.length; p < np; p++) start[p + 1] = start[p];
    this.count = new Int32Array(0);
    const total = start[np];
    this.start = start;
    this.fill = start.slice(0, np);
    this.ix = new Uint16Array(total); this.op = new Uint32Array(total); this.lo = new Uint32Array(total);
    this.hi = this.codes !== undefined ? new Uint16Array(total) : new Uint32Array(total);
    this.fillRuns = buildRuns(this.runs, np);
    this.dropped = new Int32Array(np);
    this.placing = true;
    this.adds1 = this.adds; this.hash1 = this.hash;
    this.adds = 0; this.hash = HASH_SEED;
    this.n = 0; this.nextRun = 0; this.lastHi = -1;
    this.loadRun();
  }

  /** The next pass-1 run in recording order (NaN position when none is left). */
  private loadRun(): void {
    const r = this.runs, j = this.nextRun;
    if (8 * j < r.length) { this.runSeq = r[8 * j + 7]; this.runLen = r[8 * j + 3]; } else { this.runSeq = NaN; this.runLen = 0; }
  }

  private put(page: number, index: number, key: number, lo: number, hi: number): void {
    const pos = this.n++;
    // Every write from the next run's position on belongs to that run (only its closing ever
    // took entries away, back to its position): folded, not placed.
    if (pos >= this.runSeq) {
      if (page !== this.runs[8 * this.nextRun]) this.problem ??= `write ${this.adds - 1}: pass 2 differs from pass 1 (run page)`;
      if (pos + 1 === this.runSeq + this.runLen) { this.n = this.runSeq; this.nextRun++; this.loadRun(); }
      return;
    }
    // Never index fill[] out of range (a page pass 1 never saw).
    if (!(page >= 0 && page < this.fill.length)) { this.problem ??= `write ${this.adds - 1}: pass 2 differs from pass 1 (page ${page} out of range)`; return; }
    // A write a later run of its own op overwrites is never visible: dropped (see time-history.ts).
    if (this.fillRuns!.supersedes(page, index, key, pos)) { this.dropped[page]++; return; }
    const at = this.fill[page];
    if (at >= this.start[page + 1]) { this.problem ??= `write ${this.adds - 1}: pass 2 differs from pass 1 (page ${page} entries)`; return; }
    this.fill[page] = at + 1;
    this.ix[at] = index; this.op[at] = key; this.lo[at] = lo;
    if (this.codes === undefined) { this.hi[at] = hi; return; }
    if (hi !== this.lastHi) {
      const c = this.codes.get(hi);
      if (c === undefined) { this.problem ??= `write ${this.adds - 1}: pass 2 differs from pass 1 (high word)`; return; }
      this.lastHi = hi; this.lastCode = c;
    }
    this.hi[at] = this.lastCode;
  }

  /** Ends pass 2: drops the slots of dropped writes and sorts each page by index. Empties the builder. */
  build(): EntryHistory {
    if (!this.placing) { this.problem ??= 'build before place'; this.place(0); }
    if (this.nextRun * 8 !== this.runs.length) this.problem ??= 'pass 2 ended before pass 1 (runs left)';
    if (this.adds !== this.adds1) this.problem ??= `pass 2 differs from pass 1 (${this.adds} writes, pass 1 had ${this.adds1})`;
    else if (this.hash !== this.hash1) this.problem ??= 'pass 2 differs from pass 1 (same number of writes, other values or order)';
    const start = this.start, fill = this.fill, np = fill.length, dropped = this.dropped;
    // Every entry pass 1 counted on a page was placed or dropped in pass 2, none more.
    for (let p = 0; p < np; p++) {
      if (fill[p] - start[p] + dropped[p] !== start[p + 1] - start[p]) {
        this.problem ??= `pass 2 differs from pass 1 (page ${p}: ${fill[p] - start[p]} placed + ${dropped[p]} dropped, pass 1 counted ${start[p + 1] - start[p]})`;
        break;
      }
    }
    this.dropped = new Int32Array(0);
    let { ix, op, lo, hi } = this;
    this.ix = new Uint16Array(0); this.op = new Uint32Array(0); this.lo = new Uint32Array(0); this.hi = new Uint16Array(0);
    // Close the gaps the dropped writes left (a page's unfilled tail), in place.
    let w = 0;
    for (let p = 0; p < np; p++) {
      const a = start[p], b = fill[p];
      start[p] = w;
      if (a !== w) { ix.copyWithin(w, a, b); op.copyWithin(w, a, b); lo.copyWithin(w, a, b); hi.copyWithin(w, a, b); }
      w += b - a;
    }
    start[np] = w;
    this.fill = new Int32Array(0);
    // Trimmed one column at a time (one column's copy at most beside the others).
    if (w !== ix.length) { ix = ix.slice(0, w); op = op.slice(0, w); lo = lo.slice(0, w); hi = hi.slice(0, w); }
    sortPages(start, ix, op, lo, hi);
    let table: Uint32Array | null = null;
    if (this.codes !== undefined) {
      table = new Uint32Array(this.codes.size);
      for (const [h, c] of this.codes) table[c] = h;
    }
    this.codes = new Map();
    const runs = this.fillRuns!; // set by place()
    runs.dropSeq();
    this.runs = [];
    this.fillRuns = undefined;
    this.start = new Int32Array(0);
    return new EntryHistory(start, ix, op, lo, hi, table, runs);
  }
}

/** Within each page, a stable sort by index of the four columns (writes to one slot stay in key order). */
function sortPages(start: Int32Array, ix: Uint16Array, op: Uint32Array, lo: Uint32Array, hi: Uint16Array | Uint32Array): void {
  const np = start.length - 1;
  const cnt = new Int32Array(513);
  let sIx = new Uint16Array(0), sOp = new Uint32Array(0), sLo = new Uint32Array(0), sHi = new Uint32Array(0);
  for (let p = 0; p < np; p++) {
    const a = start[p], b = start[p + 1], len = b - a;
    if (len < 2) continue;
    if (len <= 32) {
      for (let i = a + 1; i < b; i++) {
        const x = ix[i];
        if (ix[i - 1] <= x) continue;
        const o = op[i], l = lo[i], h = hi[i];
        let j = i;
        while (j > a && ix[j - 1] > x) { ix[j] = ix[j - 1]; op[j] = op[j - 1]; lo[j] = lo[j - 1]; hi[j] = hi[j - 1]; j--; }
        ix[j] = x; op[j] = o; lo[j] = l; hi[j] = h;
      }
      continue;
    }
    // Counting sort over the 512 indices, through scratch columns of the page's length.
    cnt.fill(0);
    for (let i = a; i < b; i++) cnt[ix[i] + 1]++;
    for (let v = 0; v < 512; v++) cnt[v + 1] += cnt[v];
    if (sIx.length < len) {
      const m = Math.max(len, sIx.length * 2);
      sIx = new Uint16Array(m); sOp = new Uint32Array(m); sLo = new Uint32Array(m); sHi = new Uint32Array(m);
    }
    for (let i = a; i < b; i++) { const d = cnt[ix[i]]++; sIx[d] = ix[i]; sOp[d] = op[i]; sLo[d] = lo[i]; sHi[d] = hi[i]; }
    ix.set(sIx.subarray(0, len), a); op.set(sOp.subarray(0, len), a); lo.set(sLo.subarray(0, len), a);
    for (let i = 0; i < len; i++) hi[a + i] = sHi[i];
  }
}

/** The run records (recording order) in CSR by page, each page's sorted by key (stable: recording order). */
function buildRuns(r: number[], np: number): FillRuns {
  const count = r.length >>> 3;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((x, y) => (r[8 * x] - r[8 * y]) || (r[8 * x + 1] - r[8 * y + 1]) || (x - y));
  const start = new Int32Array(np + 1);
  for (let i = 0; i < count; i++) start[r[8 * i] + 1]++;
  for (let p = 0; p < np; p++) start[p + 1] += start[p];
  const key = new Uint32Array(count), first = new Uint16Array(count), cnt = new Uint16Array(count);
  const lo = new Uint32Array(count), hi = new Uint32Array(count), step = new Uint32Array(count), seq = new Uint32Array(count);
  for (let j = 0; j < count; j++) {
    const o = 8 * order[j];
    key[j] = r[o + 1]; first[j] = r[o + 2]; cnt[j] = r[o + 3]; lo[j] = r[o + 4]; hi[j] = r[o + 5]; step[j] = r[o + 6]; seq[j] = r[o + 7];
  }
  return new FillRuns(start, key, first, cnt, lo, hi, step, seq);
}
