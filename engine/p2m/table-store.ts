// Sparse storage of table pages (root and pool pages), following entries, not pages: a
// random 1M-op workload leaves ~185k live pages with a couple of entries each, so a page
// starts as a small open-addressing hash of (index+1, lo, hi) triples and turns dense (512 × u32 pair) only
// when it fills up (splits write all 512 entries at once). Pages also carry the `pages`
// list links, their level and liveness, so a copy-on-write snapshot covers all of it.
//
// Snapshot cost: `freeze()` is O(number of directory chunks) (pages/1024 references) and
// bumps the epoch; afterwards the first store into a page (or its chunk) of an older epoch
// clones that page (≤ 4 KiB) and chunk (1024 refs). So a snapshot costs memory only in
// proportion to the pages touched after it: structural sharing, no full copy.

const CHUNK_BITS = 10;
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
  dense: Uint32Array | null = null;
  sparse: Uint32Array;
  constructor(epoch: number) {
    this.epoch = epoch;
    this.sparse = new Uint32Array(SPARSE_INIT * 3);
  }
  clone(epoch: number): PageData {
    const p = new PageData(epoch);
    p.level = this.level; p.live = this.live; p.baseGfn = this.baseGfn; p.count = this.count; p.leaves = this.leaves;
    p.prev = this.prev; p.next = this.next;
    if (this.dense) p.dense = this.dense.slice();
    else p.sparse = this.sparse.slice();
    return p;
  }
}

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
  private epoch = ++epochCounter;
  /** Out values of `read()`: avoids allocating a pair per lookup. */
  lo = 0;
  hi = 0;

  /** The page for reading (never cloned). Creates an empty page on first use. */
  page(id: number): PageData {
    const c = this.dir[id >>> CHUNK_BITS];
    const p = c?.pages[id & (CHUNK - 1)];
    return p ?? this.writable(id);
  }

  has(id: number): boolean {
    return this.dir[id >>> CHUNK_BITS]?.pages[id & (CHUNK - 1)] !== undefined;
  }

  /** The page for writing: cloned first if it (or its chunk) belongs to a frozen epoch. */
  writable(id: number): PageData {
    const ci = id >>> CHUNK_BITS;
    let c = this.dir[ci];
    if (!c) { c = { epoch: this.epoch, pages: [] }; this.dir[ci] = c; }
    else if (c.epoch !== this.epoch) { c = { epoch: this.epoch, pages: c.pages.slice() }; this.dir[ci] = c; }
    const k = id & (CHUNK - 1);
    let p = c.pages[k];
    if (!p) { p = new PageData(this.epoch); c.pages[k] = p; }
    else if (p.epoch !== this.epoch) { p = p.clone(this.epoch); c.pages[k] = p; }
    return p;
  }

  /** Reads entry `idx` of page `id` into this.lo / this.hi. */
  read(id: number, idx: number): void {
    const c = this.dir[id >>> CHUNK_BITS];
    const p = c === undefined ? undefined : c.pages[id & (CHUNK - 1)];
    if (p === undefined) { this.lo = 0; this.hi = 0; return; }
    const d = p.dense;
    if (d !== null) { this.lo = d[idx << 1]; this.hi = d[(idx << 1) + 1]; return; }
    // sparse: linear-probing hash of (idx+1, lo, hi) triples, identity hash
    const s = p.sparse, mask = s.length / 3 - 1, key = idx + 1;
    for (let h = idx & mask; ; h = (h + 1) & mask) {
      const k = s[h * 3];
      if (k === key) { this.lo = s[h * 3 + 1]; this.hi = s[h * 3 + 2]; return; }
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
      const j = idx << 1;
      const ol = d[j], oh = d[j + 1];
      this.lo = ol; this.hi = oh;
      const wasZero = ol === 0 && oh === 0;
      d[j] = lo; d[j + 1] = hi;
      if (wasZero !== isZero) p.count += isZero ? -1 : 1;
      return p;
    }
    let s = p.sparse;
    let mask = s.length / 3 - 1;
    const key = idx + 1;
    let h = idx & mask;
    for (; ; h = (h + 1) & mask) {
      const k = s[h * 3];
      if (k === key) {
        this.lo = s[h * 3 + 1]; this.hi = s[h * 3 + 2];
        if (!isZero) { s[h * 3 + 1] = lo; s[h * 3 + 2] = hi; return p; }
        deleteSlot(s, mask, h);
        p.count--;
        return p;
      }
      if (k === 0) break;
    }
    this.lo = 0; this.hi = 0;
    if (isZero) return p;
    if (p.count + 1 > SPARSE_MAX) {
      const dn = new Uint32Array(1024);
      for (let i = 0; i < s.length; i += 3) if (s[i] !== 0) { dn[(s[i] - 1) << 1] = s[i + 1]; dn[((s[i] - 1) << 1) + 1] = s[i + 2]; }
      dn[idx << 1] = lo; dn[(idx << 1) + 1] = hi;
      p.dense = dn; p.sparse = EMPTY; p.count++;
      return p;
    }
    if ((p.count + 1) * 4 > (mask + 1) * 3) { // keep the load factor ≤ 3/4
      s = rehash(s, (mask + 1) * 2);
      p.sparse = s; mask = s.length / 3 - 1;
      for (h = idx & mask; s[h * 3] !== 0; h = (h + 1) & mask);
    }
    s[h * 3] = key; s[h * 3 + 1] = lo; s[h * 3 + 2] = hi;
    p.count++;
    return p;
  }

  /** Zeroes a page (ptZero): back to an empty sparse page. */
  zero(id: number): PageData {
    const p = this.writable(id);
    // A never-used (or already empty) sparse page is all zeros: keep its array.
    if (p.dense !== null || p.count !== 0) { p.dense = null; p.sparse = new Uint32Array(SPARSE_INIT * 3); }
    p.count = 0; p.leaves = 0;
    return p;
  }

  /** Makes a page dense up front (split fills all 512 entries). */
  makeDense(id: number): PageData {
    const p = this.writable(id);
    if (p.dense === null) {
      const d = new Uint32Array(1024), s = p.sparse;
      for (let i = 0; i < s.length; i += 3) if (s[i] !== 0) { d[(s[i] - 1) << 1] = s[i + 1]; d[((s[i] - 1) << 1) + 1] = s[i + 2]; }
      p.dense = d; p.sparse = EMPTY;
    }
    return p;
  }

  /** Calls fn(index, lo, hi) for every non-zero entry, in ascending index order. */
  forEach(id: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (!this.has(id)) return;
    const p = this.page(id);
    const d = p.dense;
    if (d !== null) {
      for (let i = 0; i < 512; i++) if (d[2 * i] !== 0 || d[2 * i + 1] !== 0) fn(i, d[2 * i], d[2 * i + 1]);
      return;
    }
    const s = p.sparse;
    const order: number[] = [];
    for (let i = 0; i < s.length; i += 3) if (s[i] !== 0) order.push(i);
    order.sort((a, b) => s[a] - s[b]);
    for (const i of order) fn(s[i] - 1, s[i + 1], s[i + 2]);
  }

  /** Calls fn for every non-zero entry in storage order (cheaper; no sort). */
  forEachUnordered(id: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (!this.has(id)) return;
    const p = this.page(id);
    const d = p.dense;
    if (d !== null) {
      for (let i = 0; i < 512; i++) if (d[2 * i] !== 0 || d[2 * i + 1] !== 0) fn(i, d[2 * i], d[2 * i + 1]);
      return;
    }
    const s = p.sparse;
    for (let i = 0; i < s.length; i += 3) if (s[i] !== 0) fn(s[i] - 1, s[i + 1], s[i + 2]);
  }

  /** Freezes the current state: O(pages / 1024). Later writes copy on write. */
  freeze(): StoreSnapshot {
    const snap = { dir: this.dir.slice(), epoch: this.epoch };
    this.epoch = ++epochCounter;
    return snap;
  }

  /** Restores a frozen state; the restored pages stay shared (a new epoch is started). */
  restore(s: StoreSnapshot): void {
    this.dir = s.dir.slice();
    this.epoch = ++epochCounter;
  }
}

const EMPTY = new Uint32Array(0);
const SPARSE_INIT = 16; // slots (power of two)

/** Backward-shift deletion for linear probing (no tombstones). */
function deleteSlot(s: Uint32Array, mask: number, h: number): void {
  let hole = h;
  for (let j = (h + 1) & mask; s[j * 3] !== 0; j = (j + 1) & mask) {
    const home = (s[j * 3] - 1) & mask;
    // move j into the hole if its home position is not in (hole, j]
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      s[hole * 3] = s[j * 3]; s[hole * 3 + 1] = s[j * 3 + 1]; s[hole * 3 + 2] = s[j * 3 + 2];
      hole = j;
    }
  }
  s[hole * 3] = 0; s[hole * 3 + 1] = 0; s[hole * 3 + 2] = 0;
}

function rehash(s: Uint32Array, slots: number): Uint32Array {
  const t = new Uint32Array(slots * 3), mask = slots - 1;
  for (let i = 0; i < s.length; i += 3) {
    if (s[i] === 0) continue;
    let h = (s[i] - 1) & mask;
    while (t[h * 3] !== 0) h = (h + 1) & mask;
    t[h * 3] = s[i]; t[h * 3 + 1] = s[i + 1]; t[h * 3 + 2] = s[i + 2];
  }
  return t;
}
