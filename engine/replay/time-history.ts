// Per-entry write histories of one domain's table pages: for every (page, index) slot, the
// ordered list of (key, lo, hi) values stored into it over the whole trace (pteWrites, and the
// zero each stale entry of a reused page got from a tableZero); key = the first op boundary
// that sees the write (op + 1 for a write inside op `op`, 0 before any op). CSR by page: the
// page's writes sorted by (index, key), in typed-array columns (12 B per write: the high word
// as a u16 code into a table of distinct values). "Entry at
// boundary k" (before op k) is the last write to the slot with key ≤ k: two binary searches.

const GROW = 1 << 16;

export class HistoryBuilder {
  private n = 0;
  private pg = new Uint32Array(GROW);
  private ix = new Uint16Array(GROW);
  private op = new Uint32Array(GROW);
  private lo = new Uint32Array(GROW);
  private hi = new Uint32Array(GROW);
  private maxPage = -1;

  /** A write first visible at boundary `key`. */
  add(page: number, index: number, key: number, lo: number, hi: number): void {
    if (this.n === this.pg.length) this.grow();
    const k = this.n++;
    this.pg[k] = page; this.ix[k] = index; this.op[k] = key; this.lo[k] = lo; this.hi[k] = hi;
    if (page > this.maxPage) this.maxPage = page;
  }

  private grow(): void {
    // ×1.5: less spare capacity at the end of a long trace than doubling.
    const g = <T extends Uint32Array | Uint16Array>(x: T, make: (n: number) => T): T => { const y = make(Math.ceil(x.length * 1.5)); y.set(x); return y; };
    this.pg = g(this.pg, n => new Uint32Array(n)); this.ix = g(this.ix, n => new Uint16Array(n));
    this.op = g(this.op, n => new Uint32Array(n)); this.lo = g(this.lo, n => new Uint32Array(n)); this.hi = g(this.hi, n => new Uint32Array(n));
  }

  /** Sorts into the CSR layout (stable: writes to one slot stay in recording order). Empties the builder. */
  build(pages: number): EntryHistory {
    const n = this.n, np = Math.max(pages, this.maxPage + 1);
    const start = new Int32Array(np + 1);
    for (let k = 0; k < n; k++) start[this.pg[k] + 1]++;
    for (let p = 0; p < np; p++) start[p + 1] += start[p];
    const fill = start.slice(0, np);
    const perm = new Uint32Array(n);
    for (let k = 0; k < n; k++) perm[fill[this.pg[k]]++] = k;
    // Within each page, a stable sort by index (counting sort over 512 buckets for big pages).
    const cnt = new Int32Array(513);
    let scratch = new Uint32Array(0);
    for (let p = 0; p < np; p++) {
      const a = start[p], b = start[p + 1], len = b - a;
      if (len < 2) continue;
      if (len <= 32) {
        for (let i = a + 1; i < b; i++) {
          const x = perm[i], key = this.ix[x];
          let j = i;
          while (j > a && this.ix[perm[j - 1]] > key) { perm[j] = perm[j - 1]; j--; }
          perm[j] = x;
        }
        continue;
      }
      cnt.fill(0);
      for (let i = a; i < b; i++) cnt[this.ix[perm[i]] + 1]++;
      for (let v = 0; v < 512; v++) cnt[v + 1] += cnt[v];
      if (scratch.length < len) scratch = new Uint32Array(Math.max(len, scratch.length * 2));
      for (let i = a; i < b; i++) { const x = perm[i]; scratch[cnt[this.ix[x]]++] = x; }
      perm.set(scratch.subarray(0, len), a);
    }
    // Each final column is gathered, then its source dropped: the load's peak holds the
    // builder's columns plus one final column at a time, not both sets.
    this.pg = new Uint32Array(0);
    const ix = new Uint16Array(n);
    for (let i = 0; i < n; i++) ix[i] = this.ix[perm[i]];
    this.ix = new Uint16Array(0);
    const op = new Uint32Array(n);
    for (let i = 0; i < n; i++) op[i] = this.op[perm[i]];
    this.op = new Uint32Array(0);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) lo[i] = this.lo[perm[i]];
    this.lo = new Uint32Array(0);
    // High words hold attributes and the MFN's top bits: a few hundred distinct values on the
    // bench trace, so they are stored as u16 codes into a table (2 B saved per write); a trace
    // with more than 65,536 of them keeps the plain u32 column.
    const codes = new Map<number, number>(), hc = new Uint16Array(n);
    let lastHi = -1, lastCode = 0, dict = true;
    for (let i = 0; i < n && dict; i++) {
      const h = this.hi[perm[i]];
      if (h !== lastHi) {
        let c = codes.get(h);
        if (c === undefined) { c = codes.size; if (c > 0xffff) { dict = false; break; } codes.set(h, c); }
        lastHi = h; lastCode = c;
      }
      hc[i] = lastCode;
    }
    let hi: Uint16Array | Uint32Array, table: Uint32Array | null = null;
    if (dict) {
      hi = hc;
      table = new Uint32Array(codes.size);
      for (const [h, c] of codes) table[c] = h;
    } else {
      hi = new Uint32Array(n);
      for (let i = 0; i < n; i++) hi[i] = this.hi[perm[i]];
    }
    this.hi = new Uint32Array(0);
    this.n = 0;
    return new EntryHistory(start, ix, op, lo, hi, table);
  }
}

export class EntryHistory {
  /** Out values of `read`. */
  lo = 0;
  hi = 0;

  constructor(private readonly start: Int32Array, private readonly ix: Uint16Array, private readonly ops: Uint32Array,
    private readonly los: Uint32Array, private readonly his: Uint16Array | Uint32Array,
    /** High-word table when `his` holds u16 codes (see HistoryBuilder.build), else null. */
    private readonly hiTable: Uint32Array | null) {}

  get writes(): number { return this.ix.length; }
  get bytes(): number {
    return this.start.byteLength + this.ix.byteLength + this.ops.byteLength + this.los.byteLength + this.his.byteLength + (this.hiTable?.byteLength ?? 0);
  }

  private hiAt(e: number): number { const t = this.hiTable; return t === null ? this.his[e] : t[this.his[e]]; }

  /** Entry `index` of `page` at boundary k into lo/hi (0 when never written). */
  read(page: number, index: number, k: number): void {
    this.lo = 0; this.hi = 0;
    if (page < 0 || page + 1 >= this.start.length) return;
    const ix = this.ix;
    let a = this.start[page], b = this.start[page + 1];
    // First write to `index` (lower bound), then the last of its writes with key ≤ k.
    while (a < b) { const m = (a + b) >>> 1; if (ix[m] < index) a = m + 1; else b = m; }
    let e = a;
    const end = this.start[page + 1];
    if (e >= end || ix[e] !== index) return;
    let lo = e, hi = end;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (ix[m] === index && this.ops[m] <= k) lo = m + 1; else hi = m; }
    e = lo - 1;
    if (e < a) return;
    this.lo = this.los[e]; this.hi = this.hiAt(e);
  }

  /** fn(index, lo, hi) for every non-zero entry of `page` at boundary k, ascending index. */
  forEach(page: number, k: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (page < 0 || page + 1 >= this.start.length) return;
    const ix = this.ix, ops = this.ops, end = this.start[page + 1];
    // Copy out first (the visitor may call back into the store).
    const out: number[] = [];
    let i = this.start[page];
    while (i < end) {
      const idx = ix[i];
      let last = -1;
      for (; i < end && ix[i] === idx; i++) if (ops[i] <= k) last = i;
      if (last >= 0) { const lo = this.los[last], hi = this.hiAt(last); if (lo !== 0 || hi !== 0) out.push(idx, lo, hi); }
    }
    for (let j = 0; j < out.length; j += 3) fn(out[j], out[j + 1], out[j + 2]);
  }
}
