// Domain teardown (p2m-model.md §5.11): p2m_teardown returns every page on the `pages`
// list to the pool (Xen preempts every 512 pages; simulated to completion), and
// p2m_clear_root_pages zeroes (and cleans) the root pages and forces one flush.
import type { P2mCore } from './core';
import { Cause } from './event-log';

/** Moves every table page on `pages` back to the pool; returns how many. */
export function p2mTeardown(core: P2mCore): number {
  let n = 0;
  for (let id = core.pagesHead; id >= 0; id = core.pagesHead) {
    const p = core.store.page(id);
    if (p.live) unlinkLive(core, id);
    core.freePage(id);
    n++;
  }
  return n;
}

/** A page still reachable when torn down: drop its leaves from the true counts. */
function unlinkLive(core: P2mCore, id: number): void {
  const p = core.store.writable(id);
  core.trueLeaves[p.level] -= p.leaves;
  p.live = false;
}

/** p2m_clear_root_pages: zero every root page (clean if clean_pte), then a forced flush. */
export function clearRootPages(core: P2mCore): void {
  for (let k = 0; k < core.geo.rootPages; k++) {
    const entries: number[] = [];
    core.store.forEach(k, (i, lo, hi) => { entries.push(i, lo, hi); });
    for (let j = 0; j < entries.length; j += 3) core.writePte(k, entries[j], 0, 0, true);
    if (core.cfg.cleanPte) core.log.tableClean(core.pageMfn(k));
  }
  core.forceFlush(Cause.clearRoot);
}
