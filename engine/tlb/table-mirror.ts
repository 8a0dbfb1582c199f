// A mirror of table-page contents and reachability, rebuilt from pteWrite/tableAlloc/tableZero/
// tableFree events only, so the TLB model and the BBM checker stay pure consumers of the event
// stream (and work on low-level write traces, where nobody tells us which page is live).
//
// Reachability needs only the old and new values every pteWrite carries, so entry contents are
// stored only when asked (`storeContents`: the TLB model walks them; the BBM checker needs them
// only for FEAT_BBM). Each page knows its parent slot and its linked children (intrusive sibling
// list), so linking or unlinking a subtree updates `live`, level and GFN base for exactly the
// pages below it. Per-page state is typed-array columns indexed by a dense page id.
import { baseOf } from '../arch/descriptor';
import { linksTable } from './bbm-rules';
import { EntryHash } from './entry-hash';
import { MfnIds } from './mfn-ids';

export const F_ROOT = 1;
export const F_LIVE = 2;
export const F_ALLOCATED = 4;   // seen in tableAlloc (pool or root)
export const F_FREED = 8;       // tableFree seen and not re-allocated since
export const F_KNOWN = 16;      // seen in any event (set on creation)

/** The key pageId*512+index must stay an int32: beyond this many pages new pages are ignored. */
export const MAX_PAGES = 1 << 22;

export interface MirrorOptions {
  /**
   * Low-level write traces have no tableAlloc events. When true, a page first seen in a pteWrite
   * (never allocated, never linked) becomes a root if no root is known yet or if the write's level
   * equals the first root's level. Pages filled before they are linked at a deeper level stay
   * "fresh" until linked. Its root index is MFN mod 16: concatenated root pages are naturally
   * aligned (p2m-model.md §2.3) and at most 16, so this is exact when the first root page's MFN
   * is 16-aligned (the engine's default 0x40000); pass `rootMfns` otherwise.
   */
  implicitRoots?: boolean;
  /** Root page MFNs in root-index order (concatenated roots), when the stream has no root tableAlloc. */
  rootMfns?: readonly number[];
  /** Level of the root pages given in rootMfns. */
  rootLevel?: number;
  /** Keep every entry's value (walks, FEAT_BBM subtree checks). Default true. */
  storeContents?: boolean;
}

/** GFN order of one entry at `level` (4K granule): (3-level)*9 bits. */
export function entryOrderPow(level: number): number { return ORDER_POW[level & 3]; }
// A table, not 2 ** x: a variable exponent is a Math.pow call on the per-event path.
const ORDER_POW = [2 ** 27, 2 ** 18, 2 ** 9, 1];

function growI32(a: Int32Array, n: number, fill: number): Int32Array { const b = new Int32Array(n).fill(fill); b.set(a); return b; }
function growF64(a: Float64Array, n: number, fill: number): Float64Array { const b = new Float64Array(n).fill(fill); b.set(a); return b; }
function growU8(a: Uint8Array, n: number): Uint8Array { const b = new Uint8Array(n); b.set(a); return b; }
function growI8(a: Int8Array, n: number, fill: number): Int8Array { const b = new Int8Array(n).fill(fill); b.set(a); return b; }

export class TableMirror {
  readonly implicitRoots: boolean;
  // ---- pages (indexed by page id) ----
  private ids = new MfnIds();
  pageCount = 0;
  pageMfn: Float64Array = new Float64Array(64);
  pageLevel: Int8Array = new Int8Array(64).fill(-1);
  pageFlags: Uint8Array = new Uint8Array(64);
  parent: Int32Array = new Int32Array(64).fill(-1);
  parentIndex: Int32Array = new Int32Array(64).fill(-1);
  firstChild: Int32Array = new Int32Array(64).fill(-1);
  nextSib: Int32Array = new Int32Array(64).fill(-1);
  prevSib: Int32Array = new Int32Array(64).fill(-1);
  gfnBase: Float64Array = new Float64Array(64).fill(NaN);
  /** Root page ids by root index k (concatenated roots), -1 where unknown. */
  roots: number[] = [];
  rootLevel = -1;
  /** Entry values, or null when contents are not stored. */
  readonly entries: EntryHash | null;
  /** Result of read(): the entry's halves (0 when never written / zeroed / not stored). */
  rLo = 0;
  rHi = 0;
  /** Set by write(): page id unlinked / linked by the last store, or -1. */
  lastUnlinked = -1;
  lastLinked = -1;
  /** Stack reused by subtree walks (no allocation per link). */
  private stack: Int32Array = new Int32Array(64);

  constructor(opts: MirrorOptions = {}) {
    this.implicitRoots = opts.implicitRoots ?? true;
    this.entries = (opts.storeContents ?? true) ? new EntryHash() : null;
    if (opts.rootMfns && opts.rootLevel !== undefined) {
      opts.rootMfns.forEach((mfn, k) => { const id = this.ensurePage(mfn); if (id >= 0) this.makeRoot(id, opts.rootLevel!, k); });
    }
  }

  // One-entry cache: stores come in runs into the same page (a split fill is 512 of them).
  private lastMfn = -1;
  private lastId = -1;

  pageId(mfn: number): number {
    if (mfn === this.lastMfn) return this.lastId;
    const id = this.ids.get(mfn);
    if (id < 0) return -1;
    this.lastMfn = mfn; this.lastId = id;
    return id;
  }

  /** Page id for `mfn`, creating an unknown page record; -1 past MAX_PAGES. */
  ensurePage(mfn: number): number {
    if (mfn === this.lastMfn) return this.lastId;
    const got = this.ids.get(mfn);
    if (got >= 0) { this.lastMfn = mfn; this.lastId = got; return got; }
    if (this.pageCount >= MAX_PAGES) return -1;
    const id = this.pageCount++;
    if (id >= this.pageMfn.length) this.growPages(this.pageMfn.length * 2);
    this.ids.set(mfn, id);
    this.pageMfn[id] = mfn;
    return id;
  }

  private growPages(n: number): void {
    this.pageMfn = growF64(this.pageMfn, n, 0);
    this.pageLevel = growI8(this.pageLevel, n, -1);
    this.pageFlags = growU8(this.pageFlags, n);
    this.parent = growI32(this.parent, n, -1);
    this.parentIndex = growI32(this.parentIndex, n, -1);
    this.firstChild = growI32(this.firstChild, n, -1);
    this.nextSib = growI32(this.nextSib, n, -1);
    this.prevSib = growI32(this.prevSib, n, -1);
    this.gfnBase = growF64(this.gfnBase, n, NaN);
  }

  isLive(id: number): boolean { return id >= 0 && (this.pageFlags[id] & F_LIVE) !== 0; }

  /** tableAlloc: roots get their root index and GFN base; pool pages start fresh (not live). */
  alloc(mfn: number, level: number, isRoot: boolean): number {
    const id = this.ensurePage(mfn);
    if (id < 0) return id;
    this.pageFlags[id] = (this.pageFlags[id] & ~F_FREED) | F_ALLOCATED | F_KNOWN;
    // A reused page starts a new life: whatever linked it or was linked from it before is history
    // (its stale entries are overwritten by the split fill or read as 0 after tableZero).
    if (this.parent[id] >= 0) this.detach(id);
    this.detachChildren(id);
    if ((this.pageFlags[id] & F_ROOT) === 0) this.setPage(id, false, this.pageLevel[id], NaN);
    if (level >= 0 && level <= 3) this.pageLevel[id] = level;
    if (isRoot) this.makeRoot(id, level, this.roots.length);
    return id;
  }

  private makeRoot(id: number, level: number, k: number): void {
    if (this.pageFlags[id] & F_ROOT) return;
    if (this.rootLevel < 0 && level >= 0) this.rootLevel = level;
    while (this.roots.length <= k) this.roots.push(-1);
    this.roots[k] = id;
    this.pageFlags[id] |= F_ROOT | F_KNOWN;
    this.pageLevel[id] = level;
    // Root page k covers GFNs [k << (order(rootLevel)+9), …) (p2m-model.md §2.3).
    this.propagate(id, true, level, level >= 0 ? k * entryOrderPow(level) * 512 : NaN);
  }

  /** First sight of a page in a pteWrite: decide whether it is an implicit root (write traces). */
  notePage(id: number, level: number): void {
    const f = this.pageFlags[id];
    if (f & F_KNOWN) return;
    this.pageFlags[id] = f | F_KNOWN;
    if (this.pageLevel[id] < 0 && level >= 0) this.pageLevel[id] = level;
    if (this.implicitRoots && this.parent[id] < 0 && (this.rootLevel < 0 || level === this.rootLevel)) {
      this.makeRoot(id, level, this.pageMfn[id] % 16);
    }
  }

  /** tableFree: the page leaves the tree (Xen frees children before parents, and unlinks first). */
  free(id: number): void {
    if (id < 0) return;
    this.pageFlags[id] = (this.pageFlags[id] & ~F_ALLOCATED) | F_FREED | F_KNOWN;
    if (this.parent[id] >= 0) {
      this.detach(id);
      if ((this.pageFlags[id] & F_ROOT) === 0) this.propagate(id, false, this.pageLevel[id], NaN);
    }
  }

  /** tableZero: every entry reads 0 from now on; linked children are detached. */
  zero(id: number): void {
    if (id < 0) return;
    this.entries?.zeroPage(id);
    this.detachChildren(id);
  }

  private detachChildren(id: number): void {
    let c = this.firstChild[id];
    while (c >= 0) {
      const next = this.nextSib[c];
      this.parent[c] = -1; this.parentIndex[c] = -1; this.nextSib[c] = -1; this.prevSib[c] = -1;
      this.propagate(c, false, this.pageLevel[c], NaN);
      c = next;
    }
    this.firstChild[id] = -1;
  }

  /** Read entry (page, index) into rLo/rHi; false when it reads as 0. */
  read(id: number, index: number): boolean {
    const e = this.entries;
    const s = e && id >= 0 ? e.find(id, index) : -1;
    if (s < 0) { this.rLo = 0; this.rHi = 0; return false; }
    this.rLo = e!.lo[s]; this.rHi = e!.hi[s];
    return (this.rLo | this.rHi) !== 0;
  }

  /**
   * Apply a store of `new` over `old` into entry `index` of page `id` (level = level of the
   * page's entries). Keeps parent/child links, liveness and GFN bases up to date and sets
   * lastUnlinked / lastLinked. `old` comes from the event, so no contents are needed for links.
   */
  write(id: number, index: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
    this.lastUnlinked = -1; this.lastLinked = -1;
    this.entries?.set(id, index, newLo, newHi);
    if (level >= 3 || level < 0) return;
    const oldLink = linksTable(oldLo, oldHi, level), newLink = linksTable(newLo, newHi, level);
    if (!oldLink && !newLink) return;
    const oldChild = oldLink ? this.pageId(baseOf(oldLo, oldHi)) : -1;
    const newMfn = newLink ? baseOf(newLo, newHi) : -1;
    if (oldChild >= 0 && this.pageMfn[oldChild] === newMfn) return; // same table, attribute bits only
    if (oldChild >= 0 && this.parent[oldChild] === id && this.parentIndex[oldChild] === index) {
      this.detach(oldChild);
      this.propagate(oldChild, false, level + 1, NaN);
      this.lastUnlinked = oldChild;
    }
    if (newLink) {
      const c = this.ensurePage(newMfn);
      if (c < 0 || this.isAncestorOrSelf(c, id) || (this.pageFlags[c] & F_ROOT) !== 0) return;
      if (this.parent[c] >= 0) this.detach(c);
      this.pageFlags[c] |= F_KNOWN;
      this.parent[c] = id; this.parentIndex[c] = index;
      const first = this.firstChild[id];
      this.nextSib[c] = first; this.prevSib[c] = -1;
      if (first >= 0) this.prevSib[first] = c;
      this.firstChild[id] = c;
      this.propagate(c, this.isLive(id), level + 1, this.gfnBase[id] + index * entryOrderPow(level));
      this.lastLinked = c;
    }
  }

  private detach(c: number): void {
    const p = this.parent[c];
    const prev = this.prevSib[c], next = this.nextSib[c];
    if (prev >= 0) this.nextSib[prev] = next; else if (p >= 0) this.firstChild[p] = next;
    if (next >= 0) this.prevSib[next] = prev;
    this.parent[c] = -1; this.parentIndex[c] = -1; this.nextSib[c] = -1; this.prevSib[c] = -1;
  }

  private isAncestorOrSelf(c: number, id: number): boolean {
    for (let p = id, depth = 0; p >= 0 && depth < 16; p = this.parent[p], depth++) if (p === c) return true;
    return false;
  }

  /** Set live/level/GFN base of `top` and recompute them for its whole linked subtree. */
  private propagate(top: number, live: boolean, level: number, base: number): void {
    this.setPage(top, live, level, base);
    let sp = 0;
    this.push(sp++, top);
    while (sp > 0) {
      const p = this.stack[--sp];
      const pl = this.pageLevel[p];
      for (let c = this.firstChild[p]; c >= 0; c = this.nextSib[c]) {
        this.setPage(c, live, pl >= 0 ? pl + 1 : -1, pl >= 0 ? this.gfnBase[p] + this.parentIndex[c] * entryOrderPow(pl) : NaN);
        this.push(sp++, c);
      }
    }
  }

  private setPage(id: number, live: boolean, level: number, base: number): void {
    if (live) this.pageFlags[id] |= F_LIVE; else if ((this.pageFlags[id] & F_ROOT) === 0) this.pageFlags[id] &= ~F_LIVE;
    if (level >= 0 && level <= 3) this.pageLevel[id] = level;
    this.gfnBase[id] = base;
  }

  private push(sp: number, v: number): void {
    if (sp >= this.stack.length) { const b = new Int32Array(this.stack.length * 2); b.set(this.stack); this.stack = b; }
    this.stack[sp] = v;
  }

  /** First GFN mapped by entry `index` of page `id`, NaN when the page is not reachable. */
  entryGfn(id: number, index: number, level: number): number {
    return this.gfnBase[id] + index * entryOrderPow(level);
  }

  /** Root page id covering `gfn`, or -1 (outside the concatenated roots). */
  rootFor(gfn: number): number {
    if (this.rootLevel < 0) return -1;
    const k = Math.floor(gfn / (entryOrderPow(this.rootLevel) * 512));
    return k < this.roots.length ? this.roots[k] : -1;
  }

  /** Number of entries stored (for memory figures). */
  get slotCount(): number { return this.entries ? this.entries.size : 0; }
  /** Hash capacity: positions 0..capacity-1 can be scanned with liveLeafGfnAt. */
  get capacity(): number { return this.entries ? this.entries.capacity : 0; }

  /** First GFN of the hw-valid leaf at hash position h if its page is live, else NaN. */
  liveLeafGfnAt(h: number): number {
    const e = this.entries;
    if (!e || !e.liveAt(h)) return NaN;
    const k = e.keyAt(h);
    const id = (k / 512) | 0, index = k - id * 512;
    if ((this.pageFlags[id] & F_LIVE) === 0) return NaN;
    const lo = e.lo[h], level = this.pageLevel[id];
    if ((lo & 1) === 0 || level < 0) return NaN;
    if (level === 3 ? (lo & 2) === 0 : (lo & 2) !== 0) return NaN;
    return this.gfnBase[id] + index * entryOrderPow(level);
  }
}
