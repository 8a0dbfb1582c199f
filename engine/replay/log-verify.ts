// End-of-load proof for log-driven seeking: after the log mover has applied the whole log to a
// fresh engine set, that set must equal the recording set in everything a view reads (every
// table page's entries, level, liveness and leaf count; counters, true counts, mapped range,
// need_flush, pool, radix, scalars). Any difference (an engine change the mover does not
// know, a trace the log cannot describe) disables log moves for the session: the seeker
// then falls back to snapshot + re-execution, never to a wrong view.

import type { P2mCore } from '../p2m/core';

/** The first difference between a moved core and the recording one, or undefined. */
export function diffCores(moved: P2mCore, rec: P2mCore): string | undefined {
  const arr = (name: string, a: Float64Array, b: Float64Array) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${name}[${i}] ${a[i]} vs ${b[i]}`;
    return undefined;
  };
  const d = arr('mappings', moved.mappings, rec.mappings) ?? arr('shattered', moved.shattered, rec.shattered)
    ?? arr('trueLeaves', moved.trueLeaves, rec.trueLeaves) ?? arr('flushes', moved.flushes, rec.flushes);
  if (d) return d;
  const sc: [string, unknown, unknown][] = [
    ['maxMappedGfn', moved.maxMappedGfn, rec.maxMappedGfn], ['lowestMappedGfn', moved.lowestMappedGfn, rec.lowestMappedGfn],
    ['needFlush', moved.needFlush, rec.needFlush], ['memAccessEnabled', moved.memAccessEnabled, rec.memAccessEnabled],
    ['isDying', moved.isDying, rec.isDying], ['tablesAllocated', moved.tablesAllocated, rec.tablesAllocated],
    ['tablesFreed', moved.tablesFreed, rec.tablesFreed], ['defaultAccess', moved.defaultAccess, rec.defaultAccess],
  ];
  for (const [n, a, b] of sc) if (a !== b) return `${n} ${String(a)} vs ${String(b)}`;
  const pa = moved.pool.save(), pb = rec.pool.save();
  if (pa.minted !== pb.minted || pa.reserve !== pb.reserve || pa.size !== pb.size) return 'pool counts';
  for (let i = 0; i < pa.size; i++) {
    if (pa.ring[(pa.head + i) % pa.ring.length] !== pb.ring[(pb.head + i) % pb.ring.length]) return `pool freelist at ${i}`;
  }
  if (moved.radix.size !== rec.radix.size) return 'radix size';
  for (const [g, a] of rec.radix) if (moved.radix.get(g) !== a) return `radix ${g}`;
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
    let bad = -1;
    moved.store.forEachUnordered(id, (i, lo, hi) => {
      rec.store.read(id, i);
      if (rec.store.lo !== lo || rec.store.hi !== hi) bad = i;
    });
    if (bad >= 0) return `page ${id} entry ${bad}`;
  }
  return undefined;
}
