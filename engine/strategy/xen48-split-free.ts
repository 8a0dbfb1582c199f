// p2m_split_superpage and p2m_free_entry as the first BBM code had them (xen-4.8, Sept 2016):
// the same algorithm as upstream (p2m-model.md §5.5, §5.6) with the 2016 encoding: tables are
// linked with type-0 entries and "p2m-valid" is bit 0; foreign mappings are the single 2016
// map_foreign type; a foreign 2M block drops no references (that arrived in 2024).
import { baseOf, withBaseHi, withBaseLo } from '../arch/descriptor';
import { levelIndex, levelSize } from '../arch/geometry';
import { ENOMEM } from '../p2m/config';
import { Cause, Fr } from '../p2m/event-log';
import type { OldCore } from './old-core';
import { oldIsTable, oldTableHi, oldTableLo, oldValid, OldType } from './old-encoding';

/** Builds the subtree replacing a block off-line; result in core.tmpLo/tmpHi when refPage < 0. */
export function xen48Split(core: OldCore, refPage: number, refIdx: number, lo: number, hi: number, level: number, target: number): boolean {
  const log = core.log;
  log.frameEnter(Fr.split, level, core.gfn);
  const id = core.allocPage(level + 1, 1);
  if (id < 0) {
    log.frameLeave(Fr.split, -ENOMEM);
    if (refPage < 0) { core.tmpLo = lo; core.tmpHi = hi; }
    return false;
  }
  const child = level + 1, step = levelSize(child), base = baseOf(lo, hi);
  core.store.makeDense(id);
  const tLo = child === 3 ? (lo | 2) >>> 0 : (lo & ~2) >>> 0;
  for (let i = 0; i < 512; i++) {
    const m = base + i * step;
    core.writePte(id, i, withBaseLo(tLo, m), withBaseHi(hi, m), true);
  }
  core.statShattered(level, 1);
  core.statMappings(level, -1);
  core.statMappings(child, 512);
  let ok = true;
  if (child !== target) {
    const idx = levelIndex(child, core.gfn);
    core.store.read(id, idx);
    ok = xen48Split(core, id, idx, core.store.lo, core.store.hi, child, target);
  }
  const mfn = core.pageMfn(id);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  if (refPage >= 0) core.writePte(refPage, refIdx, oldTableLo(mfn), oldTableHi(mfn));
  else { core.tmpLo = oldTableLo(mfn); core.tmpHi = oldTableHi(mfn); }
  log.frameLeave(Fr.split, ok ? 0 : -ENOMEM);
  return ok;
}

/** p2m_free_entry with bit-0 validity; tables recurse, flush if pending, then free the page. */
export function xen48FreeEntry(core: OldCore, lo: number, hi: number, level: number, top = true): void {
  if (!oldValid(lo)) return;
  const log = core.log;
  const leaf = !oldIsTable(lo, level);
  if (top || !leaf) log.frameEnter(Fr.freeEntry, level, core.gfn);
  if (leaf) {
    const t = (hi >>> 23) & 0xf;
    if ((t === OldType.ram_rw || t === OldType.ram_ro) && core.cfg.hasIoreqServer) log.mapcacheInvalidate();
    core.statMappings(level, -1);
    const mfn = baseOf(lo, hi);
    if (level === 3) {
      if (t === OldType.map_foreign) log.putPage(mfn, 1);
      else if ((t === OldType.ram_rw || t === OldType.ram_ro) && core.isXenheap(mfn)) log.xenheapGfnClear(mfn);
    }
    if (top) log.frameLeave(Fr.freeEntry, 0);
    return;
  }
  const id = core.pageId(baseOf(lo, hi));
  if (id < 0) {
    core.diag('assert-free-entry', 'error', `freed table MFN 0x${baseOf(lo, hi).toString(16)} is not a p2m page`, core.gfn);
    log.frameLeave(Fr.freeEntry, 0);
    return;
  }
  const entries: number[] = [];
  core.store.forEach(id, (_i, clo, chi) => { if (oldValid(clo)) entries.push(clo, chi); });
  for (let i = 0; i < entries.length; i += 2) xen48FreeEntry(core, entries[i], entries[i + 1], level + 1, false);
  if (core.needFlush) core.forceFlush(Cause.preFree);
  core.freePage(id);
  log.frameLeave(Fr.freeEntry, 0);
}
