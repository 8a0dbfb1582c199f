// p2m_set_entry (range driver, §5.2) and __p2m_set_entry (our setAtOrder, §5.3), upstream
// strategy, with every side effect in Xen's order. The descent creates tables on the way
// (p2m_create_table, §5.4); a block above the target level is split off-line and swapped
// in with break-before-make; the target entry is zeroed and flushed before being replaced.
// __p2m_set_entry and create_table take EntryRules, so the xen-4.8 strategy (Sept 2016) runs
// this same code with its encoding and its §10 differences; only its range driver is its own.
import { baseOf, hwValidLo, isSuperpageLo, p2mValidHi, PERM_MASK_HI, PERM_MASK_LO } from '../arch/descriptor';
import { levelIndex, modPow2, pow2, rootPageFor, beyondIpa } from '../arch/geometry';
import { INVALID_MFN, P2mType } from '../arch/types';
import { DRIFT_BLOCK_OVER_TABLE, DRIFT_MFN0, DRIFT_REMAP, DRIFT_ROLLED_BACK, type P2mCore } from './core';
import { EINVAL, ENOENT, ENOMEM, ERESTART, MAX_CHUNKS_PER_CALL } from './config';
import { type EntryRules, UPSTREAM_RULES } from './entry-rules';
import { Cause, Fr } from './event-log';
import { IOMMU_FLUSHF_ADDED, IOMMU_FLUSHF_MODIFIED } from './events';
import { freeEntry } from './free-entry';
import { splitSuperpage } from './split';

const ORDER_18 = 2 ** 18;
const ORDER_9 = 2 ** 9;
const MFN_LIMIT_ARM64 = 2 ** 36; // PADDR_BITS 48
const MFN_LIMIT_ARM32 = 2 ** 28; // PADDR_BITS 40

/** The range driver: picks the largest order that gfn, mfn AND nr are aligned to. */
export function p2mSetEntry(core: P2mCore, gfn: number, nr: number, mfn: number, type: number, access: number): number {
  const log = core.log;
  core.gfn = gfn;
  log.frameEnter(Fr.setEntry, core.geo.rootLevel, gfn);
  // XSA-410: refuse while dying, removals included, before looking at nr.
  if (core.isDying) { log.frameLeave(Fr.setEntry, -ENOMEM); return -ENOMEM; }
  let rc = 0;
  let budget = core.cfg.maxChunksPerCall ?? MAX_CHUNKS_PER_CALL;
  while (nr > 0) {
    if (budget-- <= 0) {
      core.diag('sim-work-budget', 'warning', `p2m_set_entry stopped at GFN 0x${gfn.toString(16)} with 0x${nr.toString(16)} pages left: ` +
        `over the simulator's budget of ${core.cfg.maxChunksPerCall ?? MAX_CHUNKS_PER_CALL} chunks per call (Xen would carry on)`, gfn);
      rc = -ERESTART;
      break;
    }
    // Quirk: nr is part of the mask, so the END of the range must be aligned too (G3).
    const m = mfn === INVALID_MFN ? 0 : mfn;
    let order: number;
    if (core.memAccessEnabled) order = 0;
    else if (modPow2(m, ORDER_18) === 0 && modPow2(gfn, ORDER_18) === 0 && modPow2(nr, ORDER_18) === 0) order = 18;
    else if (modPow2(m, ORDER_9) === 0 && modPow2(gfn, ORDER_9) === 0 && modPow2(nr, ORDER_9) === 0) order = 9;
    else order = 0;
    rc = setAtOrder(core, gfn, order, mfn, type, access);
    if (rc !== 0) break; // no rollback of earlier chunks
    const n = pow2(order);
    gfn += n;
    if (mfn !== INVALID_MFN) mfn += n;
    nr -= n;
  }
  log.frameLeave(Fr.setEntry, rc);
  return rc;
}

/** __p2m_set_entry: one entry at `order` (0, 9 or 18). */
export function setAtOrder(
  core: P2mCore, gfn: number, order: number, mfn: number, type: number, access: number, rules: EntryRules = UPSTREAM_RULES,
): number {
  const log = core.log;
  core.gfn = gfn;
  let target = 3 - Math.floor(order / 9);
  log.frameEnter(Fr.setAtOrder, target, gfn);
  if (!core.locked) core.diag('assert-locked', 'error', '__p2m_set_entry without the p2m write lock', gfn);
  if (target < 1 || target > 3 || order % 9 !== 0) {
    core.diag('assert-order', 'error', `order ${order} is not 0, 9 or 18`, gfn);
    target = Math.min(3, Math.max(1, target));
  }
  const rc = setAtOrderBody(core, gfn, order, target, mfn, type, access, rules);
  log.frameLeave(Fr.setAtOrder, rc);
  return rc;
}

// A module-level function (not a closure) so V8 optimises it once for every call.
function setAtOrderBody(
  core: P2mCore, gfn: number, order: number, target: number, mfn: number, type: number, access: number, rules: EntryRules,
): number {
    const log = core.log, store = core.store, geo = core.geo;
    const removing = mfn === INVALID_MFN;
    // Quirk: the root check has root-page granularity only (§2.3); see sim-gfn-beyond-ipa.
    const root = rootPageFor(geo, gfn);
    if (root < 0) return -EINVAL;
    if (beyondIpa(geo, gfn)) {
      core.diag('sim-gfn-beyond-ipa', 'warning',
        `GFN 0x${gfn.toString(16)} is beyond the ${geo.ipaBits}-bit IPA but passes Xen's root-page check`, gfn);
    }
    // (A) descend, creating tables
    let tbl = root, level = geo.rootLevel, idx = levelIndex(level, gfn);
    while (level < target) {
      idx = levelIndex(level, gfn);
      store.read(tbl, idx);
      if (!rules.valid(store.lo, store.hi)) {
        if (removing) return 0; // nothing mapped here: silently done
        if (!createTable(core, tbl, idx, level, rules)) return -ENOENT; // Quirk: pool empty → -ENOENT here, -ENOMEM for a split
        store.read(tbl, idx);
      }
      if (rules.isLeaf(store.lo, level)) break;
      tbl = core.pageId(baseOf(store.lo, store.hi));
      level++;
    }
    idx = levelIndex(level, gfn);
    // (B) a block above the target: split it off-line, then break-before-make
    if (level < target) {
      store.read(tbl, idx);
      const bLo = store.lo, bHi = store.hi;
      const ok = splitSuperpage(core, -1, 0, bLo, bHi, level, target, rules);
      const cLo = core.tmpLo, cHi = core.tmpHi;
      if (!ok) {
        // Quirk: if the first allocation failed, `copy` is still the live block, so freeEntry
        // below also drops its references (a foreign 2M block loses 512 refs it still uses).
        core.statMappings(level, 1); // undo the split's decrement
        // A deeper failure leaves shattered[level] incremented: stats drift.
        if (cLo !== bLo || cHi !== bHi) core.driftReasons |= DRIFT_ROLLED_BACK;
        freeEntry(core, cLo, cHi, level, true, rules);
        return -ENOMEM;
      }
      core.writePte(tbl, idx, 0, 0);           // break
      core.forceFlush(Cause.bbmSplit);          // forced; clears need_flush
      core.writePte(tbl, idx, cLo, cHi);        // make
      // Re-walk read-only: every hop must now be a table (Xen only asserts it).
      while (level < target) {
        store.read(tbl, idx);
        if (!rules.valid(store.lo, store.hi) || rules.isLeaf(store.lo, level)) {
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
    // In 2016 p2m-valid was the hardware valid bit, so there oHw === oP2m.
    const oHw = hwValidLo(oLo), oP2m = rules.valid(oLo, oHi);
    if (core.memAccessEnabled && order !== 0 && !(rules.memAccessAssertSparesDying && core.isDying)) {
      core.diag('assert-mem-access-order', 'error', `mem_access enabled but order ${order}`, gfn);
    }
    if (removing && access !== 7) core.diag('assert-remove-access', 'error', 'removal with access other than rwx', gfn);
    if (core.memAccessEnabled) {
      if (access === 7) { core.radix.delete(gfn); log.radixDelete(gfn); }
      else { core.radix.set(gfn, access); log.radixSet(gfn, access); }
    }
    // Since XSA-393 a removal always stores 0, even over 0; before, only over a valid entry.
    if (oHw || (removing && rules.removalAlwaysZeroes)) core.writePte(tbl, idx, 0, 0);
    let nLo = 0, nHi = 0;
    if (removing) {
      if (oHw) core.setNeedFlush(); // deferred to unlock / pre-free
      if (rules.upstreamChecks && oP2m && baseOf(oLo, oHi) === 0 && (level === 3 || isSuperpageLo(oLo, level))) {
        core.driftReasons |= DRIFT_MFN0;
      }
    } else {
      if (type >= P2mType.max_real_type) core.diag('assert-type', 'error', `type ${type} ≥ max_real_type (BUG)`, gfn);
      const limit = geo.arch === 'arm64' ? MFN_LIMIT_ARM64 : MFN_LIMIT_ARM32;
      if (rules.upstreamChecks && (mfn >= limit || mfn < 0)) core.diag('assert-mfn-range', 'error', `MFN 0x${mfn.toString(16)} does not fit PADDR_MASK`, gfn);
      nLo = rules.leafLo(mfn, type, access, level);
      nHi = rules.leafHi(mfn, type, access);
      if (oHw) {
        // Under mem_access a permission-only change (same MFN, type, attributes) defers the flush.
        const permOnly = ((oLo & ~PERM_MASK_LO) >>> 0) === ((nLo & ~PERM_MASK_LO) >>> 0)
          && ((oHi & ~PERM_MASK_HI) >>> 0) === ((nHi & ~PERM_MASK_HI) >>> 0);
        // Quirk: an identical re-write also counts as permission-only under mem_access
        // (deferred flush), but takes a forced flush when mem_access is off.
        if (!core.memAccessEnabled || !permOnly) core.forceFlush(Cause.bbmReplace);
        else core.setNeedFlush();
      } else if (!oP2m) {
        core.statMappings(level, 1); // counted only if the slot held nothing
      }
      if (oP2m) {
        // Quirk (stats drift): orig valid → no increment; freeEntry below may decrement.
        if (level < 3 && (oLo & 2) !== 0) core.driftReasons |= DRIFT_BLOCK_OVER_TABLE;
        else if (baseOf(oLo, oHi) !== mfn) core.driftReasons |= DRIFT_REMAP;
      }
      core.writePte(tbl, idx, nLo, nHi);
      core.noteMappedRange(gfn, gfn + pow2(order) - (rules.maxMappedInclusive ? 1 : 0));
    }
    // (E) release what was replaced (runs even if the IOMMU flush failed). For a removal the
    // new base is 0, so a removed mapping of MFN 0 is never freed (faithful quirk).
    // Until 2019-08 it ran before (D), after it since.
    const release = oP2m && baseOf(nLo, nHi) !== baseOf(oLo, oHi);
    if (release && !rules.freeAfterIommuFlush) freeEntry(core, oLo, oHi, level, true, rules);
    // (D) IOMMU: only for the target range; the split above never flushes the IOMMU.
    if (core.cfg.iommuEnabled && (oHw || hwValidLo(nLo))) {
      const flags = (oHw ? IOMMU_FLUSHF_MODIFIED : 0) | (hwValidLo(nLo) ? IOMMU_FLUSHF_ADDED : 0);
      log.iommuFlush(gfn, pow2(order), flags);
    }
    if (release && rules.freeAfterIommuFlush) freeEntry(core, oLo, oHi, level, true, rules);
    return 0;
}

/** p2m_create_table: take a pool page, zero it, link it into the empty slot (type-0 entry in 2016). */
export function createTable(core: P2mCore, tbl: number, idx: number, level: number, rules: EntryRules = UPSTREAM_RULES): boolean {
  const log = core.log;
  log.frameEnter(Fr.createTable, level + 1, core.gfn);
  if (rules.upstreamChecks) {
    if (level >= 3) core.diag('assert-create-table', 'error', 'next level requested below L3', core.gfn);
    core.store.read(tbl, idx);
    if (p2mValidHi(core.store.hi)) core.diag('assert-create-table', 'error', 'createTable over a p2m-valid slot', core.gfn);
  }
  const id = core.allocPage(level + 1, 0);
  if (id < 0) { log.frameLeave(Fr.createTable, -ENOMEM); return false; }
  const mfn = core.pageMfn(id);
  core.zeroTable(id, level + 1);
  log.tableZero(mfn);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  core.writePte(tbl, idx, rules.tableLo(mfn), rules.tableHi(mfn));
  log.frameLeave(Fr.createTable, 0);
  return true;
}
