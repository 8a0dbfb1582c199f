// Storage of table pages (root and pool pages) by page id, flat: a page's metadata is four
// words of one Int32Array (entry location, kind|level|live, non-zero entry count, leaf
// count), its `pages` links and first GFN sit in two more typed arrays, and its entries live
// in a big slab of the store's Arena: a sparse page is a small open-addressing hash of
// (index+1, lo, hi) triples (a random 1M-op workload leaves ~185k live pages with a couple of
// entries each), a page turns dense (512 × u32 pair, 1024 words) past SPARSE_MAX entries.
// A random lookup is then two cache misses in a row (the metadata line, then the entries),
// with no page object, no typed array per page and no epoch check on the hot path.
//
// Snapshots: a page is either OWNED (mutable, in the arrays above and the arena) or SHARED
// (its current version is an immutable PageRecord of the last frozen directory, read in
// place). `freeze()` writes a record for every page changed (DIRTY) since the previous
// freeze (sparse: only the non-zero entries, sorted, in a slab shared by many records;
// dense: eight 128-word blocks, those not written since the page's previous record are
// shared with it). The page stays owned: the record copied out, so the arena copy is still
// private and later writes go on in place (the first one puts the page back on the dirty
// list). So a snapshot costs memory only for the pages changed since the previous one
// (≈ their non-zero entries × 12 B + a ~90 B record, dense pages 512 B per block written),
// and freeze is O(pages changed + pages/16). `restore()` drops the arena and marks every
// page UNKNOWN (O(page ids)); each re-reads its record from the restored directory on first
// use and is copied back on first write (dense: per block). Records are immutable, so one
// snapshot can be restored into several stores (the replay core's scratch engine).
import { Arena, DENSE_CLASS, SLAB_BITS, SLAB_MASK, sparseClass } from './table-arena';

/** Word offsets in a page's metadata (base = (id + 1) × 4, see `write`). */
export const M_INFO = 1, M_COUNT = 2, M_LEAVES = 3;
/** INFO word: kind in bits 0–7, level in bits 8–11, live in bit 12, dirty in bit 13. */
export const LIVE_BIT = 1 << 12;
/** Owned and changed since the last freeze (on the `owned` list: the next freeze records it). */
const DIRTY_BIT = 1 << 13;
export function levelOfInfo(info: number): number { return (info >>> 8) & 15; }
const M_OFF = 0;
const KIND_MASK = 255, LEVEL_MASK = 15 << 8;
// Kinds: a sparse page's kind is its hash mask (15, 31 or 63), so every kind > DENSE is sparse.
const ABSENT = 0, UNKNOWN = 1, SHARED = 2, DENSE = 3;
const SPARSE_MAX = 48; // entries before a page turns dense (≤ 64 slots × 12 B = dense × 3/16)
const CHUNK_BITS = 4, CHUNK = 1 << CHUNK_BITS;

/** An immutable version of one page, kept by snapshot directories. */
class PageRecord {
  constructor(
    readonly info: number, readonly count: number, readonly leaves: number,
    readonly prev: number, readonly next: number, readonly baseGfn: number,
    /**
     * Sparse: the non-zero entries as `n` (index, lo, hi) triples in ascending index order at
     * word `eoff` of `ent`, a slab shared by many records (no typed array per record).
     */
    readonly ent: Uint32Array | null, readonly eoff: number, readonly n: number,
    /** Dense: 8 blocks of 64 entries × (lo, hi); shared between records where unchanged. */
    readonly blocks: Uint32Array[] | null,
  ) {}
}

type Chunk = (PageRecord | undefined)[];
export interface StoreSnapshot { readonly dir: readonly Chunk[] }

export class TableStore {
  /** Metadata, 4 words per page, index (id + 1) × 4 (id −1 is a valid key: see own()). */
  meta = new Int32Array(0);
  /** First GFN each page maps (valid while live), index id + 1. */
  base = new Float64Array(0);
  /** `pages` list links (prev, next), index 2 × (id + 1). */
  private links = new Int32Array(0);
  /**
   * Dense pages: bit k set = block k lives in the arena (copied from the record on first write,
   * or the page never had a dense record); clear = read it from recs[x].blocks[k].
   */
  private here = new Uint8Array(0);
  /** Dense pages: bit k clear = block k unchanged since recs[x] (the next record shares it). */
  private wmask = new Uint8Array(0);
  /** The record a SHARED page reads from / an OWNED page was copied from. */
  private recs: (PageRecord | undefined)[] = [];
  private cap = 0;
  private owned = new Int32Array(256);
  private nOwned = 0;
  /** The last frozen (or restored) directory: chunks of CHUNK records by id + 1. */
  private dir: Chunk[] = [];
  private readonly arena = new Arena();
  /** Where freeze() writes records' sparse entries (append-only; a slab lives while a record uses it). */
  private rslab = new Uint32Array(0);
  private rpos = 0;
  /** Out values of `read()` / `write()`: avoids allocating a pair per lookup. */
  lo = 0;
  hi = 0;

  constructor() {
    // Double representation from the start (u32 halves outgrow small integers): see P2mCore.
    this.lo = -0; this.lo = 0;
    this.hi = -0; this.hi = 0;
  }

  // ---- page state ------------------------------------------------------------------------
  private ensure(x: number): void {
    if (x < this.cap) return;
    const cap = Math.max(x + 1, this.cap * 2, 256);
    const meta = new Int32Array(cap * 4); meta.set(this.meta);
    for (let i = this.cap; i < cap; i++) meta[i * 4 + M_INFO] = UNKNOWN;
    const links = new Int32Array(cap * 2); links.set(this.links);
    const base = new Float64Array(cap); base.set(this.base);
    const here = new Uint8Array(cap); here.set(this.here);
    const wmask = new Uint8Array(cap); wmask.set(this.wmask);
    this.meta = meta; this.links = links; this.base = base; this.here = here; this.wmask = wmask; this.cap = cap;
  }

  /** The kind of page x = id + 1, reading its record from the directory if not known yet. */
  private kind(x: number): number {
    if (x >= this.cap) return this.resolve(x);
    const k = this.meta[x * 4 + M_INFO] & KIND_MASK;
    return k === UNKNOWN ? this.resolve(x) : k;
  }

  private resolve(x: number): number {
    const c = this.dir[x >>> CHUNK_BITS];
    const rec = c === undefined ? undefined : c[x & (CHUNK - 1)];
    if (rec === undefined && x >= this.cap) return ABSENT;
    this.ensure(x);
    const m = this.meta, b = x * 4;
    this.recs[x] = rec;
    m[b + M_OFF] = 0;
    if (rec === undefined) {
      m[b + M_INFO] = ABSENT; m[b + M_COUNT] = 0; m[b + M_LEAVES] = 0;
      this.links[2 * x] = -1; this.links[2 * x + 1] = -1; this.base[x] = 0;
      return ABSENT;
    }
    m[b + M_INFO] = (rec.info & ~KIND_MASK) | SHARED; m[b + M_COUNT] = rec.count; m[b + M_LEAVES] = rec.leaves;
    this.links[2 * x] = rec.prev; this.links[2 * x + 1] = rec.next; this.base[x] = rec.baseGfn;
    return SHARED;
  }

  /**
   * Makes page `id` owned (created empty, or copied from its record) and returns its metadata
   * base index in `meta` (which this may reallocate: read `meta` after calling).
   */
  own(id: number): number {
    // Ids are shifted by one so that −1 (pageId of an MFN that is no table page, followed
    // on corrupt input) is stored like any page, as it always was.
    const x = id + 1;
    const kind = this.kind(x);
    if (kind >= DENSE) {
      // Owned: after a freeze it keeps its arena copy (the record has its own); it only has to
      // go back on the list the next freeze records.
      const b = x * 4;
      if ((this.meta[b + M_INFO] & DIRTY_BIT) === 0) this.markDirty(x);
      return b;
    }
    this.ensure(x);
    const m = this.meta, b = x * 4, arena = this.arena;
    if (kind === ABSENT) {
      m[b + M_OFF] = arena.alloc(0); m[b + M_INFO] = 15; m[b + M_COUNT] = 0; m[b + M_LEAVES] = 0;
      this.links[2 * x] = -1; this.links[2 * x + 1] = -1; this.base[x] = 0;
      this.recs[x] = undefined; this.here[x] = 0xff; this.wmask[x] = 0xff;
    } else {
      const rec = this.recs[x]!;
      if (rec.blocks !== null) {
        // Blocks are copied in on first write (`here`), not now: a seek moving along the log
        // touches thousands of dense pages once each, and copying 4 KiB per page was most of it.
        const off = arena.alloc(DENSE_CLASS, true);
        m[b + M_OFF] = off; m[b + M_INFO] = (m[b + M_INFO] & ~KIND_MASK) | DENSE; this.here[x] = 0; this.wmask[x] = 0;
      } else {
        const e = rec.ent!, n = rec.n, end = rec.eoff + 3 * n;
        let slots = 16;
        while (n * 4 > slots * 3) slots *= 2;
        const off = arena.alloc(sparseClass(slots)), s = arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK, mask = slots - 1;
        for (let i = rec.eoff; i < end; i += 3) insertSlot(s, o, mask, e[i] + 1, e[i + 1], e[i + 2]);
        m[b + M_OFF] = off; m[b + M_INFO] = (m[b + M_INFO] & ~KIND_MASK) | mask;
      }
    }
    this.markDirty(x);
    return b;
  }

  private markDirty(x: number): void {
    this.meta[x * 4 + M_INFO] |= DIRTY_BIT;
    if (this.nOwned === this.owned.length) { const o = new Int32Array(this.owned.length * 2); o.set(this.owned); this.owned = o; }
    this.owned[this.nOwned++] = x;
  }

  has(id: number): boolean { return this.kind(id + 1) !== ABSENT; }

  /** Metadata base of page `id` for reading, or −1 when there is no such page. */
  private at(id: number): number { const x = id + 1; return this.kind(x) === ABSENT ? -1 : x * 4; }
  level(id: number): number { const b = this.at(id); return b < 0 ? 0 : levelOfInfo(this.meta[b + M_INFO]); }
  isLive(id: number): boolean { const b = this.at(id); return b >= 0 && (this.meta[b + M_INFO] & LIVE_BIT) !== 0; }
  count(id: number): number { const b = this.at(id); return b < 0 ? 0 : this.meta[b + M_COUNT]; }
  leaves(id: number): number { const b = this.at(id); return b < 0 ? 0 : this.meta[b + M_LEAVES]; }
  baseGfn(id: number): number { const b = this.at(id); return b < 0 ? 0 : this.base[b >>> 2]; }
  prev(id: number): number { const b = this.at(id); return b < 0 ? -1 : this.links[b >>> 1]; }
  next(id: number): number { const b = this.at(id); return b < 0 ? -1 : this.links[(b >>> 1) + 1]; }
  setLevel(id: number, v: number): void { const b = this.own(id); this.meta[b + M_INFO] = (this.meta[b + M_INFO] & ~LEVEL_MASK) | ((v & 15) << 8); }
  setLive(id: number, v: boolean): void { const b = this.own(id); this.meta[b + M_INFO] = v ? this.meta[b + M_INFO] | LIVE_BIT : this.meta[b + M_INFO] & ~LIVE_BIT; }
  setLeaves(id: number, v: number): void { const b = this.own(id); this.meta[b + M_LEAVES] = v; }
  setBaseGfn(id: number, v: number): void { const b = this.own(id); this.base[b >>> 2] = v; }
  setPrev(id: number, v: number): void { const b = this.own(id); this.links[b >>> 1] = v; }
  setNext(id: number, v: number): void { const b = this.own(id); this.links[(b >>> 1) + 1] = v; }

  /** A view of page `id` for code off the hot path; creates an empty page on first use. */
  page(id: number): PageRef {
    if (!this.has(id)) this.own(id);
    return new PageRef(this, id);
  }
  /** The same view, the page made owned first (setters own it anyway). */
  writable(id: number): PageRef {
    this.own(id);
    return new PageRef(this, id);
  }

  // ---- entries ---------------------------------------------------------------------------
  /** Reads entry `idx` of page `id` into this.lo / this.hi. */
  read(id: number, idx: number): void {
    const m = this.meta, b = (id + 1) * 4;
    const kind = b < m.length ? m[b + M_INFO] & KIND_MASK : UNKNOWN;
    if (kind > DENSE) {
      const off = m[b + M_OFF], s = this.arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK, key = idx + 1;
      for (let h = idx & kind; ; h = (h + 1) & kind) {
        const j = o + h * 3, k = s[j];
        if (k === key) { this.lo = s[j + 1]; this.hi = s[j + 2]; return; }
        if (k === 0) { this.lo = 0; this.hi = 0; return; }
      }
    }
    if (kind === DENSE) {
      if (((this.here[b >>> 2] >>> (idx >>> 6)) & 1) === 0) {
        const bl = this.recs[b >>> 2]!.blocks![idx >>> 6], j = (idx & 63) << 1;
        this.lo = bl[j]; this.hi = bl[j + 1];
        return;
      }
      const off = m[b + M_OFF], s = this.arena.slabs[off >>> SLAB_BITS], j = (off & SLAB_MASK) + (idx << 1);
      this.lo = s[j]; this.hi = s[j + 1];
      return;
    }
    this.readCold(id + 1, idx);
  }

  /** read() of a page that is not owned: from its record, or zero. */
  private readCold(x: number, idx: number): void {
    this.lo = 0; this.hi = 0;
    if (this.kind(x) !== SHARED) return;
    const r = this.recs[x]!;
    if (r.blocks !== null) { const bl = r.blocks[idx >>> 6], j = (idx & 63) << 1; this.lo = bl[j]; this.hi = bl[j + 1]; return; }
    const e = r.ent!, end = r.eoff + 3 * r.n;
    for (let i = r.eoff; i < end && e[i] <= idx; i += 3) if (e[i] === idx) { this.lo = e[i + 1]; this.hi = e[i + 2]; return; }
  }

  /**
   * Stores a u32 pair and leaves the previous value in this.lo / this.hi (one probe for
   * read-modify-write); returns the page's metadata base in `meta` for the caller's leaf and
   * liveness bookkeeping (M_INFO, M_COUNT, M_LEAVES; `base[b >>> 2]` is its first GFN).
   */
  write(id: number, idx: number, lo: number, hi: number): number {
    let m = this.meta, b = (id + 1) * 4;
    const info = b < m.length ? m[b + M_INFO] : UNKNOWN;
    let kind = info & KIND_MASK;
    if (kind < DENSE || (info & DIRTY_BIT) === 0) { b = this.own(id); m = this.meta; kind = m[b + M_INFO] & KIND_MASK; }
    const isZero = lo === 0 && hi === 0;
    const off = m[b + M_OFF], s = this.arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK;
    if (kind === DENSE) {
      const bi = idx >>> 6, x = b >>> 2;
      if (((this.here[x] >>> bi) & 1) === 0) { s.set(this.recs[x]!.blocks![bi], o + bi * 128); this.here[x] |= 1 << bi; }
      this.wmask[x] |= 1 << bi;
      const j = o + (idx << 1);
      const ol = s[j], oh = s[j + 1];
      this.lo = ol; this.hi = oh;
      s[j] = lo; s[j + 1] = hi;
      if ((ol === 0 && oh === 0) !== isZero) m[b + M_COUNT] += isZero ? -1 : 1;
      return b;
    }
    const mask = kind, key = idx + 1;
    let h = idx & mask;
    for (; ; h = (h + 1) & mask) {
      const j = o + h * 3, k = s[j];
      if (k === key) {
        this.lo = s[j + 1]; this.hi = s[j + 2];
        if (!isZero) { s[j + 1] = lo; s[j + 2] = hi; return b; }
        deleteSlot(s, o, mask, h);
        m[b + M_COUNT]--;
        return b;
      }
      if (k === 0) break;
    }
    this.lo = 0; this.hi = 0;
    if (isZero) return b;
    const count = m[b + M_COUNT];
    if (count + 1 > SPARSE_MAX) {
      this.toDense(b);
      const d = m[b + M_OFF], j = (d & SLAB_MASK) + (idx << 1), s2 = this.arena.slabs[d >>> SLAB_BITS];
      s2[j] = lo; s2[j + 1] = hi;
    } else if ((count + 1) * 4 > (mask + 1) * 3) { // keep the load factor ≤ 3/4
      this.grow(b);
      const d = m[b + M_OFF];
      insertSlot(this.arena.slabs[d >>> SLAB_BITS], d & SLAB_MASK, m[b + M_INFO] & KIND_MASK, key, lo, hi);
    } else {
      const j = o + h * 3;
      s[j] = key; s[j + 1] = lo; s[j + 2] = hi;
    }
    m[b + M_COUNT] = count + 1;
    return b;
  }

  /** Doubles an owned sparse page's hash. */
  private grow(b: number): void {
    const m = this.meta, arena = this.arena, omask = m[b + M_INFO] & KIND_MASK, ooff = m[b + M_OFF];
    const slots = (omask + 1) * 2, mask = slots - 1;
    const off = arena.alloc(sparseClass(slots));
    const os = arena.slabs[ooff >>> SLAB_BITS], oo = ooff & SLAB_MASK, s = arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK;
    for (let i = 0; i <= omask; i++) {
      const k = os[oo + i * 3];
      if (k !== 0) insertSlot(s, o, mask, k, os[oo + i * 3 + 1], os[oo + i * 3 + 2]);
    }
    arena.release(ooff, sparseClass(omask + 1));
    m[b + M_OFF] = off; m[b + M_INFO] = (m[b + M_INFO] & ~KIND_MASK) | mask;
  }

  private toDense(b: number): void {
    const m = this.meta, arena = this.arena, mask = m[b + M_INFO] & KIND_MASK, ooff = m[b + M_OFF];
    const off = arena.alloc(DENSE_CLASS);
    const os = arena.slabs[ooff >>> SLAB_BITS], oo = ooff & SLAB_MASK, d = arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK;
    for (let i = 0; i <= mask; i++) {
      const k = os[oo + i * 3];
      if (k !== 0) { const j = o + ((k - 1) << 1); d[j] = os[oo + i * 3 + 1]; d[j + 1] = os[oo + i * 3 + 2]; }
    }
    arena.release(ooff, sparseClass(mask + 1));
    m[b + M_OFF] = off; m[b + M_INFO] = (m[b + M_INFO] & ~KIND_MASK) | DENSE;
    this.here[b >>> 2] = 0xff; this.wmask[b >>> 2] = 0xff;
  }

  /** Zeroes a page (ptZero): back to an empty sparse page (count and leaves 0), and sets its `level` if given. */
  zero(id: number, level?: number): void {
    const b = this.own(id), m = this.meta, kind = m[b + M_INFO] & KIND_MASK;
    // An empty sparse page is all zeros already: keep its region.
    if (kind === DENSE || m[b + M_COUNT] !== 0) {
      this.arena.release(m[b + M_OFF], kind === DENSE ? DENSE_CLASS : sparseClass(kind + 1));
      m[b + M_OFF] = this.arena.alloc(0);
      m[b + M_INFO] = (m[b + M_INFO] & ~KIND_MASK) | 15;
    }
    m[b + M_COUNT] = 0; m[b + M_LEAVES] = 0;
    if (level !== undefined) m[b + M_INFO] = (m[b + M_INFO] & ~LEVEL_MASK) | ((level & 15) << 8); // as setLevel
    this.here[b >>> 2] = 0xff; this.wmask[b >>> 2] = 0xff;
  }

  /** Makes a page dense up front (split fills all 512 entries). */
  makeDense(id: number): void {
    const b = this.own(id);
    if ((this.meta[b + M_INFO] & KIND_MASK) !== DENSE) this.toDense(b);
  }

  /** Calls fn(index, lo, hi) for every non-zero entry, in ascending index order. */
  forEach(id: number, fn: (idx: number, lo: number, hi: number) => void): void { this.visit(id, fn, true); }
  /** Calls fn for every non-zero entry in storage order (cheaper; no sort). */
  forEachUnordered(id: number, fn: (idx: number, lo: number, hi: number) => void): void { this.visit(id, fn, false); }

  private visit(id: number, fn: (idx: number, lo: number, hi: number) => void, sorted: boolean): void {
    const x = id + 1, kind = this.kind(x);
    if (kind === ABSENT) return;
    if (kind === SHARED) {
      const r = this.recs[x]!;
      if (r.blocks !== null) {
        for (let i = 0; i < 512; i++) { const bl = r.blocks[i >>> 6], j = (i & 63) << 1; if (bl[j] !== 0 || bl[j + 1] !== 0) fn(i, bl[j], bl[j + 1]); }
      } else {
        const e = r.ent!, end = r.eoff + 3 * r.n;
        for (let i = r.eoff; i < end; i += 3) fn(e[i], e[i + 1], e[i + 2]);
      }
      return;
    }
    const off = this.meta[x * 4 + M_OFF], s = this.arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK;
    if (kind === DENSE) {
      const here = this.here[x], rec = this.recs[x];
      for (let k = 0; k < 8; k++) {
        const bl = ((here >>> k) & 1) !== 0 ? s : rec!.blocks![k], bo = ((here >>> k) & 1) !== 0 ? o + k * 128 : 0;
        for (let i = 0; i < 64; i++) { const j = bo + (i << 1); if (bl[j] !== 0 || bl[j + 1] !== 0) fn(k * 64 + i, bl[j], bl[j + 1]); }
      }
      return;
    }
    // Copy out first: fn may write to the store (the region may move).
    const e = sparseEntries(s, o, kind, sorted);
    for (let i = 0; i < e.length; i += 3) fn(e[i], e[i + 1], e[i + 2]);
  }

  // ---- snapshots -------------------------------------------------------------------------
  /** Freezes the current state: records for the pages owned since the last freeze. */
  freeze(): StoreSnapshot {
    const top = this.dir.slice(), copied = new Set<number>();
    const m = this.meta;
    for (let i = 0; i < this.nOwned; i++) {
      const x = this.owned[i], rec = this.record(x), ci = x >>> CHUNK_BITS;
      if (!copied.has(ci)) { const c = top[ci]; top[ci] = c === undefined ? new Array<PageRecord | undefined>(CHUNK) : c.slice(); copied.add(ci); }
      top[ci][x & (CHUNK - 1)] = rec;
      this.recs[x] = rec;
      m[x * 4 + M_INFO] &= ~DIRTY_BIT; // stays owned: its arena copy is private (the record copied out)
    }
    this.nOwned = 0;
    this.dir = top;
    return { dir: top };
  }

  /** Restores a frozen state (of this or another store); pages re-read their records lazily. */
  restore(s: StoreSnapshot): void {
    this.dir = s.dir as Chunk[]; // never written in place: freeze() copies what it changes
    const m = this.meta;
    for (let x = 0; x < this.cap; x++) m[x * 4 + M_INFO] = UNKNOWN;
    this.nOwned = 0;
    this.arena.reset();
  }

  /** The immutable version of owned page x. */
  private record(x: number): PageRecord {
    const m = this.meta, b = x * 4, info = m[b + M_INFO], kind = info & KIND_MASK;
    const off = m[b + M_OFF], s = this.arena.slabs[off >>> SLAB_BITS], o = off & SLAB_MASK;
    let ent: Uint32Array | null = null, eoff = 0, n = 0, blocks: Uint32Array[] | null = null;
    if (kind === DENSE) {
      // Blocks not written since the page's previous record are that record's.
      const w = this.wmask[x], prior = w !== 0xff ? this.recs[x]!.blocks! : null;
      blocks = [];
      for (let k = 0; k < 8; k++) blocks.push(((w >>> k) & 1) === 0 ? prior![k] : s.slice(o + k * 128, o + k * 128 + 128));
      this.wmask[x] = 0;
    } else {
      n = m[b + M_COUNT];
      if (this.rpos + 3 * n > this.rslab.length) { this.rslab = new Uint32Array(Math.max(1 << 16, 3 * n)); this.rpos = 0; }
      ent = this.rslab; eoff = this.rpos;
      // Insertion sort by index straight into the slab (a sparse page holds ≤ 48 entries, most 1–3).
      let e = eoff;
      for (let i = 0; i <= kind; i++) {
        const k = s[o + i * 3];
        if (k === 0) continue;
        let j = e;
        while (j > eoff && ent[j - 3] > k - 1) { ent[j] = ent[j - 3]; ent[j + 1] = ent[j - 2]; ent[j + 2] = ent[j - 1]; j -= 3; }
        ent[j] = k - 1; ent[j + 1] = s[o + i * 3 + 1]; ent[j + 2] = s[o + i * 3 + 2];
        e += 3;
      }
      this.rpos = e;
    }
    return new PageRecord(info & ~DIRTY_BIT, m[b + M_COUNT], m[b + M_LEAVES], this.links[2 * x], this.links[2 * x + 1], this.base[x], ent, eoff, n, blocks);
  }
}

/** A page's fields through the store (getters read, setters make the page owned). */
export class PageRef {
  constructor(private readonly s: TableStore, readonly id: number) {}
  get level(): number { return this.s.level(this.id); }
  set level(v: number) { this.s.setLevel(this.id, v); }
  get live(): boolean { return this.s.isLive(this.id); }
  set live(v: boolean) { this.s.setLive(this.id, v); }
  get baseGfn(): number { return this.s.baseGfn(this.id); }
  set baseGfn(v: number) { this.s.setBaseGfn(this.id, v); }
  get count(): number { return this.s.count(this.id); }
  get leaves(): number { return this.s.leaves(this.id); }
  set leaves(v: number) { this.s.setLeaves(this.id, v); }
  get prev(): number { return this.s.prev(this.id); }
  set prev(v: number) { this.s.setPrev(this.id, v); }
  get next(): number { return this.s.next(this.id); }
  set next(v: number) { this.s.setNext(this.id, v); }
}

/** The non-zero entries of a sparse region as (index, lo, hi) triples, optionally by index. */
function sparseEntries(s: Uint32Array, o: number, mask: number, sorted: boolean): number[] {
  const at: number[] = [];
  for (let i = 0; i <= mask; i++) if (s[o + i * 3] !== 0) at.push(o + i * 3);
  if (sorted) at.sort((a, b) => s[a] - s[b]);
  const out: number[] = [];
  for (const j of at) out.push(s[j] - 1, s[j + 1], s[j + 2]);
  return out;
}

/** Linear-probing insert of `key` (idx + 1, never 0) not already present, region at `o`. */
function insertSlot(s: Uint32Array, o: number, mask: number, key: number, lo: number, hi: number): void {
  let h = (key - 1) & mask;
  while (s[o + h * 3] !== 0) h = (h + 1) & mask;
  s[o + h * 3] = key; s[o + h * 3 + 1] = lo; s[o + h * 3 + 2] = hi;
}

/** Backward-shift deletion for linear probing (no tombstones), region at `o`. */
function deleteSlot(s: Uint32Array, o: number, mask: number, h: number): void {
  let hole = h;
  for (let j = (h + 1) & mask; s[o + j * 3] !== 0; j = (j + 1) & mask) {
    const home = (s[o + j * 3] - 1) & mask;
    // move j into the hole unless its home lies cyclically in (hole, j]
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      s[o + hole * 3] = s[o + j * 3]; s[o + hole * 3 + 1] = s[o + j * 3 + 1]; s[o + hole * 3 + 2] = s[o + j * 3 + 2];
      hole = j;
    }
  }
  s[o + hole * 3] = 0; s[o + hole * 3 + 1] = 0; s[o + hole * 3 + 2] = 0;
}

