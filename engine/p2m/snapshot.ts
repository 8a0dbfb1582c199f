// Snapshot / restore of one p2m's whole state for time travel. Table pages are shared
// copy-on-write (TableStore.freeze: O(pages/16)); the rest is small and copied: the pool
// freelist (O(free pages)), the mem_access radix (O(entries)), counters and scalars.
// The event log is append-only and not part of a snapshot: a replay that restores and
// re-executes should record into a scratch log or disable recording.
import type { P2mCore } from './core';
import type { PoolState } from './pool';
import type { StoreSnapshot } from './table-store';

export interface P2mSnapshot {
  readonly store: StoreSnapshot;
  readonly pool: PoolState;
  readonly scalars: {
    maxMappedGfn: number; lowestMappedGfn: number; needFlush: boolean; memAccessEnabled: boolean;
    isDying: boolean; pagesHead: number; tablesAllocated: number; tablesFreed: number; diagnostics: number;
  };
  readonly arrays: Float64Array; // mappings, shattered, trueLeaves, lastDrift, flushes, driftCounts
  readonly radix: Map<number, number>;
}

export function takeSnapshot(core: P2mCore): P2mSnapshot {
  const arrays = new Float64Array(40);
  arrays.set(core.mappings, 0); arrays.set(core.shattered, 4); arrays.set(core.trueLeaves, 8);
  arrays.set(core.lastDrift, 12); arrays.set(core.flushes, 16); arrays.set(core.driftCounts, 24);
  return {
    store: core.store.freeze(),
    pool: core.pool.save(),
    scalars: {
      maxMappedGfn: core.maxMappedGfn, lowestMappedGfn: core.lowestMappedGfn, needFlush: core.needFlush,
      memAccessEnabled: core.memAccessEnabled, isDying: core.isDying, pagesHead: core.pagesHead,
      tablesAllocated: core.tablesAllocated, tablesFreed: core.tablesFreed, diagnostics: core.diagnosticCount,
    },
    arrays,
    radix: new Map(core.radix),
  };
}

export function restoreSnapshot(core: P2mCore, s: P2mSnapshot): void {
  core.store.restore(s.store);
  core.pool.load(s.pool);
  const c = s.scalars;
  core.maxMappedGfn = c.maxMappedGfn; core.lowestMappedGfn = c.lowestMappedGfn; core.needFlush = c.needFlush;
  core.memAccessEnabled = c.memAccessEnabled; core.isDying = c.isDying; core.pagesHead = c.pagesHead;
  core.tablesAllocated = c.tablesAllocated; core.tablesFreed = c.tablesFreed;
  core.truncateDiagnostics(c.diagnostics); // pending rc-errors are cut without being built
  core.mappings.set(s.arrays.subarray(0, 4)); core.shattered.set(s.arrays.subarray(4, 8));
  core.trueLeaves.set(s.arrays.subarray(8, 12)); core.lastDrift.set(s.arrays.subarray(12, 16));
  core.flushes.set(s.arrays.subarray(16, 24)); core.driftCounts.set(s.arrays.subarray(24, 40));
  core.radix.clear();
  for (const [k, v] of s.radix) core.radix.set(k, v);
  core.locked = false;
}
