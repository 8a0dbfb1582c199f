// Read-only view engines "as of op k" over the time index (time-index.ts): one P2m per domain
// built for views, whose table store (TimeStore) answers read/has/forEach from the entry
// histories and whose core scalars are set from the columns at each seek. The engine's own
// query code (lookup/get-entry, regions, stats, dumpInfo, walks) runs unchanged over it, so a
// seek is O(scalars), microseconds, with no engine state to move and no checkpoint.
//
// Only the read surface the views use is answered: page metadata (level, liveness, first GFN,
// counts, `pages` links) is not indexed, so `page()` throws (the views never ask: tablePage is
// not part of DomainView); the flush counters are not indexed (P2m.stats().flushes of a view
// engine reads 0; DomainView does not expose them). A view engine must never execute an op.

import type { P2m } from '../p2m/p2m';
import { type PageRef, TableStore } from '../p2m/table-store';
import type { P2mCore } from '../p2m/core';
import { FIELDS, writeScalars } from './time-columns';
import { type DomainTimeIndex, NEVER, type RadixHistory } from './time-index';
import type { ViewState } from './domain-config';

export class TimeStore extends TableStore {
  /** The op boundary the store answers for. */
  k = 0;
  constructor(private readonly ix: DomainTimeIndex) { super(); }

  override has(id: number): boolean {
    const b = this.ix.born;
    return id >= 0 && id < b.length && b[id] !== NEVER && b[id] <= this.k;
  }
  override read(id: number, idx: number): void {
    const h = this.ix.history;
    h.read(id, idx, this.k);
    this.lo = h.lo; this.hi = h.hi;
  }
  override forEach(id: number, fn: (idx: number, lo: number, hi: number) => void): void {
    if (this.has(id)) this.ix.history.forEach(id, this.k, fn);
  }
  override forEachUnordered(id: number, fn: (idx: number, lo: number, hi: number) => void): void { this.forEach(id, fn); }
  override page(id: number): PageRef {
    throw new Error(`time-indexed view: page ${id} metadata is not indexed`);
  }
}

/** The radix as of boundary k: only `get` and `size`-free reads are used by the queries. */
class TimeRadix extends Map<number, number> {
  k = 0;
  private hist: Map<number, RadixHistory> | undefined;
  attach(h: Map<number, RadixHistory>): void { this.hist = h; }
  override get(gfn: number): number | undefined {
    const h = this.hist?.get(gfn);
    if (!h || h.keys[0] > this.k) return undefined;
    let lo = 0, hi = h.keys.length - 1;
    while (lo < hi) { const m = (lo + hi + 1) >>> 1; if (h.keys[m] <= this.k) lo = m; else hi = m - 1; }
    const v = h.vals[lo];
    return v < 0 ? undefined : v;
  }
  override has(gfn: number): boolean { return this.get(gfn) !== undefined; }
}

export interface TimeEngine { p: P2m; store: TimeStore; radix: TimeRadix; ix: DomainTimeIndex }

/**
 * Builds a view P2m (`make(view)`: its core is given the TimeStore and the time radix through
 * the core's optional `store` / `radix` hooks).
 */
export function timeEngine(ix: DomainTimeIndex, make: (view: ViewState) => P2m): TimeEngine {
  const store = new TimeStore(ix);
  const radix = new TimeRadix();
  radix.attach(ix.radix);
  const p = make({ store, radix });
  return { p, store, radix, ix };
}

const buf = new Float64Array(FIELDS);

/** Sets a view engine to boundary k. */
export function setTime(e: TimeEngine, k: number): void {
  e.store.k = k; e.radix.k = k;
  e.ix.scalars.at(k, buf);
  writeScalars(e.p.core, buf);
}

/** diffTimeEngine's copy of one recording page: (index, lo, hi) × up to 512. */
const recEntries = new Uint32Array(3 * 512);

/** The first difference between a view engine set to the last boundary and the recording core. */
export function diffTimeEngine(e: TimeEngine, rec: P2mCore): string | undefined {
  const v = e.p.core;
  for (let l = 0; l < 4; l++) {
    if (v.mappings[l] !== rec.mappings[l] || v.shattered[l] !== rec.shattered[l] || v.trueLeaves[l] !== rec.trueLeaves[l]) return `counters at level ${l}`;
  }
  if (v.maxMappedGfn !== rec.maxMappedGfn || v.lowestMappedGfn !== rec.lowestMappedGfn || v.needFlush !== rec.needFlush) return 'mapped range / need_flush';
  if (v.pool.free !== rec.pool.free || v.pool.totalMinted !== rec.pool.totalMinted) return 'pool';
  let radix = 0;
  for (const g of e.ix.radix.keys()) if (v.radix.get(g) !== undefined) radix++;
  if (radix !== rec.radix.size) return `radix size ${radix} vs ${rec.radix.size}`;
  for (const [g, a] of rec.radix) if (v.radix.get(g) !== a) return `radix ${g}`;
  const pages = Math.max(e.ix.born.length, rec.geo.rootPages + rec.pool.totalMinted);
  for (let id = 0; id < pages; id++) {
    const has = rec.store.has(id);
    if (has !== v.store.has(id)) return `page ${id} exists ${v.store.has(id)} vs ${has}`;
    if (!has) continue;
    // Every view entry must be the recording entry at its index (both lists ascend by index,
    // so a merge instead of a lookup per entry); a recording entry the view lacks shows in the count.
    let m = 0;
    rec.store.forEach(id, (i, lo, hi) => { recEntries[m++] = i; recEntries[m++] = lo; recEntries[m++] = hi; });
    let bad: string | undefined;
    let n = 0, j = 0;
    v.store.forEach(id, (i, lo, hi) => {
      n++;
      while (j < m && recEntries[j] < i) j += 3;
      if (j >= m || recEntries[j] !== i || recEntries[j + 1] !== lo || recEntries[j + 2] !== hi) bad ??= `page ${id} entry ${i}`;
    });
    if (bad) return bad;
    if (n !== rec.store.count(id)) return `page ${id}: ${n} entries vs ${rec.store.count(id)}`;
  }
  return undefined;
}
