// What one operation did, measured from the engine's query API (stats before/after,
// diagnostics it added) rather than from its event log: the language server replays with
// recording off, because the log is append-only and a live replay re-executes ops on every
// edit (it would grow without bound). The chunk decomposition is p2m_set_entry's documented
// order choice (p2m-model.md §5.2): the largest of 1G/2M/4K to which gfn, mfn (unless
// invalid) AND the remaining count are aligned; always 4K while mem_access is enabled.
import type { P2m, P2mStats } from '../../../engine/p2m/p2m';
import type { FlushCause } from '../../../engine/p2m/events';
import type { Chunk, OpInfo } from './types';

const O18 = 2 ** 18;
const O9 = 2 ** 9;

/**
 * Runs of chunks p2m_set_entry(gfn, nr, mfn) picks, computed in O(runs): within a run the
 * order can only change at the next 2M (for 4K runs) or 1G (for 2M runs) boundary of gfn,
 * because gfn, mfn and the remaining count all move by the same amount.
 */
export function chunkRuns(gfn: number, nr: number, mfn: number, memAccess: boolean): Chunk[] {
  const runs: Chunk[] = [];
  while (nr > 0 && runs.length < 64) {
    const m = mfn < 0 ? 0 : mfn;
    let order = 0;
    if (!memAccess && m % O18 === 0 && gfn % O18 === 0 && nr % O18 === 0) order = 18;
    else if (!memAccess && m % O9 === 0 && gfn % O9 === 0 && nr % O9 === 0) order = 9;
    let count: number;
    if (order === 18) count = nr / O18;
    else if (order === 9) {
      const toGiga = ((O18 - (gfn % O18)) % O18) / O9;
      count = toGiga === 0 ? nr / O9 : Math.min(toGiga, nr / O9);
    } else if (memAccess) count = nr;
    else {
      const toMega = (O9 - (gfn % O9)) % O9;
      // At the next 2M boundary a bigger order is possible only if mfn and the rest align there.
      count = toMega > 0 && toMega < nr && (m + toMega) % O9 === 0 && (nr - toMega) % O9 === 0 ? toMega : nr;
    }
    runs.push({ gfn, order, count });
    const n = count * 2 ** order;
    gfn += n;
    if (mfn >= 0) mfn += n;
    nr -= n;
  }
  return runs;
}

/** Fills `op`'s effects from the difference between two stats() readings. */
export function fillEffects(op: OpInfo, before: P2mStats, after: P2mStats): void {
  for (let l = 0; l < 4; l++) {
    op.statDelta[l] = (after.mappings[l] ?? 0) - (before.mappings[l] ?? 0);
    op.statDelta[4 + l] = (after.shattered[l] ?? 0) - (before.shattered[l] ?? 0);
  }
  op.flushes = after.tlbFlushes - before.tlbFlushes;
  if (op.flushes > 0) {
    op.flushCauses = (Object.keys(after.flushesByCause) as FlushCause[]).filter(c => after.flushesByCause[c] !== before.flushesByCause[c]);
  }
  op.tablesAllocated = after.tablePages.allocated - before.tablePages.allocated;
  op.tablesFreed = after.tablePages.freed - before.tablePages.freed;
}

export type { P2m };
