// The `xen-4.8` strategy: p2m_set_entry / __p2m_set_entry as first introduced with
// break-before-make (commit 2ef3e36ec7, Sept 2016), i.e. the upstream algorithm of
// p2m-model.md §5.2–5.4 with the differences of §10:
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
import { baseOf, hwValidLo, PERM_MASK_HI, PERM_MASK_LO } from '../arch/descriptor';
import { beyondIpa, levelIndex, rootPageFor } from '../arch/geometry';
import { INVALID_MFN, P2mType } from '../arch/types';
import { EINVAL, ENOENT, ENOMEM } from '../p2m/config';
import { DRIFT_BLOCK_OVER_TABLE, DRIFT_REMAP, DRIFT_ROLLED_BACK } from '../p2m/core';
import { Cause, Fr } from '../p2m/event-log';
import { IOMMU_FLUSHF_ADDED, IOMMU_FLUSHF_MODIFIED } from '../p2m/events';
import type { OldCore } from './old-core';
import {
  oldIsTable, oldLeafHi, oldLeafLo, oldTableHi, oldTableLo, oldTypeApproximate, oldValid, XEN48_RULES,
} from './old-encoding';
import { freeEntry } from '../p2m/free-entry';
import { splitSuperpage } from '../p2m/split';

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
  while (nr > 0) {
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

/** __p2m_set_entry of 2016: one entry at `order`. */
export function xen48SetAtOrder(core: OldCore, gfn: number, order: number, mfn: number, type: number, access: number): number {
  const log = core.log;
  core.gfn = gfn;
  let target = 3 - Math.floor(order / 9);
  log.frameEnter(Fr.setAtOrder, target, gfn);
  if (!core.locked) core.diag('assert-locked', 'error', '__p2m_set_entry without the p2m write lock', gfn);
  if (target < 1 || target > 3 || order % 9 !== 0) {
    core.diag('assert-order', 'error', `order ${order} is not 0, 9 or 18`, gfn);
    target = Math.min(3, Math.max(1, target));
  }
  const rc = body(core, gfn, order, target, mfn, type, access);
  log.frameLeave(Fr.setAtOrder, rc);
  return rc;
}

function body(core: OldCore, gfn: number, order: number, target: number, mfn: number, type: number, access: number): number {
  const log = core.log, store = core.store, geo = core.geo;
  const removing = mfn === INVALID_MFN;
  const root = rootPageFor(geo, gfn);
  if (root < 0) return -EINVAL;
  if (beyondIpa(geo, gfn)) {
    core.diag('sim-gfn-beyond-ipa', 'warning', `GFN 0x${gfn.toString(16)} is beyond the ${geo.ipaBits}-bit IPA but passes Xen's root-page check`, gfn);
  }
  // (A) descend, creating tables
  let tbl = root, level = geo.rootLevel, idx = levelIndex(level, gfn);
  while (level < target) {
    idx = levelIndex(level, gfn);
    store.read(tbl, idx);
    if (!oldValid(store.lo)) {
      if (removing) return 0;
      if (!createTable(core, tbl, idx, level)) return -ENOENT;
      store.read(tbl, idx);
    }
    if (!oldIsTable(store.lo, level)) break;
    tbl = core.pageId(baseOf(store.lo, store.hi));
    level++;
  }
  idx = levelIndex(level, gfn);
  // (B) split a block above the target off-line, then break-before-make
  if (level < target) {
    store.read(tbl, idx);
    const bLo = store.lo, bHi = store.hi;
    const ok = splitSuperpage(core, -1, 0, bLo, bHi, level, target, XEN48_RULES);
    const cLo = core.tmpLo, cHi = core.tmpHi;
    if (!ok) {
      core.statMappings(level, 1);
      if (cLo !== bLo || cHi !== bHi) core.driftReasons |= DRIFT_ROLLED_BACK;
      freeEntry(core, cLo, cHi, level, true, XEN48_RULES);
      return -ENOMEM;
    }
    core.writePte(tbl, idx, 0, 0);
    core.forceFlush(Cause.bbmSplit);
    core.writePte(tbl, idx, cLo, cHi);
    while (level < target) {
      store.read(tbl, idx);
      if (!oldIsTable(store.lo, level)) {
        core.diag('assert-rewalk', 'error', `after the split L${level} is not a table`, gfn);
        return -EINVAL;
      }
      tbl = core.pageId(baseOf(store.lo, store.hi));
      level++;
      idx = levelIndex(level, gfn);
    }
  }
  if (level !== target) core.diag('assert-level', 'error', `updating at L${level}, expected L${target}`, gfn);
  // (C) update the target entry
  store.read(tbl, idx);
  const oLo = store.lo, oHi = store.hi;
  const oValid = oldValid(oLo);
  // 2016: no exception while dying (relaxed in 2017-01).
  if (core.memAccessEnabled && order !== 0) core.diag('assert-mem-access-order', 'error', `mem_access enabled but order ${order}`, gfn);
  if (removing && access !== 7) core.diag('assert-remove-access', 'error', 'removal with access other than rwx', gfn);
  if (core.memAccessEnabled) {
    if (access === 7) { core.radix.delete(gfn); log.radixDelete(gfn); }
    else { core.radix.set(gfn, access); log.radixSet(gfn, access); }
  }
  if (oValid) core.writePte(tbl, idx, 0, 0);
  let nLo = 0, nHi = 0;
  if (removing) {
    if (oValid) core.setNeedFlush();
  } else {
    if (type >= P2mType.max_real_type) core.diag('assert-type', 'error', `type ${type} ≥ max_real_type (BUG)`, gfn);
    nLo = oldLeafLo(mfn, type, access, level);
    nHi = oldLeafHi(mfn, type, access);
    if (oValid) {
      const permOnly = ((oLo & ~PERM_MASK_LO) >>> 0) === ((nLo & ~PERM_MASK_LO) >>> 0)
        && ((oHi & ~PERM_MASK_HI) >>> 0) === ((nHi & ~PERM_MASK_HI) >>> 0);
      if (!core.memAccessEnabled || !permOnly) core.forceFlush(Cause.bbmReplace);
      else core.setNeedFlush();
      if (oldIsTable(oLo, level)) core.driftReasons |= DRIFT_BLOCK_OVER_TABLE;
      else if (baseOf(oLo, oHi) !== mfn) core.driftReasons |= DRIFT_REMAP;
    } else {
      core.statMappings(level, 1);
    }
    core.writePte(tbl, idx, nLo, nHi);
    // 2016: the exclusive end.
    core.noteMappedRange(gfn, gfn + 2 ** order);
  }
  // (E) before (D) in 2016: release what was replaced, then flush the IOMMU.
  if (oValid && baseOf(nLo, nHi) !== baseOf(oLo, oHi)) freeEntry(core, oLo, oHi, level, true, XEN48_RULES);
  if (core.cfg.iommuEnabled && (oValid || hwValidLo(nLo))) {
    const flags = (oValid ? IOMMU_FLUSHF_MODIFIED : 0) | (hwValidLo(nLo) ? IOMMU_FLUSHF_ADDED : 0);
    log.iommuFlush(gfn, 2 ** order, flags);
  }
  return 0;
}

/** p2m_create_table of 2016: the new page is linked with a type-0 table entry. */
function createTable(core: OldCore, tbl: number, idx: number, level: number): boolean {
  const log = core.log;
  log.frameEnter(Fr.createTable, level + 1, core.gfn);
  const id = core.allocPage(level + 1, 0);
  if (id < 0) { log.frameLeave(Fr.createTable, -ENOMEM); return false; }
  const mfn = core.pageMfn(id);
  core.store.zero(id).level = level + 1;
  log.tableZero(mfn);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  core.writePte(tbl, idx, oldTableLo(mfn), oldTableHi(mfn));
  log.frameLeave(Fr.createTable, 0);
  return true;
}
