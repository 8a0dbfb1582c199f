// What a backward move along the event log needs and the log does not record: the previous
// value of every piece of state an event overwrites without saying what was there (a page's
// level before a tableAlloc, where the pool took the page from, a radix entry's previous
// access, the previous mapped range, need_flush before each op), the entries a tableZero
// wiped, and the scalars an op changes without an event (mem_access enabled, dying).
//
// Collected once: the zeroed entries and op scalars during the first pass (engine hooks), the
// rest while the log mover applies the whole log forward once after it (log-mover.ts). Sparse
// lists keyed by global event index (ascending, binary-searched) in typed arrays: on the 1M-op
// bench workload a few MB.

/** Append-only ascending u32 keys with one numeric value each; `find` is a binary search. */
export class SparseColumn {
  private keys = new Uint32Array(256);
  private vals = new Float64Array(256);
  private n = 0;

  push(key: number, value: number): void {
    if (this.n === this.keys.length) {
      const k = new Uint32Array(this.n * 2), v = new Float64Array(this.n * 2);
      k.set(this.keys); v.set(this.vals);
      this.keys = k; this.vals = v;
    }
    this.keys[this.n] = key; this.vals[this.n] = value; this.n++;
  }

  /** Index of `key`, or -1. */
  find(key: number): number {
    let lo = 0, hi = this.n - 1;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1, k = this.keys[m];
      if (k === key) return m;
      if (k < key) lo = m + 1; else hi = m - 1;
    }
    return -1;
  }

  value(at: number): number { return this.vals[at]; }
  /** Drops the spare capacity once collection is over. */
  trim(): void { this.keys = this.keys.slice(0, this.n); this.vals = this.vals.slice(0, this.n); }
}

export class LogJournal {
  /** tableAlloc event → previous level | (previous live << 3) | (pool.allocSource() << 4). */
  readonly alloc = new SparseColumn();
  /** radixSet/radixDelete event → previous access, -1 when the GFN had no entry. */
  readonly radix = new SparseColumn();
  /** mappedRange event → previous maxMappedGfn / lowestMappedGfn. */
  readonly rangeMax = new SparseColumn();
  readonly rangeLow = new SparseColumn();
  /** tableZero event → the entries it wiped ([index, lo, hi]…); from core.zeroJournal. */
  readonly zeroed = new Map<number, Uint32Array>();
  /** Ops that changed memAccessEnabled/isDying without an event: op → before | after << 2 (bit 0 mem_access, bit 1 dying). */
  readonly scalars = new SparseColumn();
  /** Bit per op: its domain's need_flush before the op (at op boundaries it is normally clear). */
  needFlushBefore: Uint8Array;

  constructor(opCount: number) { this.needFlushBefore = new Uint8Array((opCount >>> 3) + 1); }

  setNeedFlushBefore(op: number, v: boolean): void {
    if (v) this.needFlushBefore[op >>> 3] |= 1 << (op & 7); else this.needFlushBefore[op >>> 3] &= ~(1 << (op & 7));
  }
  needFlushAt(op: number): boolean { return (this.needFlushBefore[op >>> 3] & (1 << (op & 7))) !== 0; }

  trim(): void { for (const c of [this.alloc, this.radix, this.rangeMax, this.rangeLow, this.scalars]) c.trim(); }
}
