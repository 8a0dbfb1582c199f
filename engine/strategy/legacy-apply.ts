// The `legacy` strategy: apply_p2m_changes / apply_one_level as Xen/Arm had them before the
// break-before-make rework of Sept 2016 (p2m-model.md §6.1). One pass over [start, end) in IPA
// order; at each level a step descends, makes progress, or fails. Entries are rewritten IN
// PLACE (blocks are shattered while live, valid leaves overwritten), the TLB is flushed once at
// the end of the call, and empty table pages are reclaimed by their count of valid entries.
// These stores are exactly what the BBM checker is meant to flag: it is a model of the bug.
import { baseOf } from '../arch/descriptor';
import { levelIndex, levelSize } from '../arch/geometry';
import { INVALID_MFN } from '../arch/types';
import { EINVAL, ENOMEM, ERESTART, MAX_CHUNKS_PER_CALL } from '../p2m/config';
import { Cause, Fr } from '../p2m/event-log';
import { fillFromBlock } from '../p2m/split';
import type { OldCore } from './old-core';
import {
  fromOldType, oldIsTable, oldLeafHi, oldLeafLo, oldTableHi, oldTableLo, oldTypeApproximate, oldValid, OldType,
} from './old-encoding';

export const enum LegacyOp { insert = 0, remove = 1, relinquish = 2, memaccess = 3 }

const DESCEND = 1;

/** Per-call state shared by the steps (Xen keeps it in locals of apply_p2m_changes). */
interface Call {
  op: LegacyOp;
  end: number;
  mfn: number;
  type: number;
  access: number;
  flush: boolean;
  /** Table pages unlinked by the refcount walk-back, freed after the end-of-call flush. */
  freeQueue: number[];
  /** GFNs the last progress step advanced by. */
  step: number;
}

/**
 * apply_p2m_changes(op, sgfn, nr, mfn, type, access). `type` is a current p2m type value
 * (stored as its 2016 value); removals pass mfn = INVALID_MFN. Returns 0 or -errno.
 */
export function applyP2mChanges(core: OldCore, op: LegacyOp, sgfn: number, nr: number, mfn: number, type: number, access: number): number {
  const log = core.log, geo = core.geo;
  core.gfn = sgfn;
  log.frameEnter(Fr.applyChanges, geo.rootLevel, sgfn);
  if (op === LegacyOp.insert && !core.reportedTypes.has(type)) {
    const why = oldTypeApproximate(type);
    core.reportedTypes.add(type);
    if (why) core.diag('trace', 'info', `legacy strategy: ${why}`, sgfn);
  }
  const c: Call = { op, end: sgfn + nr, mfn, type, access, flush: false, freeQueue: [], step: 0 };
  let addr = sgfn, rc = 0;
  const rootSpan = geo.rootSpan;
  const path: number[] = [];
  // Simulator work budget (upstream's maxChunksPerCall): one step per loop, 4K at worst, so an
  // unaligned nr = 2^36 would otherwise run 2^36 steps. Stops with -ERESTART; an insert is then
  // undone below like any failed insert, so the state stays the pre-call one.
  const limit = core.cfg.maxChunksPerCall ?? MAX_CHUNKS_PER_CALL;
  let budget = limit;
  outer:
  while (addr < c.end) {
    if (budget-- <= 0) {
      core.diag('sim-work-budget', 'warning', `legacy apply_p2m_changes stopped at GFN 0x${addr.toString(16)} with 0x${(c.end - addr).toString(16)} pages left: ` +
        `over the simulator's budget of ${limit} steps per call (Xen would carry on)`, addr);
      rc = -ERESTART;
      break;
    }
    core.gfn = addr;
    // Concatenated root: the index one level above the root is masked to 9 bits (§6.1), so a
    // GFN beyond the IPA can wrap onto root page 0. Only k ≥ rootPages is refused.
    const k = Math.floor(addr / rootSpan) % 512;
    if (k >= geo.rootPages) { rc = -EINVAL; break; }
    if (k !== Math.floor(addr / rootSpan)) {
      core.diag('sim-gfn-beyond-ipa', 'warning', `legacy: GFN 0x${addr.toString(16)} wraps onto root page ${k} (root index masked to 9 bits)`, addr);
    }
    let tbl = k, level = geo.rootLevel;
    path.length = 0;
    for (;;) {
      path.push(tbl);
      log.frameEnter(Fr.applyOneLevel, level, addr);
      const r = applyOneLevel(core, c, tbl, level, addr);
      log.frameLeave(Fr.applyOneLevel, r < 0 ? r : 0);
      if (r < 0) { rc = r; break outer; }
      if (r === DESCEND) {
        core.store.read(tbl, levelIndex(level, addr));
        tbl = core.pageId(baseOf(core.store.lo, core.store.hi));
        level++;
        if (tbl < 0 || level > 3) { core.diag('assert-level', 'error', 'legacy: descended into a non-table', addr); rc = -EINVAL; break outer; }
        continue;
      }
      break; // progress
    }
    if (c.op === LegacyOp.remove) reclaimEmpty(core, c, path, addr);
    addr += c.step;
    if (c.mfn !== INVALID_MFN && c.op === LegacyOp.insert) c.mfn += c.step;
  }
  // End of the call: exactly one VMID-wide flush (and one IOMMU flush of the whole range),
  // then the queued table pages go back to the pool: freed only after the flush.
  if (c.flush) {
    core.forceFlush(Cause.legacyEnd);
    // The 2016 IOMMU call took no flags: 0 here.
    if (core.cfg.iommuEnabled) log.iommuFlush(sgfn, nr, 0);
  }
  for (const id of c.freeQueue) core.freePage(id);
  if (op === LegacyOp.insert && rc === 0) {
    // 2016: max_mapped_gfn was the exclusive end (sgfn + nr), not the last GFN.
    core.noteMappedRange(sgfn, sgfn + nr);
  }
  if (rc < 0 && op === LegacyOp.insert && addr !== sgfn) {
    // No partial result: undo [start, failure point) with a nested REMOVE (its own flush).
    applyP2mChanges(core, LegacyOp.remove, sgfn, addr - sgfn, INVALID_MFN, 0, 7);
  }
  log.frameLeave(Fr.applyChanges, rc);
  return rc;
}

function applyOneLevel(core: OldCore, c: Call, tbl: number, level: number, addr: number): number {
  const store = core.store;
  const idx = levelIndex(level, addr);
  store.read(tbl, idx);
  const oLo = store.lo, oHi = store.hi;
  const valid = oldValid(oLo);
  const size = levelSize(level);
  const toBoundary = size - (addr % size);
  const isTable = oldIsTable(oLo, level);
  switch (c.op) {
    case LegacyOp.insert: {
      const aligned = addr % size === 0 && c.mfn % size === 0;
      if (c.end - addr >= size && aligned && level !== 0 && (level === 3 || (!isTable && !core.memAccessEnabled))) {
        if (core.memAccessEnabled) {
          if (c.access === 7) { core.radix.delete(addr); core.log.radixDelete(addr); }
          else { core.radix.set(addr, c.access); core.log.radixSet(addr, c.access); }
        }
        if (valid && level === 3 && ((oHi >>> 23) & 0xf) === OldType.map_foreign) core.log.putPage(baseOf(oLo, oHi), 1);
        // In place, even over a valid entry: no break, no flush before the store.
        core.writePte(tbl, idx, oldLeafLo(c.mfn, c.type, c.access, level), oldLeafHi(c.mfn, c.type, c.access));
        if (valid) c.flush = true;
        else core.statMappings(level, 1);
        c.step = size;
        return 0;
      }
      if (!valid) return createTable(core, tbl, idx, level);
      if (!isTable) { c.flush = true; return shatter(core, tbl, idx, level, oLo, oHi); }
      return DESCEND;
    }
    case LegacyOp.remove:
    case LegacyOp.relinquish: {
      if (!valid) { c.step = toBoundary; return 0; }
      if (isTable) return DESCEND;
      if (level < 3 && c.op === LegacyOp.remove && !(addr % size === 0 && c.end - addr >= size)) {
        c.flush = true;
        return shatter(core, tbl, idx, level, oLo, oHi);
      }
      core.writePte(tbl, idx, 0, 0);
      c.flush = true;
      // "Reset radix": back to the default access, as upstream's removal does.
      if (core.memAccessEnabled) { core.radix.delete(addr); core.log.radixDelete(addr); }
      core.statMappings(level, -1);
      if (level === 3 && ((oHi >>> 23) & 0xf) === OldType.map_foreign) core.log.putPage(baseOf(oLo, oHi), 1);
      c.step = toBoundary;
      return 0;
    }
    case LegacyOp.memaccess: {
      if (!valid) { c.step = toBoundary; return 0; }
      if (isTable) return DESCEND;
      c.flush = true;
      if (level < 3) return shatter(core, tbl, idx, level, oLo, oHi);
      // Rewrite the permissions of the L3 page in place (same MFN and type).
      const m = baseOf(oLo, oHi), t = fromOldType((oHi >>> 23) & 0xf);
      core.writePte(tbl, idx, oldLeafLo(m, t, c.access, 3), oldLeafHi(m, t, c.access));
      if (c.access === 7) { core.radix.delete(addr); core.log.radixDelete(addr); }
      else { core.radix.set(addr, c.access); core.log.radixSet(addr, c.access); }
      c.step = 1;
      return 0;
    }
  }
  return -EINVAL;
}

/** Empty slot on the way down: a zeroed page linked in place (2016 table entry, type 0). */
function createTable(core: OldCore, tbl: number, idx: number, level: number): number {
  const log = core.log;
  log.frameEnter(Fr.createTable, level + 1, core.gfn);
  const id = core.allocPage(level + 1, 0);
  // 2016 allocated from the domain heap: failure is -ENOMEM (upstream's pool gives -ENOENT).
  if (id < 0) { log.frameLeave(Fr.createTable, -ENOMEM); return -ENOMEM; }
  const mfn = core.pageMfn(id);
  core.zeroTable(id, level + 1);
  log.tableZero(mfn);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  core.writePte(tbl, idx, oldTableLo(mfn), oldTableHi(mfn));
  log.frameLeave(Fr.createTable, 0);
  return DESCEND;
}

/**
 * p2m_shatter_page: a new page gets 512 copies of the block (raw stores, not yet live), then the
 * LIVE block entry is overwritten by the table entry, with no break and no flush in between.
 */
function shatter(core: OldCore, tbl: number, idx: number, level: number, lo: number, hi: number): number {
  const log = core.log;
  log.frameEnter(Fr.shatter, level, core.gfn);
  const id = core.allocPage(level + 1, 1);
  if (id < 0) { log.frameLeave(Fr.shatter, -ENOMEM); return -ENOMEM; }
  fillFromBlock(core, id, lo, hi, level);
  const mfn = core.pageMfn(id);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  core.writePte(tbl, idx, oldTableLo(mfn), oldTableHi(mfn));
  log.frameLeave(Fr.shatter, 0);
  return DESCEND;
}

/**
 * REMOVE only, after each address: walk back up the path; a table page left with no valid
 * entry is unlinked from its parent and queued for freeing. The parent's counter drops by one
 * although tables were never counted: a faithful drift (mappings[level-1] −1, §6.1).
 */
function reclaimEmpty(core: OldCore, c: Call, path: number[], addr: number): void {
  const geo = core.geo;
  for (let d = path.length - 1; d >= 1; d--) {
    const id = path[d];
    // Every non-zero entry of a 2016 page is valid (removals store 0): count = refcount.
    if (core.store.page(id).count !== 0) return;
    const parent = path[d - 1], plevel = geo.rootLevel + d - 1;
    core.writePte(parent, levelIndex(plevel, addr), 0, 0);
    core.statMappings(plevel, -1);
    core.unlinkedTables++;
    // Unlinked pages leave the `pages` list only when freed, after the flush.
    c.freeQueue.push(id);
    c.flush = true;
  }
}
