// The `xen-4.8` strategy: p2m_set_entry / __p2m_set_entry as first introduced with
// break-before-make (commit 2ef3e36ec7, Sept 2016), i.e. the upstream algorithm of
// p2m-model.md §5.2–5.4 with the differences of §10. The range driver is this file's; the
// per-entry part is upstream's setAtOrder run with XEN48_RULES (old-encoding.ts):
//   - the order mask includes the MFN even for removals: INVALID_MFN is all ones, so every
//     removal goes 4K by 4K;
//   - max_mapped_gfn is the exclusive end (gfn + 2^order);
//   - the replaced entry is freed BEFORE the IOMMU flush (moved after it in 2019);
//   - table entries have type 0 and "p2m-valid" is bit 0 (typed tables arrived in 2018);
//   - leaves carry the 2016 type enumeration;
//   - a removal stores 0 only over a valid entry (always zeroing arrived with XSA-393, 2021);
//   - no refusal while dying (XSA-410, 2022).
// Toggle `rfcMissingElse`: the RFC version lacked an `else`, so the mem_access choice of order
// 0 was overwritten by the 1G/2M alignment tests (assert §8 row 6 then fires).
import { INVALID_MFN } from '../arch/types';
import { ERESTART, MAX_CHUNKS_PER_CALL } from '../p2m/config';
import { Fr } from '../p2m/event-log';
import { setAtOrder } from '../p2m/set-entry';
import type { OldCore } from './old-core';
import { oldTypeApproximate, XEN48_RULES } from './old-encoding';

const ORDER_18 = 2 ** 18;
const ORDER_9 = 2 ** 9;

export interface Xen48Options { rfcMissingElse: boolean }

/** The range driver of 2016. */
export function xen48SetEntry(core: OldCore, opts: Xen48Options, gfn: number, nr: number, mfn: number, type: number, access: number): number {
  const log = core.log;
  core.gfn = gfn;
  log.frameEnter(Fr.setEntry, core.geo.rootLevel, gfn);
  if (mfn !== INVALID_MFN && !core.reportedTypes.has(type)) {
    const why = oldTypeApproximate(type);
    core.reportedTypes.add(type);
    if (why) core.diag('trace', 'info', `xen-4.8 strategy: ${why}`, gfn);
  }
  if (mfn === INVALID_MFN && nr >= ORDER_9) {
    core.diag('trace', 'info', `xen-4.8: this removal of ${nr} GFNs goes 4K by 4K (INVALID_MFN is part of the 2016 order mask), splitting any block it touches`, gfn);
  }
  let rc = 0;
  // Simulator work budget, as upstream's driver: an unaligned nr = 2^36 would be 2^36 chunks.
  const limit = core.cfg.maxChunksPerCall ?? MAX_CHUNKS_PER_CALL;
  let budget = limit;
  while (nr > 0) {
    if (budget-- <= 0) {
      core.diag('sim-work-budget', 'warning', `xen-4.8 p2m_set_entry stopped at GFN 0x${gfn.toString(16)} with 0x${nr.toString(16)} pages left: ` +
        `over the simulator's budget of ${limit} chunks per call (Xen would carry on)`, gfn);
      rc = -ERESTART;
      break;
    }
    let order: number;
    if (mfn === INVALID_MFN) {
      // Quirk of 2016: INVALID_MFN (all ones) is part of the alignment mask: never aligned.
      order = 0;
    } else if (core.memAccessEnabled && !opts.rfcMissingElse) {
      order = 0;
    } else {
      // With rfc-missing-else the mem_access choice above is overwritten here (the RFC bug).
      if (mfn % ORDER_18 === 0 && gfn % ORDER_18 === 0 && nr % ORDER_18 === 0) order = 18;
      else if (mfn % ORDER_9 === 0 && gfn % ORDER_9 === 0 && nr % ORDER_9 === 0) order = 9;
      else order = 0;
    }
    rc = xen48SetAtOrder(core, gfn, order, mfn, type, access);
    if (rc !== 0) break;
    const n = 2 ** order;
    gfn += n;
    if (mfn !== INVALID_MFN) mfn += n;
    nr -= n;
  }
  log.frameLeave(Fr.setEntry, rc);
  return rc;
}

/** __p2m_set_entry of 2016: the shared implementation with the 2016 rules. */
export function xen48SetAtOrder(core: OldCore, gfn: number, order: number, mfn: number, type: number, access: number): number {
  return setAtOrder(core, gfn, order, mfn, type, access, XEN48_RULES);
}
