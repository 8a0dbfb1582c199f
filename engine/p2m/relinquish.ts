// relinquish_p2m_mapping (p2m-model.md §5.11): while dying, remove every mapping from
// lowest_mapped_gfn to max_mapped_gfn at the order get_entry reports, calling
// __p2m_set_entry directly (bypassing the is_dying check and the mem_access 4K rule).
// Table pages are not freed here. Preemption (-ERESTART) is not simulated: runs to the end.
import { alignDown } from '../arch/geometry';
import { INVALID_MFN, P2mType } from '../arch/types';
import type { P2mCore } from './core';
import { Fr } from './event-log';
import { getEntry } from './get-entry';
import { setAtOrder } from './set-entry';

export function relinquish(core: P2mCore): number {
  core.log.frameEnter(Fr.relinquish, core.geo.rootLevel, Math.max(0, core.lowestMappedGfn));
  if (!core.isDying) core.diag('assert-relinquish', 'error', 'relinquish while the domain is not dying');
  let rc = 0;
  let g = core.lowestMappedGfn < 0 ? Number.MAX_SAFE_INTEGER : core.lowestMappedGfn;
  while (g <= core.maxMappedGfn) {
    const e = getEntry(core, g);
    if (e.mfn !== INVALID_MFN) {
      rc = setAtOrder(core, g, e.order, INVALID_MFN, P2mType.invalid, 7);
      if (rc !== 0) break;
    }
    g = alignDown(g, e.order) + 2 ** e.order;
  }
  if (rc === 0 && core.lowestMappedGfn >= 0) {
    core.lowestMappedGfn = g;
    core.log.mappedRange(core.maxMappedGfn, g);
  }
  core.log.frameLeave(Fr.relinquish, rc);
  return rc;
}
