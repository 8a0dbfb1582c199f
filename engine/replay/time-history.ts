// Per-entry write histories of one domain's table pages: for every (page, index) slot, the
// ordered list of (key, lo, hi) values stored into it over the whole trace (pteWrites, and the
// zero each stale entry of a reused page got from a tableZero); key = the first op boundary
// that sees the write (op + 1 for a write inside op `op`, 0 before any op). CSR by page: the
// page's writes sorted by (index, key), in typed-array columns (12 B per write: the high word
// as a u16 code into a table of distinct values). "Entry at
// boundary k" (before op k) is the last write to the slot with key ≤ k: two binary searches.
//
// Fill runs: a split writes a whole fresh page in one op, in index order, each descriptor the
// previous one plus a block size (7.84M of the bench trace's 9.54M writes). The builder spots
// such runs as they are added (≥ MIN_RUN consecutive writes to one page in one op, index + 1
// and a constant 64-bit step each time) and keeps them as one record per run instead of one
// history entry per write. A read takes the latest of the slot's history write and of the runs
// covering it; at equal keys the history write wins, because the history writes of that key
// that came before the run (a tableZero ahead of the fill, say) are dropped at build time.

/** Builder entries per chunk (log2): 64K entries, 1.2 MB over the five columns. */
const CHUNK_BITS = 16;
/** Shortest run kept as a run record (a record costs about two history entries). */
const MIN_RUN = 8;
const TWO32 = 4294967296;

/**
 * Collects the writes in recording order, in five columns of fixed-size chunks: the columns
 * never move (no doubling copy holding the old and the new columns at once, which stayed in
 * the process as freed-but-kept memory after the load) and end at most one chunk over size.
 */
export class HistoryBuilder {
  private n = 0;
  private readonly bits: number;
  private readonly mask: number;
  private pg: Uint32Array[] = [];
  private ix: Uint16Array[] = [];
  private op: Uint32Array[] = [];
  private lo: Uint32Array[] = [];
  private hi: Uint32Array[] = [];
  private maxPage = -1;
  // The previous entry (position n − 1), kept out of the chunks for the run test.
  private pPg = 0; private pIx = 0; private pOp = 0; private pLo = 0; private pHi = 0;
  // The candidate run: the last `candLen` entries (from position candAt) continue each other
  // with step `candStep`. Its entries are ordinary entries until the run ends long enough.
  private candAt = 0;
  private candLen = 0;
  private candStep = 0;
  // The candidate's first entry (the run record's base).
  private cPg = 0; private cIx = 0; private cOp = 0; private cLo = 0; private cHi = 0;
  /** Run records in recording order: page, key, first index, count, base lo, base hi, step, seq. */
  private runs: number[] = [];

  /** `chunkBits`: log2 of the entries per chunk (tests lower it to cross chunk edges often). */
  constructor(chunkBits = CHUNK_BITS) { this.bits = chunkBits; this.mask = (1 << chunkBits) - 1; }

  /** A write first visible at boundary `key`. */
  add(page: number, index: number, key: number, lo: number, hi: number): void {
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
    const k = this.n++;
    const c = k >>> this.bits, o = k & this.mask;
    if (c === this.pg.length) this.addChunk();
    this.pg[c][o] = page; this.ix[c][o] = index; this.op[c][o] = key; this.lo[c][o] = lo; this.hi[c][o] = hi;
    this.pPg = page; this.pIx = index; this.pOp = key; this.pLo = lo; this.pHi = hi;
    if (page > this.maxPage) this.maxPage = page;
  }

  /** The write being added (at position n) starts a new candidate. */
  private startCand(page: number, index: number, key: number, lo: number, hi: number): void {
    this.candAt = this.n; this.candLen = 1;
    this.cPg = page; this.cIx = index; this.cOp = key; this.cLo = lo; this.cHi = hi;
  }

  private addChunk(): void {
    const m = 1 << this.bits;
    this.pg.push(new Uint32Array(m)); this.ix.push(new Uint16Array(m)); this.op.push(new Uint32Array(m));
    this.lo.push(new Uint32Array(m)); this.hi.push(new Uint32Array(m));
  }

  /** Turns the candidate (the last candLen entries) into a run record and drops its entries. */
  private closeRun(): void {
    const a = this.candAt;
    // seq = a: history entries before the run sit below position a, later ones from a on.
    this.runs.push(this.cPg, this.cOp, this.cIx, this.candLen, this.cLo, this.cHi, this.candStep, a);
    this.n = a;
    // (The previous-entry fields are stale now; every caller stores a new entry right after,
    // or builds.)
    this.candLen = 0;
  }

  /** Sorts into the CSR layout (stable: writes to one slot stay in recording order). Empties the builder. */
  build(pages: number): EntryHistory {
    if (this.candLen >= MIN_RUN) this.closeRun();
    this.candLen = 0;
    const np = Math.max(pages, this.maxPage + 1);
    const runs = this.buildRuns(np);
    const bits = this.bits, mask = this.mask, total = this.n;
    const pgC = this.pg, ixC = this.ix;
    // History writes superseded within their own op by a later run over their slot are never
    // visible: dropped, so that at equal keys the history write is the later one.
    const dead = new Uint8Array(total);
    let n = 0;
    for (let k = 0; k < total; k++) {
      const c = k >>> bits, o = k & mask;
      if (runs.supersedes(pgC[c][o], ixC[c][o], this.op[c][o], k)) dead[k] = 1; else n++;
    }
    runs.dropSeq();
    const start = new Int32Array(np + 1);
    for (let k = 0; k < total; k++) if (!dead[k]) start[pgC[k >>> bits][k & mask] + 1]++;
    for (let p = 0; p < np; p++) start[p + 1] += start[p];
    const fill = start.slice(0, np);
    const perm = new Uint32Array(n);
    for (let k = 0; k < total; k++) if (!dead[k]) perm[fill[pgC[k >>> bits][k & mask]]++] = k;
    // Each final column is gathered, then its chunks dropped: the load's peak holds the
    // builder's columns plus one final column at a time, not both sets.
    this.pg = [];
    const ix = new Uint16Array(n);
    for (let i = 0; i < n; i++) { const x = perm[i]; ix[i] = ixC[x >>> bits][x & mask]; }
    this.ix = [];
    // Within each page, a stable sort by index (counting sort over 512 buckets for big pages),
    // on the gathered index column and the permutation together.
    const cnt = new Int32Array(513);
    let sx = new Uint32Array(0), si = new Uint16Array(0);
    for (let p = 0; p < np; p++) {
      const a = start[p], b = start[p + 1], len = b - a;
      if (len < 2) continue;
      if (len <= 32) {
        for (let i = a + 1; i < b; i++) {
          const x = perm[i], key = ix[i];
          let j = i;
          while (j > a && ix[j - 1] > key) { perm[j] = perm[j - 1]; ix[j] = ix[j - 1]; j--; }
          perm[j] = x; ix[j] = key;
        }
        continue;
      }
      cnt.fill(0);
      for (let i = a; i < b; i++) cnt[ix[i] + 1]++;
      for (let v = 0; v < 512; v++) cnt[v + 1] += cnt[v];
      if (sx.length < len) { const m = Math.max(len, sx.length * 2); sx = new Uint32Array(m); si = new Uint16Array(m); }
      for (let i = a; i < b; i++) { const d = cnt[ix[i]]++; sx[d] = perm[i]; si[d] = ix[i]; }
      perm.set(sx.subarray(0, len), a); ix.set(si.subarray(0, len), a);
    }
    const gather = (src: Uint32Array[]): Uint32Array => {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) { const x = perm[i]; out[i] = src[x >>> bits][x & mask]; }
      return out;
    };
    const op = gather(this.op);
    this.op = [];
    const lo = gather(this.lo);
    this.lo = [];
    // High words hold attributes and the MFN's top bits: a few hundred distinct values on the
    // bench trace, so they are stored as u16 codes into a table (2 B saved per write); a trace
    // with more than 65,536 of them keeps the plain u32 column.
    const hiC = this.hi;
    const codes = new Map<number, number>(), hc = new Uint16Array(n);
    let lastHi = -1, lastCode = 0, dict = true;
    for (let i = 0; i < n && dict; i++) {
      const x = perm[i], h = hiC[x >>> bits][x & mask];
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
    } else hi = gather(hiC);
    this.hi = [];
    this.n = 0;
    return new EntryHistory(start, ix, op, lo, hi, table, runs);
  }

  /** The run records in CSR by page, each page's sorted by key (stable: recording order). */
  private buildRuns(np: number): FillRuns {
    const r = this.runs, count = r.length >>> 3;
    this.runs = [];
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
}

// forEach scratch for pages with runs: per slot, the key of the run value held (-1: none).
const slotKey = new Int32Array(512), slotLo = new Uint32Array(512), slotHi = new Uint32Array(512);

export class EntryHistory {
  /** Out values of `read`. */
  lo = 0;
  hi = 0;

  constructor(private readonly start: Int32Array, private readonly ix: Uint16Array, private readonly ops: Uint32Array,
    private readonly los: Uint32Array, private readonly his: Uint16Array | Uint32Array,
    /** High-word table when `his` holds u16 codes (see HistoryBuilder.build), else null. */
    private readonly hiTable: Uint32Array | null,
    private readonly runs: FillRuns) {}

  /** Writes held: history entries plus the writes of the fill runs. */
  get writes(): number { return this.ix.length + this.runs.writes; }
  /** History entries (writes not folded into runs). */
  get entries(): number { return this.ix.length; }
  get fillRuns(): number { return this.runs.count; }
  get bytes(): number {
    return this.start.byteLength + this.ix.byteLength + this.ops.byteLength + this.los.byteLength + this.his.byteLength
      + (this.hiTable?.byteLength ?? 0) + this.runs.bytes;
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
    if (e < end && ix[e] === index) {
      let lo = e, hi = end;
      while (lo < hi) { const m = (lo + hi) >>> 1; if (ix[m] === index && this.ops[m] <= k) lo = m + 1; else hi = m; }
      e = lo - 1;
    } else e = a - 1;
    const found = e >= a;
    // A run wins only with a later key (at equal keys the history write came after it).
    const r = this.runs.latest(page, index, k, found ? this.ops[e] : -1);
    if (r >= 0) { this.runs.value(r, index); this.lo = this.runs.lo; this.hi = this.runs.hi; return; }
    if (found) { this.lo = this.los[e]; this.hi = this.hiAt(e); }
  }

  /** fn(index, lo, hi) for every non-zero entry of `page` at boundary k, ascending index. */
  forEach(page: number, k: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (page < 0 || page + 1 >= this.start.length) return;
    const ix = this.ix, ops = this.ops, end = this.start[page + 1];
    // Copy out first (the visitor may call back into the store).
    const out: number[] = [];
    const runs = this.runs, [ra, rb] = runs.upTo(page, k);
    let i = this.start[page];
    if (ra === rb) {
      while (i < end) {
        const idx = ix[i];
        let last = -1;
        for (; i < end && ix[i] === idx; i++) if (ops[i] <= k) last = i;
        if (last >= 0) { const lo = this.los[last], hi = this.hiAt(last); if (lo !== 0 || hi !== 0) out.push(idx, lo, hi); }
      }
    } else {
      // Runs in key order (later runs overwrite), then history writes with a key ≥ the run's.
      slotKey.fill(-1); slotLo.fill(0); slotHi.fill(0);
      for (let j = ra; j < rb; j++) {
        const f = runs.firstOf(j), c = runs.countOf(j), key = runs.keyOf(j);
        for (let x = f; x < f + c; x++) { runs.value(j, x); slotKey[x] = key; slotLo[x] = runs.lo; slotHi[x] = runs.hi; }
      }
      while (i < end) {
        const idx = ix[i];
        let last = -1;
        for (; i < end && ix[i] === idx; i++) if (ops[i] <= k) last = i;
        if (last >= 0 && ops[last] >= slotKey[idx]) { slotLo[idx] = this.los[last]; slotHi[idx] = this.hiAt(last); }
      }
      for (let x = 0; x < 512; x++) if (slotLo[x] !== 0 || slotHi[x] !== 0) out.push(x, slotLo[x], slotHi[x]);
    }
    for (let j = 0; j < out.length; j += 3) fn(out[j], out[j + 1], out[j + 2]);
  }
}

/** Fill runs of all pages (see the header): CSR by page, each page's runs sorted by key. */
export class FillRuns {
  /** Out values of `value`. */
  lo = 0;
  hi = 0;

  constructor(private readonly start: Int32Array, private readonly key: Uint32Array, private readonly first: Uint16Array,
    private readonly cnt: Uint16Array, private readonly los: Uint32Array, private readonly his: Uint32Array,
    private readonly step: Uint32Array,
    /** Builder position of each run (history entries below it were added before it); build time only. */
    private seq: Uint32Array) {}

  get count(): number { return this.key.length; }
  /** Writes held by the runs. */
  get writes(): number { let w = 0; for (let j = 0; j < this.cnt.length; j++) w += this.cnt[j]; return w; }
  get bytes(): number {
    return this.start.byteLength + this.key.byteLength + this.first.byteLength + this.cnt.byteLength + this.los.byteLength
      + this.his.byteLength + this.step.byteLength + this.seq.byteLength;
  }

  dropSeq(): void { this.seq = new Uint32Array(0); }

  /** Runs of `page`: [a, b). */
  range(page: number): [number, number] {
    if (page < 0 || page + 1 >= this.start.length) return [0, 0];
    return [this.start[page], this.start[page + 1]];
  }

  /** Whether a history write (builder position `pos`) is overwritten by a later run of the same key. */
  supersedes(page: number, idx: number, key: number, pos: number): boolean {
    // No tuple from range(): this runs once per history write at build.
    if (page < 0 || page + 1 >= this.start.length) return false;
    const b = this.start[page + 1];
    let a = this.start[page], h = b;
    if (a === b) return false;
    while (a < h) { const m = (a + h) >>> 1; if (this.key[m] < key) a = m + 1; else h = m; }
    for (let j = a; j < b && this.key[j] === key; j++) {
      if (this.seq[j] > pos && idx >= this.first[j] && idx < this.first[j] + this.cnt[j]) return true;
    }
    return false;
  }

  /** The latest run of `page` with key in (after, k] covering `idx`, or -1. */
  latest(page: number, idx: number, k: number, after: number): number {
    if (page < 0 || page + 1 >= this.start.length) return -1; // (on every read: no tuple)
    const a = this.start[page], b = this.start[page + 1];
    if (a === b) return -1;
    let l = a, h = b;
    while (l < h) { const m = (l + h) >>> 1; if (this.key[m] <= k) l = m + 1; else h = m; }
    for (let j = l - 1; j >= a && this.key[j] > after; j--) {
      if (idx >= this.first[j] && idx < this.first[j] + this.cnt[j]) return j;
    }
    return -1;
  }

  /** Runs of `page` with key ≤ k: [a, end). */
  upTo(page: number, k: number): [number, number] {
    const [a, b] = this.range(page);
    let l = a, h = b;
    while (l < h) { const m = (l + h) >>> 1; if (this.key[m] <= k) l = m + 1; else h = m; }
    return [a, l];
  }

  keyOf(j: number): number { return this.key[j]; }
  firstOf(j: number): number { return this.first[j]; }
  countOf(j: number): number { return this.cnt[j]; }

  /** Run j's descriptor at `idx` into lo/hi: base + (idx − first) × step as a 64-bit sum. */
  value(j: number, idx: number): void {
    // < 2^32 + 511 × 2^32: exact in a double.
    const t = this.los[j] + (idx - this.first[j]) * this.step[j];
    this.lo = t >>> 0;
    this.hi = (this.his[j] + Math.floor(t / TWO32)) >>> 0;
  }
}
