// The per-domain p2m pool (p2m-model.md §5.9): a FIFO freelist of table pages. Allocation
// pops the head, freeing pushes the tail, so a freed page is reused only after every page
// freed before it. The hardware domain (or an 'unlimited' pool) takes pages from the heap
// when the freelist is empty: modelled by minting the next page id.

/** Where an alloc() took its page from (Pool.allocSource / unalloc). */
const POOL_FROM_RING = 0, POOL_FROM_RESERVE = 1, POOL_FROM_HEAP = 2;

export interface PoolState { ring: Int32Array; head: number; size: number; minted: number; reserve: number }

export class Pool {
  private ring: Int32Array;
  private head = 0;
  private size = 0;
  /** Page ids handed out so far by minting (ids firstId … firstId+minted-1). */
  private minted = 0;
  /**
   * Initial pages not minted yet. They sit at the head of the FIFO (every initial page is
   * handed out before any released one), so they are minted on demand: a hostile
   * `pool_pages=4294967296` costs nothing up front instead of a 16 GB ring (fuzz finding).
   */
  private reserve = 0;

  /** @param firstId page id of P0; @param pages initial free pages (0 allowed); @param unbounded heap fallback */
  constructor(private readonly firstId: number, pages: number, private readonly unbounded: boolean) {
    this.ring = new Int32Array(16);
    this.reserve = Math.max(0, Math.floor(pages));
  }

  get free(): number { return this.reserve + this.size; }
  /** Ids that exist: minted ones plus the initial pages still in reserve (they keep their ids). */
  get totalMinted(): number { return this.minted + this.reserve; }

  private mint(): number { return this.firstId + this.minted++; }

  private push(id: number): void {
    if (this.size === this.ring.length) {
      const r = new Int32Array(this.ring.length * 2);
      for (let i = 0; i < this.size; i++) r[i] = this.ring[(this.head + i) % this.ring.length];
      this.ring = r; this.head = 0;
    }
    this.ring[(this.head + this.size) % this.ring.length] = id;
    this.size++;
  }

  /** Pops the freelist head; -1 when empty and bounded (Xen: NULL page). */
  alloc(): number {
    if (this.reserve > 0) { this.reserve--; return this.mint(); }
    if (this.size === 0) return this.unbounded ? this.mint() : -1;
    const id = this.ring[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return id;
  }

  /** Returns a page to the freelist tail (not zeroed). */
  release(id: number): void { this.push(id); }

  /** set_allocation growth: new pages appended to the freelist tail. */
  grow(pages: number): void {
    if (this.size === 0) { this.reserve += Math.max(0, Math.floor(pages)); return; } // still one run of ids
    if (this.reserve > 0) {
      // Reserve pages are minted first (the new ones get the ids after them) and stay at the
      // head of the FIFO, before the released pages in the ring.
      const queued: number[] = [];
      while (this.reserve > 0) { this.reserve--; queued.push(this.mint()); }
      for (let i = 0; i < this.size; i++) queued.push(this.ring[(this.head + i) % this.ring.length]);
      this.ring = new Int32Array(Math.max(16, queued.length * 2)); this.head = 0; this.size = 0;
      for (const id of queued) this.push(id);
    }
    for (let i = 0; i < pages; i++) this.push(this.mint());
  }

  /** set_allocation shrink: pops one free page from the head; false when the freelist is empty. */
  shrinkOne(): boolean { if (this.free === 0) return false; this.alloc(); return true; }

  // ---- replay support: one step undone, counts set (engine/replay moves and view engines) ----
  /** Pages handed out by minting so far (ids firstId … firstId+minted-1 exist). */
  get mintedCount(): number { return this.minted; }
  /** Where the next alloc() takes its page from: POOL_FROM_RING, _RESERVE or _HEAP. */
  allocSource(): number { return this.reserve > 0 ? POOL_FROM_RESERVE : this.size === 0 ? POOL_FROM_HEAP : POOL_FROM_RING; }
  /** Inverse of an alloc() that returned `id` from `from` (see allocSource). */
  unalloc(id: number, from: number): void {
    if (from === POOL_FROM_RING) {
      this.head = (this.head - 1 + this.ring.length) % this.ring.length;
      this.ring[this.head] = id;
      this.size++;
    } else {
      this.minted--;
      if (from === POOL_FROM_RESERVE) this.reserve++;
    }
  }
  /** Inverse of release(): the page released last is the ring's tail. */
  unrelease(): void { this.size--; }
  /** Released pages queued on the freelist ring (free = reserveCount + queuedCount). */
  get queuedCount(): number { return this.size; }
  /** Initial pages not minted yet. */
  get reserveCount(): number { return this.reserve; }
  /** Sets the counts of a pool that only answers queries (a view engine's: it never allocates). */
  setCounts(size: number, minted: number, reserve: number): void {
    this.size = size; this.minted = minted; this.reserve = reserve; this.head = 0;
  }

  save(): PoolState { return { ring: this.ring.slice(), head: this.head, size: this.size, minted: this.minted, reserve: this.reserve }; }
  load(s: PoolState): void { this.ring = s.ring.slice(); this.head = s.head; this.size = s.size; this.minted = s.minted; this.reserve = s.reserve; }
}
