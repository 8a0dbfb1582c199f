// Sparse storage of table entries for the TLB model's mirror: one open-addressing hash keyed by
// pageId*512+index (an int32), u32 halves in typed-array columns, Fibonacci hashing (top bits of
// the product: keys of one page differ only in their low bits). Memory follows entries, not pages
// (style.md "Sparse tables"). Zeroing a page is O(1): a slot whose generation is older than its
// page's reads as 0, and is dropped at the next rehash.

export class EntryHash {
  private bits = 12;
  private cap = 1 << 12;
  private shift = 32 - 12;
  private used = 0;
  private key: Int32Array = new Int32Array(this.cap).fill(-1);
  lo: Uint32Array = new Uint32Array(this.cap);
  hi: Uint32Array = new Uint32Array(this.cap);
  private gen: Uint32Array = new Uint32Array(this.cap);
  /** Current generation of each page id (bumped by zeroPage). */
  private pageGen: Uint32Array = new Uint32Array(64);

  get size(): number { return this.used; }
  get capacity(): number { return this.cap; }

  private genOf(id: number): number { return id < this.pageGen.length ? this.pageGen[id] : 0; }

  zeroPage(id: number): void {
    if (id >= this.pageGen.length) {
      let n = this.pageGen.length * 2;
      while (n <= id) n *= 2;
      const g = new Uint32Array(n); g.set(this.pageGen); this.pageGen = g;
    }
    this.pageGen[id]++;
  }

  /** Slot of (page, index) in the current generation, or -1 (the entry reads as 0). */
  find(id: number, index: number): number {
    const k = id * 512 + index;
    const mask = this.cap - 1;
    let h = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const kk = this.key[h];
      if (kk === k) return this.gen[h] === this.genOf(id) ? h : -1;
      if (kk === -1) return -1;
      h = (h + 1) & mask;
    }
  }

  /** Store (lo, hi) at (page, index). */
  set(id: number, index: number, lo: number, hi: number): void {
    const k = id * 512 + index;
    const mask = this.cap - 1;
    let h = Math.imul(k, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const kk = this.key[h];
      if (kk === k) break;
      if (kk === -1) {
        if ((lo | hi) === 0) return; // storing 0 where nothing is stored: nothing to remember
        if ((this.used + 1) * 10 > this.cap * 7) { this.rehash(); this.set(id, index, lo, hi); return; }
        this.key[h] = k; this.used++;
        break;
      }
      h = (h + 1) & mask;
    }
    this.gen[h] = this.genOf(id); this.lo[h] = lo; this.hi[h] = hi;
  }

  /** Key at hash position h (-1 empty), for sweeps; `liveAt` tells whether it reads non-zero. */
  keyAt(h: number): number { return this.key[h]; }
  liveAt(h: number): boolean {
    const k = this.key[h];
    return k >= 0 && this.gen[h] === this.genOf((k / 512) | 0);
  }

  private rehash(): void {
    const { key, lo, hi, gen } = this;
    const oldCap = this.cap;
    // Count live entries first: stale generations are dropped, so the table may not need to grow.
    let live = 0;
    for (let s = 0; s < oldCap; s++) if (key[s] >= 0 && gen[s] === this.genOf((key[s] / 512) | 0)) live++;
    let bits = this.bits;
    while ((live + 1) * 10 > (1 << bits) * 5) bits++;
    this.bits = bits; this.cap = 1 << bits; this.shift = 32 - bits; this.used = 0;
    this.key = new Int32Array(this.cap).fill(-1);
    this.lo = new Uint32Array(this.cap); this.hi = new Uint32Array(this.cap); this.gen = new Uint32Array(this.cap);
    const mask = this.cap - 1;
    for (let s = 0; s < oldCap; s++) {
      const k = key[s];
      if (k < 0 || gen[s] !== this.genOf((k / 512) | 0)) continue;
      let h = Math.imul(k, 0x9e3779b1) >>> this.shift;
      while (this.key[h] !== -1) h = (h + 1) & mask;
      this.key[h] = k; this.used++;
      this.lo[h] = lo[s]; this.hi[h] = hi[s]; this.gen[h] = gen[s];
    }
  }
}
