// The entry storage of a TableStore's owned (mutable) pages: regions of a few fixed sizes in
// big Uint32Array slabs, addressed by one global word offset (slab = off >>> SLAB_BITS). A
// lookup then costs one load of the slab array (a handful of slabs, always cached) and the
// region's own cache line, instead of an object per page and a typed array per region.
// Regions never straddle slabs; freed regions go to per-size free lists. Nothing outside the
// store keeps a reference into a slab (snapshot records copy out), so `reset()` may recycle all.

export const SLAB_BITS = 20;
export const SLAB_MASK = (1 << SLAB_BITS) - 1;
const SLAB_WORDS = 1 << SLAB_BITS;

/** Words per size class: sparse hashes of 16, 32, 64 (index+1, lo, hi) slots; a dense page. */
const CLASS_WORDS = [48, 96, 192, 1024] as const;
export const DENSE_CLASS = 3;

export class Arena {
  slabs: Uint32Array[] = [];
  private pos = 0;
  private free: number[][] = [[], [], [], []];

  /** A zeroed region of size class `cls` (unzeroed if `dirty`); returns its global word offset. */
  alloc(cls: number, dirty = false): number {
    const words = CLASS_WORDS[cls];
    const fl = this.free[cls];
    if (fl.length !== 0) {
      const off = fl.pop()!, base = off & SLAB_MASK;
      if (!dirty) this.slabs[off >>> SLAB_BITS].fill(0, base, base + words);
      return off;
    }
    let off = this.pos;
    if ((off & SLAB_MASK) + words > SLAB_WORDS) off = (Math.floor(off / SLAB_WORDS) + 1) * SLAB_WORDS;
    const si = off >>> SLAB_BITS;
    if (si === this.slabs.length) this.slabs.push(new Uint32Array(SLAB_WORDS));
    else if (!dirty) this.slabs[si].fill(0, off & SLAB_MASK, (off & SLAB_MASK) + words); // a slab kept by reset()
    this.pos = off + words;
    return off;
  }

  release(off: number, cls: number): void { this.free[cls].push(off); }

  /**
   * Forgets every region (their pages were copied into snapshot records or discarded). The
   * slabs stay: a seek restores and then re-touches pages over and over, and dropping them
   * made every seek allocate (and the GC collect) tens of MB of external memory.
   */
  reset(): void {
    this.pos = 0;
    this.free = [[], [], [], []];
  }
}

/** The size class of a sparse hash with `slots` slots (16, 32 or 64). */
export function sparseClass(slots: number): number { return slots <= 16 ? 0 : slots <= 32 ? 1 : 2; }
