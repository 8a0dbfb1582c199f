// The per-domain p2m pool (p2m-model.md §5.9): a FIFO freelist of table pages. Allocation
// pops the head, freeing pushes the tail, so a freed page is reused only after every page
// freed before it. The hardware domain (or an 'unlimited' pool) takes pages from the heap
// when the freelist is empty: modelled by minting the next page id.

export interface PoolState { ring: Int32Array; head: number; size: number; minted: number }

export class Pool {
  private ring: Int32Array;
  private head = 0;
  private size = 0;
  /** Page ids handed out so far by minting (ids firstId … firstId+minted-1). */
  private minted = 0;

  /** @param firstId page id of P0; @param pages initial free pages (0 allowed); @param unbounded heap fallback */
  constructor(private readonly firstId: number, pages: number, private readonly unbounded: boolean) {
    this.ring = new Int32Array(Math.max(16, pages));
    for (let i = 0; i < pages; i++) this.push(this.mint());
  }

  get free(): number { return this.size; }
  get totalMinted(): number { return this.minted; }

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
    if (this.size === 0) return this.unbounded ? this.mint() : -1;
    const id = this.ring[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return id;
  }

  /** Returns a page to the freelist tail (not zeroed). */
  release(id: number): void { this.push(id); }

  /** set_allocation growth: new pages appended to the freelist tail. */
  grow(pages: number): void { for (let i = 0; i < pages; i++) this.push(this.mint()); }

  /** set_allocation shrink: pops one free page from the head; false when the freelist is empty. */
  shrinkOne(): boolean { if (this.size === 0) return false; this.alloc(); return true; }

  save(): PoolState { return { ring: this.ring.slice(), head: this.head, size: this.size, minted: this.minted }; }
  load(s: PoolState): void { this.ring = s.ring.slice(); this.head = s.head; this.size = s.size; this.minted = s.minted; }
}
