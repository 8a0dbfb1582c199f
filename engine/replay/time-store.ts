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
import { diffEntries, diffRadix, diffScalars } from './log-verify';
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
  // No writable()/set* stubs needed: the core skips marking its root pages when given a store,
  // and a view engine runs no op. Owning a page here would allocate the store's first arena
  // slab, 4 MB per view engine that no read ever touches.
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

/**
 * The first difference between a view engine set to the last boundary and the recording core;
 * yields every 4096 pages (the proof is a few hundred ms on 1M ops: ReplayRuntime.load's slices).
 */
export function* diffTimeEngine(e: TimeEngine, rec: P2mCore): Generator<void, string | undefined> {
  const v = e.p.core;
  const d = diffScalars(v, rec, false);
  if (d) return d;
  if (v.pool.free !== rec.pool.free || v.pool.totalMinted !== rec.pool.totalMinted) return 'pool';
  let radix = 0;
  for (const g of e.ix.radix.keys()) if (v.radix.get(g) !== undefined) radix++;
  const r = diffRadix(g => v.radix.get(g), radix, rec.radix);
  if (r) return r;
  const pages = Math.max(e.ix.born.length, rec.geo.rootPages + rec.pool.totalMinted);
  for (let id = 0; id < pages; id++) {
    if ((id & 4095) === 4095) yield;
    const has = rec.store.has(id);
    if (has !== v.store.has(id)) return `page ${id} exists ${v.store.has(id)} vs ${has}`;
    if (!has) continue;
    const x = diffEntries(v.store, rec.store, id);
    if (x) return x;
  }
  return undefined;
}
