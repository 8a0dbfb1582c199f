// Which GFN range every live PTE write touched, and what kind of translation change it was.
//
// pteWrite events name a table page, an index and a level but not the GFN, so this index
// follows table links as they are written (child page → parent slot) and resolves a page's
// base GFN through its parents up to a root page. Only live writes are kept: stores into a
// page not yet linked cannot change a translation. Built lazily (first data breakpoint or
// `who` query) in one pass over the log, into typed arrays.
//
// Classification pairs break-before-make halves inside one operation: a break (valid → 0)
// followed by a make on the same slot is reported once, at the make, comparing the entry
// before the break with the entry after the make. So a superpage split is one `split`
// change and a BBM remap is one `mfn` change, not an unmap followed by a map.

import type { EventSource } from './backend';
import type { Timeline } from './timeline';

export interface RootInfo { rootLevel: number; rootMfns: readonly number[] }

export interface TranslationChange {
  event: number;
  gfn: number;
  count: number;
  level: number;
  before: bigint;
  after: bigint;
  mfn: boolean;
  type: boolean;
  perms: boolean;
  split: boolean;
  valid: boolean;
}

export type ChangeFilter = 'mfn' | 'type' | 'perms' | 'split';

const TYPE_SHIFT = 55n;
const PERM_MASK = 0x0040_0000_0000_00c0n;
const BASE_MASK = 0x0000_ffff_ffff_f000n;
// Type ≠ 0 (today's Xen) or the hardware valid bit (2016 strategies: tables have type 0).
const p2mValid = (d: bigint) => ((d >> TYPE_SHIFT) & 0xfn) !== 0n || (d & 1n) !== 0n;
const isTableAt = (d: bigint, level: number) => level < 3 && p2mValid(d) && (d & 2n) !== 0n;
const isLeafAt = (d: bigint, level: number) => p2mValid(d) && !isTableAt(d, level);
const order = (level: number) => (3 - level) * 9;

export class ChangeIndex {
  private n = 0;
  private ev = new Uint32Array(1024);
  private gfn = new Float64Array(1024);
  private lvl = new Uint8Array(1024);
  private slot = new Float64Array(1024); // table * 512 + index, to pair breaks and makes

  private constructor(private readonly tl: Timeline, private readonly events: EventSource) {}

  static build(tl: Timeline, events: EventSource, roots: ReadonlyMap<number, RootInfo>): ChangeIndex {
    const ci = new ChangeIndex(tl, events);
    // Per domain: child page → (parent page, index, parent level).
    const parents = new Map<number, Map<number, { page: number; index: number; level: number }>>();
    const baseOf = (dom: number, page: number, depth = 0): number => {
      const r = roots.get(dom);
      if (r) {
        const k = r.rootMfns.indexOf(page);
        if (k >= 0) return k * 2 ** (order(r.rootLevel) + 9);
      }
      const p = parents.get(dom)?.get(page);
      if (!p || depth > 4) return -1;
      const b = baseOf(dom, p.page, depth + 1);
      return b < 0 ? -1 : b + p.index * 2 ** order(p.level);
    };
    let dom = 0;
    for (let e = 0; e < events.length; e++) {
      const k = events.kindAt(e);
      if (k === 'opBegin') {
        const ev = events.get(e);
        if (ev.kind === 'opBegin') dom = ev.domain;
        continue;
      }
      if (k !== 'pteWrite') continue;
      const w = events.get(e);
      if (w.kind !== 'pteWrite') continue;
      if (isTableAt(w.new, w.level)) {
        let m = parents.get(dom);
        if (!m) parents.set(dom, m = new Map());
        m.set(Number((w.new & BASE_MASK) >> 12n), { page: w.table, index: w.index, level: w.level });
      }
      if (!w.live) continue;
      const base = baseOf(dom, w.table);
      if (base < 0) continue;
      ci.push(e, base + w.index * 2 ** order(w.level), w.level, w.table * 512 + w.index);
    }
    return ci;
  }

  get size(): number { return this.n; }

  private push(e: number, g: number, level: number, slot: number): void {
    if (this.n === this.ev.length) {
      const grow = <T extends Uint32Array | Float64Array | Uint8Array>(a: T, C: new (n: number) => T): T => { const b = new C(a.length * 2); b.set(a); return b; };
      this.ev = grow(this.ev, Uint32Array); this.gfn = grow(this.gfn, Float64Array);
      this.lvl = grow(this.lvl, Uint8Array); this.slot = grow(this.slot, Float64Array);
    }
    this.ev[this.n] = e; this.gfn[this.n] = g; this.lvl[this.n] = level; this.slot[this.n] = slot;
    this.n++;
  }

  /** First record with event index ≥ e. */
  lowerBound(e: number): number {
    let lo = 0, hi = this.n;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.ev[m] < e) lo = m + 1; else hi = m; }
    return lo;
  }

  eventAt(r: number): number { return this.ev[r]; }

  overlaps(r: number, from: number, to: number): boolean {
    const g = this.gfn[r];
    return g < to && g + 2 ** order(this.lvl[r]) > from;
  }

  /**
   * Classify record r as a translation change, or undefined when it is not one on its own
   * (the break half of a break-before-make, or a table linked into an empty slot).
   */
  classify(r: number): TranslationChange | undefined {
    const w = this.events.get(this.ev[r]);
    if (w.kind !== 'pteWrite') return undefined;
    const op = this.tl.opOfEvent(this.ev[r]);
    const opEnd = this.tl.opStart[op + 1], opBegin = this.tl.opStart[op];
    let before = w.old;
    if (!p2mValid(w.new)) {
      // A break whose make follows in the same op is reported at the make.
      for (let q = r + 1; q < this.n && this.ev[q] < opEnd; q++) {
        if (this.slot[q] === this.slot[r]) {
          const m = this.events.get(this.ev[q]);
          if (m.kind === 'pteWrite' && p2mValid(m.new)) return undefined;
          break;
        }
      }
    } else if (!p2mValid(w.old)) {
      // A make: look back for its break in the same op to compare against the original entry.
      for (let q = r - 1; q >= 0 && this.ev[q] >= opBegin; q--) {
        if (this.slot[q] === this.slot[r]) {
          const b = this.events.get(this.ev[q]);
          if (b.kind === 'pteWrite' && p2mValid(b.old)) before = b.old;
          break;
        }
      }
    }
    const level = w.level, after = w.new;
    const beforeLeaf = isLeafAt(before, level), afterLeaf = isLeafAt(after, level);
    const split = beforeLeaf && isTableAt(after, level);
    // An empty slot receiving a fresh (empty) table changes no translation.
    if (!p2mValid(before) && isTableAt(after, level)) return undefined;
    if (before === after) return undefined;
    const leafPair = beforeLeaf && afterLeaf;
    const mfn = split ? false : leafPair ? (before & BASE_MASK) !== (after & BASE_MASK) : true;
    const type = split ? false : leafPair ? ((before >> TYPE_SHIFT) & 0xfn) !== ((after >> TYPE_SHIFT) & 0xfn) : true;
    const perms = split ? false : leafPair ? (before & PERM_MASK) !== (after & PERM_MASK) : true;
    const valid = (before & 1n) !== (after & 1n);
    return { event: this.ev[r], gfn: this.gfn[r], count: 2 ** order(level), level, before, after, mfn, type, perms, split, valid };
  }
}

/** Whether a change passes a data breakpoint's filter (empty filter = any change). */
export function changeMatches(c: TranslationChange, filter: readonly ChangeFilter[]): boolean {
  if (filter.length === 0) return true;
  return filter.some(f => c[f]);
}
