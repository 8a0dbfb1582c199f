// Per-entry write histories of one domain's table pages: for every (page, index) slot, the
// ordered list of (key, lo, hi) values stored into it over the whole trace (pteWrites, and the
// zero each stale entry of a reused page got from a tableZero); key = the first op boundary
// that sees the write (op + 1 for a write inside op `op`, 0 before any op). CSR by page: the
// page's writes sorted by (index, key), in typed-array columns (12 B per write: the high word
// as a u16 code into a table of distinct values). "Entry at boundary k" (before op k) is the
// last write to the slot with key ≤ k: two binary searches.
//
// Fill runs: a split writes a whole fresh page in one op, in index order, each descriptor the
// previous one plus a block size (7.84M of the bench trace's 9.54M writes). The builder spots
// such runs as they are added (≥ MIN_RUN consecutive writes to one page in one op, index + 1
// and a constant 64-bit step each time) and keeps them as one record per run instead of one
// history entry per write (time-history-builder.ts makes both the history entries and the run
// records). A read takes the latest of the slot's history write and of the runs covering it; at
// equal keys the history write wins, because the history writes of that key that came before
// the run (a tableZero ahead of the fill, say) are dropped at build time.

const TWO32 = 4294967296;

/**
 * forEach scratch for pages with runs, one set per nesting depth (a visitor may call forEach
 * again, on another page): per slot, the key of the run value held (-1: none) and the value.
 */
interface SlotScratch { key: Int32Array; lo: Uint32Array; hi: Uint32Array }
const slotScratch: SlotScratch[] = [];
let slotDepth = 0;

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
    const runs = this.runs, ra = runs.runsStart(page), rb = runs.runsUpTo(page, k);
    let i = this.start[page];
    if (ra === rb) {
      // Straight from the columns: nothing here changes while fn runs (reads only set lo/hi).
      while (i < end) {
        const idx = ix[i];
        let last = -1;
        for (; i < end && ix[i] === idx; i++) if (ops[i] <= k) last = i;
        if (last >= 0) { const lo = this.los[last], hi = this.hiAt(last); if (lo !== 0 || hi !== 0) fn(idx, lo, hi); }
      }
      return;
    }
    // Runs in key order (later runs overwrite), then history writes with a key ≥ the run's,
    // into this depth's slot arrays (a nested forEach gets its own).
    const sc = slotScratch[slotDepth] ??= { key: new Int32Array(512), lo: new Uint32Array(512), hi: new Uint32Array(512) };
    const slotKey = sc.key, slotLo = sc.lo, slotHi = sc.hi;
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
    slotDepth++;
    try {
      for (let x = 0; x < 512; x++) if (slotLo[x] !== 0 || slotHi[x] !== 0) fn(x, slotLo[x], slotHi[x]);
    } finally { slotDepth--; }
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

  /** Index of the first run of `page` (its runs are [runsStart(page), runsUpTo(page, ∞)) ). */
  runsStart(page: number): number {
    return page < 0 || page + 1 >= this.start.length ? 0 : this.start[page];
  }

  /** Whether a history write (builder position `pos`) is overwritten by a later run of the same key. */
  supersedes(page: number, idx: number, key: number, pos: number): boolean {
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

  /** End of the runs of `page` with key ≤ k: they are [runsStart(page), runsUpTo(page, k)). No tuple: once per page visit. */
  runsUpTo(page: number, k: number): number {
    if (page < 0 || page + 1 >= this.start.length) return 0;
    let l = this.start[page], h = this.start[page + 1];
    while (l < h) { const m = (l + h) >>> 1; if (this.key[m] <= k) l = m + 1; else h = m; }
    return l;
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
