// End-of-load proofs of the two seeking modes that do not re-execute: after the log mover has
// applied the whole log to a fresh engine set (diffCores), or once the time index is built
// (time-store.ts diffTimeEngine), the engines that will answer the views must equal the
// recording set in everything a view reads (every table page's entries, and here also level,
// liveness and leaf count; counters, true counts, mapped range, need_flush, pool, radix,
// scalars). Any difference (an engine change the mover or the index does not know, a trace
// the log cannot describe) disables that mode for the session: the seeker then falls back to
// the next one, never to a wrong view. The comparisons both proofs make are shared below.

import type { P2mCore } from '../p2m/core';
import type { TableStore } from '../p2m/table-store';

/**
 * Counters, true counts, mapped range, need_flush and the per-op scalars of two cores; the
 * flush counters only with `flushes` (a time-indexed view engine does not keep them).
 */
export function diffScalars(a: P2mCore, b: P2mCore, flushes: boolean): string | undefined {
  const arr = (name: string, x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${name}[${i}] ${x[i]} vs ${y[i]}`;
    return undefined;
  };
  const d = arr('mappings', a.mappings, b.mappings) ?? arr('shattered', a.shattered, b.shattered)
    ?? arr('trueLeaves', a.trueLeaves, b.trueLeaves) ?? (flushes ? arr('flushes', a.flushes, b.flushes) : undefined);
  if (d) return d;
  const sc: [string, unknown, unknown][] = [
    ['maxMappedGfn', a.maxMappedGfn, b.maxMappedGfn], ['lowestMappedGfn', a.lowestMappedGfn, b.lowestMappedGfn],
    ['needFlush', a.needFlush, b.needFlush], ['memAccessEnabled', a.memAccessEnabled, b.memAccessEnabled],
    ['isDying', a.isDying, b.isDying], ['tablesAllocated', a.tablesAllocated, b.tablesAllocated],
    ['tablesFreed', a.tablesFreed, b.tablesFreed], ['defaultAccess', a.defaultAccess, b.defaultAccess],
  ];
  for (const [n, x, y] of sc) if (x !== y) return `${n} ${String(x)} vs ${String(y)}`;
  return undefined;
}

/** A radix (its entry count `size`, read through `get`) against the recording core's. */
export function diffRadix(get: (gfn: number) => number | undefined, size: number, rec: ReadonlyMap<number, number>): string | undefined {
  if (size !== rec.size) return `radix size ${size} vs ${rec.size}`;
  for (const [g, a] of rec) if (get(g) !== a) return `radix ${g}`;
  return undefined;
}

/** diffEntries' copy of one recording page: (index, lo, hi) × up to 512. */
const recEntries = new Uint32Array(3 * 512);

/**
 * Page `id`'s entries: every entry `a` lists equals `rec`'s at that index, and `a` lists as
 * many as `rec` counts (so none is missing). Both lists ascend by index: a merge, not a lookup
 * per entry.
 */
export function diffEntries(a: TableStore, rec: TableStore, id: number): string | undefined {
  let m = 0;
  rec.forEach(id, (i, lo, hi) => { if (m < recEntries.length) { recEntries[m] = i; recEntries[m + 1] = lo; recEntries[m + 2] = hi; } m += 3; });
  if (m > recEntries.length) return `page ${id}: more than 512 entries`;
  let bad: string | undefined;
  let n = 0, j = 0;
  a.forEach(id, (i, lo, hi) => {
    n++;
    while (j < m && recEntries[j] < i) j += 3;
    if (j >= m || recEntries[j] !== i || recEntries[j + 1] !== lo || recEntries[j + 2] !== hi) bad ??= `page ${id} entry ${i}`;
  });
  if (bad) return bad;
  if (n !== rec.count(id)) return `page ${id}: ${n} entries vs ${rec.count(id)}`;
  return undefined;
}

/** The first difference between a moved core and the recording one, or undefined. */
export function diffCores(moved: P2mCore, rec: P2mCore): string | undefined {
  const d = diffScalars(moved, rec, true);
  if (d) return d;
  const pa = moved.pool.save(), pb = rec.pool.save();
  if (pa.minted !== pb.minted || pa.reserve !== pb.reserve || pa.size !== pb.size) return 'pool counts';
  for (let i = 0; i < pa.size; i++) {
    if (pa.ring[(pa.head + i) % pa.ring.length] !== pb.ring[(pb.head + i) % pb.ring.length]) return `pool freelist at ${i}`;
  }
  const r = diffRadix(g => moved.radix.get(g), moved.radix.size, rec.radix);
  if (r) return r;
  const pages = moved.geo.rootPages + moved.pool.totalMinted;
  const minted = moved.geo.rootPages + rec.pool.mintedCount;
  for (let id = 0; id < pages; id++) {
    const hb = rec.store.has(id);
    // A page the recording engine created without minting it (a table entry pointing at a
    // reserve page) would make isTablePage differ at earlier positions: not supported.
    if (hb && id >= minted) return `page ${id} exists but was never allocated`;
    if (!hb) continue;
    const a = moved.store.page(id), b = rec.store.page(id);
    if (a.level !== b.level || a.live !== b.live || a.count !== b.count || a.leaves !== b.leaves) return `page ${id} header`;
    if (a.live && a.baseGfn !== b.baseGfn) return `page ${id} baseGfn`;
    const e = diffEntries(moved.store, rec.store, id);
    if (e) return e;
  }
  return undefined;
}
