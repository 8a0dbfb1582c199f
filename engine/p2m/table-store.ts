// Sparse storage of table pages (root and pool pages), following entries, not pages: a
// random 1M-op workload leaves ~185k live pages with a couple of entries each, so a page
// starts as a small open-addressing hash of (index+1, lo, hi) triples and turns dense (512 × u32 pair,
// in 8 copy-on-write blocks) only
// when it fills up (splits write all 512 entries at once). Pages also carry the `pages`
// list links, their level and liveness, so a copy-on-write snapshot covers all of it.
//
// Sparse pages live in regions of a per-store arena (see PageData.sp) to save a cache miss
// per lookup on big, randomly touched tables.
//
// Snapshot cost: `freeze()` is O(number of directory chunks) (pages/16 references) and
// bumps the epoch; afterwards the first store into a page (or its chunk) of an older epoch
// clones that page (≤ 4 KiB) and chunk (16 refs). So a snapshot costs memory only in
// proportion to the pages touched after it: structural sharing, no full copy. Regions of
// pages that only a snapshot still references are not recycled (they live as long as the store).
//
// Lookups do not walk the directory: a per-store flat index (FLAT_BITS: the current version
// of each page id and where its entries live) answers them; on a random 1M-op replay the
// directory walk (chunk object, its pages array) and then the page object were two dependent
// cache misses before the entries' own. The index is not part of a snapshot: `restore()`
// drops it (O(1)) and it refills from the directory on first use of each page id.

// Small chunks: random writes touch nearly every chunk between two snapshots, so each snapshot
// paid ~all chunk arrays (1024-ref chunks: ~260 KB per 1024 random ops, a third of its cost, and
// pointer arrays the GC must mark). 16 refs: the 1M-op seek workload at 400k ops keeps 260 MB of
// heap instead of 377 MB, full-GC pauses 160 ms instead of 200 ms; replay speed unchanged.
const CHUNK_BITS = 4;
const CHUNK = 1 << CHUNK_BITS;
const SPARSE_MAX = 48; // entries before a page turns dense (≤ 64 slots × 12 B = dense × 3/16)

export class PageData {
  epoch: number;
  /** Level of the entries this page holds (root pages: rootLevel). */
  level = 0;
  /** Reachable from a root through p2m-valid table entries right now. */
  live = false;
  /** First GFN this page maps (valid while live). */
  baseGfn = 0;
  /** Non-zero entries (stored). */
  count = 0;
  /** p2m-valid leaf (mapping) entries in this page. */
  leaves = 0;
  /** `pages` list links (page ids, -1 = none). */
  prev = -1;
  next = -1;
  /**
   * Dense form: 8 blocks of 64 entries × (lo, hi), copied on write per block: a snapshot
   * then costs a dense page one 512-byte block per touched block, not all 4 KiB (a 4K remap
   * inside a split 2M region touches one entry).
   */
  dense: Uint32Array[] | null = null;
  /** Bit b set: block b was copied for this page version (it may be written in place). */
  dOwn = 0;
  /**
   * Sparse form: a linear-probing hash of (index+1, lo, hi) triples living in a region of a
   * shared arena slab (`sp`, word offset `off`, `slots` a power of two). One slab object is
   * shared by thousands of pages, so a lookup misses the cache twice (page, region), not
   * three times (page, typed array object, backing store).
   */
  sp: Uint32Array = EMPTY;
  off = 0;
  slots = 0;
  constructor(epoch: number) { this.epoch = epoch; }
}

/** Bump allocator of sparse regions with per-size free lists; one per TableStore. */
class Arena {
  private slab = new Uint32Array(1 << 16);
  private pos = 0;
  private readonly freeSlab: Uint32Array[][] = [[], [], [], []];
  private readonly freeOff: number[][] = [[], [], [], []];

  /** Gives `p` a zeroed region of `slots` slots (16, 32 or 64). */
  alloc(p: PageData, slots: number): void {
    const cls = sizeClass(slots), words = slots * 3;
    const fs = this.freeSlab[cls];
    if (fs.length !== 0) {
      const sp = fs.pop()!, off = this.freeOff[cls].pop()!;
      sp.fill(0, off, off + words);
      p.sp = sp; p.off = off; p.slots = slots;
      return;
    }
    if (this.pos + words > this.slab.length) {
      // New slab (doubling up to 4 Mi words); the old one stays alive through its pages.
      this.slab = new Uint32Array(Math.min(1 << 22, this.slab.length * 2));
      this.pos = 0;
    }
    p.sp = this.slab; p.off = this.pos; p.slots = slots;
    this.pos += words;
  }

  /** Returns a page's region; only for regions no other page object (snapshot) can reference. */
  release(p: PageData): void {
    if (p.slots === 0) return;
    this.releaseRegion(p.sp, p.off, p.slots);
    p.sp = EMPTY; p.off = 0; p.slots = 0;
  }
  releaseRegion(sp: Uint32Array, off: number, slots: number): void {
    const cls = sizeClass(slots);
    this.freeSlab[cls].push(sp); this.freeOff[cls].push(off);
  }
}

function sizeClass(slots: number): number { return slots <= 16 ? 0 : slots <= 32 ? 1 : slots <= 64 ? 2 : 3; }

interface Chunk { epoch: number; pages: (PageData | undefined)[] }

export interface StoreSnapshot { dir: Chunk[]; epoch: number }

/**
 * Epochs are drawn from one process-wide counter, so a snapshot taken from one store can be
 * restored into another (the replay core records on one engine and re-executes on a
 * scratch one): after freeze/restore a store's epoch is newer than every shared page's.
 */
let epochCounter = 0;

export class TableStore {
  private dir: Chunk[] = [];
  /** Current version of each page by id (the directory's leaves, without the walk). */
  // The flat index in chunks of FLAT ids (see FLAT_BITS), as four parallel arrays of chunks (one
  // hop less per lookup than chunk objects); emptied by restore().
  private flLoc: (Int32Array | undefined)[] = [];
  private flPages: (PageData | undefined)[][] = [];
  private flSp: Uint32Array[][] = [];
  private flDense: (Uint32Array[] | null)[][] = [];
  /** Written by read() so the page-object load is not dead code (see FLAT_BITS). */
  private touched = 0;
  private epoch = ++epochCounter;
  private readonly arena = new Arena();
  /** Out values of `read()` / `write()`: avoids allocating a pair per lookup. */
  lo = 0;
  hi = 0;

  constructor() {
    // Double representation from the start (u32 halves outgrow small integers): see P2mCore.
    this.lo = -0; this.lo = 0;
    this.hi = -0; this.hi = 0;
  }

  /** The page for reading (never cloned). Creates an empty page on first use. */
  page(id: number): PageData {
    const p = this.cur(id);
    return p !== undefined ? p : this.writable(id);
  }

  has(id: number): boolean {
    return this.cur(id) !== undefined;
  }

  /** The current version of page `id` through the flat index (refilled from the directory). */
  private cur(id: number): PageData | undefined {
    const l = this.flLoc[id >>> FLAT_BITS];
    if (l !== undefined) { const k = id & (FLAT - 1); if (l[2 * k] !== UNKNOWN) return this.flPages[id >>> FLAT_BITS][k]; }
    return this.refresh(id);
  }

  /** Indexes page `id` from the directory; ids no directory chunk covers stay unknown. */
  private refresh(id: number): PageData | undefined {
    const c = this.dir[id >>> CHUNK_BITS];
    if (c === undefined) return undefined;
    const p = c.pages[id & (CHUNK - 1)];
    if (p === undefined) { this.flatChunk(id)[2 * (id & (FLAT - 1))] = NO_PAGE; return undefined; }
    this.sync(id, p);
    return p;
  }

  /** The loc array of id's flat-index chunk, created (all UNKNOWN) on first use. */
  private flatChunk(id: number): Int32Array {
    const c = id >>> FLAT_BITS;
    let l = this.flLoc[c];
    if (l === undefined) {
      // Holey arrays: an entry is read only after sync() set it (loc says so).
      l = new Int32Array(2 * FLAT).fill(UNKNOWN);
      this.flLoc[c] = l; this.flPages[c] = new Array(FLAT); this.flSp[c] = new Array(FLAT); this.flDense[c] = new Array(FLAT);
    }
    return l;
  }

  /** The page for writing: cloned first if it (or its chunk) belongs to a frozen epoch. */
  writable(id: number): PageData {
    // A page of the current epoch was created or cloned after the last freeze/restore, and
    // its chunk then too: it may be written in place.
    const q = this.cur(id);
    if (q !== undefined && q.epoch === this.epoch) return q;
    const ci = id >>> CHUNK_BITS;
    let c = this.dir[ci];
    if (!c) { c = { epoch: this.epoch, pages: [] }; this.dir[ci] = c; }
    else if (c.epoch !== this.epoch) { c = { epoch: this.epoch, pages: c.pages.slice() }; this.dir[ci] = c; }
    const k = id & (CHUNK - 1);
    let p = c.pages[k];
    if (!p) { p = new PageData(this.epoch); this.arena.alloc(p, SPARSE_INIT); c.pages[k] = p; }
    else if (p.epoch !== this.epoch) { p = this.clone(p); c.pages[k] = p; }
    this.sync(id, p);
    return p;
  }

  /** Records `p` as page `id`'s current version and where its entries live (flat index). */
  private sync(id: number, p: PageData): void {
    const l = this.flatChunk(id), c = id >>> FLAT_BITS, k = id & (FLAT - 1);
    this.flPages[c][k] = p;
    if (p.dense !== null) { l[2 * k] = DENSE; this.flDense[c][k] = p.dense; this.flSp[c][k] = EMPTY; }
    else { l[2 * k] = p.off; l[2 * k + 1] = p.slots - 1; this.flSp[c][k] = p.sp; this.flDense[c][k] = null; }
  }

  private clone(o: PageData): PageData {
    const p = new PageData(this.epoch);
    p.level = o.level; p.live = o.live; p.baseGfn = o.baseGfn; p.count = o.count; p.leaves = o.leaves;
    p.prev = o.prev; p.next = o.next;
    if (o.dense !== null) { p.dense = o.dense.slice(); p.dOwn = 0; }
    else {
      this.arena.alloc(p, o.slots);
      p.sp.set(o.sp.subarray(o.off, o.off + o.slots * 3), p.off);
    }
    return p;
  }

  /** Reads entry `idx` of page `id` into this.lo / this.hi. */
  read(id: number, idx: number): void {
    const c = id >>> FLAT_BITS, k = id & (FLAT - 1);
    let l = this.flLoc[c];
    let off = l === undefined ? UNKNOWN : l[2 * k];
    if (off === UNKNOWN) {
      if (this.refresh(id) === undefined) { this.lo = 0; this.hi = 0; return; }
      l = this.flLoc[c]!;
      off = l[2 * k];
    }
    if (off === NO_PAGE) { this.lo = 0; this.hi = 0; return; }
    this.touched = this.flPages[c][k]!.count; // the caller's write needs the page object next
    if (off === DENSE) { const b = this.flDense[c][k]![idx >>> 6], j = (idx & 63) << 1; this.lo = b[j]; this.hi = b[j + 1]; return; }
    const s = this.flSp[c][k], mask = l![2 * k + 1], key = idx + 1;
    for (let h = idx & mask; ; h = (h + 1) & mask) {
      const j = off + h * 3;
      const k = s[j];
      if (k === key) { this.lo = s[j + 1]; this.hi = s[j + 2]; return; }
      if (k === 0) { this.lo = 0; this.hi = 0; return; }
    }
  }

  /**
   * Stores a u32 pair and leaves the previous value in this.lo / this.hi (one probe for
   * read-modify-write); returns the page for the caller's leaf/live bookkeeping.
   */
  write(id: number, idx: number, lo: number, hi: number): PageData {
    const p = this.writable(id);
    const d = p.dense;
    const isZero = lo === 0 && hi === 0;
    if (d !== null) {
      const bi = idx >>> 6, j = (idx & 63) << 1;
      let b = d[bi];
      if ((p.dOwn & (1 << bi)) === 0) { b = d[bi] = b.slice(); p.dOwn |= 1 << bi; } // shared with a snapshot
      const ol = b[j], oh = b[j + 1];
      this.lo = ol; this.hi = oh;
      const wasZero = ol === 0 && oh === 0;
      b[j] = lo; b[j + 1] = hi;
      if (wasZero !== isZero) p.count += isZero ? -1 : 1;
      return p;
    }
    const s = p.sp, off = p.off, mask = p.slots - 1, key = idx + 1;
    let h = idx & mask;
    for (; ; h = (h + 1) & mask) {
      const j = off + h * 3;
      const k = s[j];
      if (k === key) {
        this.lo = s[j + 1]; this.hi = s[j + 2];
        if (!isZero) { s[j + 1] = lo; s[j + 2] = hi; return p; }
        deleteSlot(s, off, mask, h);
        p.count--;
        return p;
      }
      if (k === 0) break;
    }
    this.lo = 0; this.hi = 0;
    if (isZero) return p;
    if (p.count + 1 > SPARSE_MAX) {
      this.toDense(p);
      this.sync(id, p);
      const b = p.dense![idx >>> 6], j = (idx & 63) << 1;
      b[j] = lo; b[j + 1] = hi;
      p.count++;
      return p;
    }
    if ((p.count + 1) * 4 > p.slots * 3) { // keep the load factor ≤ 3/4
      this.grow(p);
      this.sync(id, p);
      const s2 = p.sp, off2 = p.off, mask2 = p.slots - 1;
      for (h = idx & mask2; s2[off2 + h * 3] !== 0; h = (h + 1) & mask2);
      s2[off2 + h * 3] = key; s2[off2 + h * 3 + 1] = lo; s2[off2 + h * 3 + 2] = hi;
    } else {
      const j = off + h * 3;
      s[j] = key; s[j + 1] = lo; s[j + 2] = hi;
    }
    p.count++;
    return p;
  }

  /** Doubles a sparse page's hash (the old region is this page's own: epoch is current). */
  private grow(p: PageData): void {
    const os = p.sp, ooff = p.off, oslots = p.slots;
    this.arena.alloc(p, oslots * 2);
    const s = p.sp, off = p.off, mask = p.slots - 1;
    for (let i = 0; i < oslots; i++) {
      const k = os[ooff + i * 3];
      if (k === 0) continue;
      let h = (k - 1) & mask;
      while (s[off + h * 3] !== 0) h = (h + 1) & mask;
      s[off + h * 3] = k; s[off + h * 3 + 1] = os[ooff + i * 3 + 1]; s[off + h * 3 + 2] = os[ooff + i * 3 + 2];
    }
    this.arena.releaseRegion(os, ooff, oslots);
  }

  private toDense(p: PageData): void {
    // One 4 KiB buffer, eight 512-byte views on it (one allocation; blocks split off on COW).
    const buf = new ArrayBuffer(4096), d: Uint32Array[] = [];
    for (let b = 0; b < 8; b++) d.push(new Uint32Array(buf, b * 512, 128));
    const s = p.sp, off = p.off;
    for (let i = 0; i < p.slots; i++) {
      const k = s[off + i * 3];
      if (k !== 0) { const b = d[(k - 1) >>> 6], j = ((k - 1) & 63) << 1; b[j] = s[off + i * 3 + 1]; b[j + 1] = s[off + i * 3 + 2]; }
    }
    this.arena.release(p);
    p.dense = d; p.dOwn = 0xff;
  }

  /** Zeroes a page (ptZero): back to an empty sparse page. */
  zero(id: number): PageData {
    const p = this.writable(id);
    // A never-used (or already empty) sparse page is all zeros: keep its region.
    if (p.dense !== null || p.count !== 0) {
      p.dense = null; p.dOwn = 0;
      this.arena.release(p);
      this.arena.alloc(p, SPARSE_INIT);
      this.sync(id, p);
    }
    p.count = 0; p.leaves = 0;
    return p;
  }

  /** Makes a page dense up front (split fills all 512 entries). */
  makeDense(id: number): PageData {
    const p = this.writable(id);
    if (p.dense === null) { this.toDense(p); this.sync(id, p); }
    return p;
  }

  /** Calls fn(index, lo, hi) for every non-zero entry, in ascending index order. */
  forEach(id: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (!this.has(id)) return;
    const p = this.page(id);
    const d = p.dense;
    if (d !== null) return forEachDense(d, fn);
    const s = p.sp, off = p.off;
    const order: number[] = [];
    for (let i = 0; i < p.slots; i++) if (s[off + i * 3] !== 0) order.push(off + i * 3);
    order.sort((a, b) => s[a] - s[b]);
    for (const j of order) fn(s[j] - 1, s[j + 1], s[j + 2]);
  }

  /** Calls fn for every non-zero entry in storage order (cheaper; no sort). */
  forEachUnordered(id: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (!this.has(id)) return;
    const p = this.page(id);
    const d = p.dense;
    if (d !== null) return forEachDense(d, fn);
    const s = p.sp, off = p.off;
    for (let i = 0; i < p.slots; i++) { const j = off + i * 3; if (s[j] !== 0) fn(s[j] - 1, s[j + 1], s[j + 2]); }
  }

  /** Freezes the current state: O(pages / 16). Later writes copy on write. */
  freeze(): StoreSnapshot {
    const snap = { dir: this.dir.slice(), epoch: this.epoch };
    this.epoch = ++epochCounter;
    return snap;
  }

  /** Restores a frozen state; the restored pages stay shared (a new epoch is started). */
  restore(s: StoreSnapshot): void {
    this.dir = s.dir.slice();
    this.epoch = ++epochCounter;
    // The flat index refills lazily (a step back restores, then touches few pages).
    this.flLoc = []; this.flPages = []; this.flSp = []; this.flDense = [];
  }
}

const EMPTY = new Uint32Array(0);

/**
 * The flat index, chunk c = ids c·FLAT … (c+1)·FLAT−1, k = id mod FLAT: flPages[c][k] is the
 * current version of the page, and flLoc[c] says where read() finds its entries without
 * loading the page object: [2k] = region offset in flSp[c][k] (sparse), DENSE (blocks in
 * flDense[c][k]), NO_PAGE, or UNKNOWN (not indexed yet); [2k+1] = hash mask. The page object
 * (counts, level, liveness), which the caller's write needs next, is still loaded by read(),
 * but alongside the region instead of before it: one cache miss per random lookup instead of
 * two in a row. Kept in step by sync() wherever a page's storage changes. 1024 ids per chunk:
 * after a restore, refilling costs ~20 KB per chunk a re-execution touches.
 */
const FLAT_BITS = 10, FLAT = 1 << FLAT_BITS;
const DENSE = -1, NO_PAGE = -2, UNKNOWN = -3;
const SPARSE_INIT = 16; // slots (power of two)

/** Backward-shift deletion for linear probing (no tombstones), region at `off`. */
function deleteSlot(s: Uint32Array, off: number, mask: number, h: number): void {
  let hole = h;
  for (let j = (h + 1) & mask; s[off + j * 3] !== 0; j = (j + 1) & mask) {
    const home = (s[off + j * 3] - 1) & mask;
    // move j into the hole unless its home lies cyclically in (hole, j]
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      s[off + hole * 3] = s[off + j * 3]; s[off + hole * 3 + 1] = s[off + j * 3 + 1]; s[off + hole * 3 + 2] = s[off + j * 3 + 2];
      hole = j;
    }
  }
  s[off + hole * 3] = 0; s[off + hole * 3 + 1] = 0; s[off + hole * 3 + 2] = 0;
}

/** Visits the non-zero entries of a dense page (64-entry blocks of lo/hi pairs), ascending. */
function forEachDense(d: Uint32Array[], fn: (idx: number, lo: number, hi: number) => void): void {
  for (let i = 0; i < 512; i++) {
    const b = d[i >>> 6], j = (i & 63) << 1;
    if (b[j] !== 0 || b[j + 1] !== 0) fn(i, b[j], b[j + 1]);
  }
}
