// Set/way emulation (p2m-model.md §5.10): invalidateRoot clears bit 0 of every hw-valid
// root entry (entries stay p2m-valid), and resolveTranslationFault re-validates one level
// per fault, invalidating the next table down first so the fault walks on level by level.
import { baseOf, hwValidLo, isTableLo, p2mValidHi } from '../arch/descriptor';
import { levelIndex, rootPageFor } from '../arch/geometry';
import type { P2mCore } from './core';
import { Fr } from './event-log';

/** p2m_invalidate_table: clear bit 0 of every hw-valid entry, then need_flush (always). */
export function invalidateTable(core: P2mCore, id: number): void {
  core.log.frameEnter(Fr.invalidateTable, core.store.page(id).level, core.gfn);
  const valid: number[] = [];
  core.store.forEach(id, (i, lo, hi) => { if (hwValidLo(lo)) valid.push(i, lo, hi); });
  for (let k = 0; k < valid.length; k += 3) core.writePte(id, valid[k], (valid[k + 1] & ~1) >>> 0, valid[k + 2]);
  core.setNeedFlush();
  core.log.frameLeave(Fr.invalidateTable, 0);
}

/** p2m_invalidate_root: every root page (post-2025 loop bound), under the write lock. */
export function invalidateRoot(core: P2mCore): void {
  core.log.frameEnter(Fr.invalidateRoot, core.geo.rootLevel, 0);
  if (core.cfg.iommuSharesP2m) core.diag('assert-invalidate-shared', 'error', 'invalidateRoot while the IOMMU shares the p2m');
  for (let k = 0; k < core.geo.rootPages; k++) invalidateTable(core, k);
  core.log.frameLeave(Fr.invalidateRoot, 0);
}

/** p2m_resolve_translation_fault body (caller holds the write lock). */
export function resolveTranslationFault(core: P2mCore, gfn: number): boolean {
  const store = core.store;
  core.gfn = gfn;
  core.log.frameEnter(Fr.resolveFault, core.geo.rootLevel, gfn);
  const done = (r: boolean) => { core.log.frameLeave(Fr.resolveFault, r ? 1 : 0); return r; };
  if (gfn > core.maxMappedGfn) return done(false);
  const root = rootPageFor(core.geo, gfn);
  if (root < 0) { core.diag('assert-root', 'error', `no root page for GFN 0x${gfn.toString(16)}`, gfn); return done(false); }
  let tbl = root, level = core.geo.rootLevel, idx = 0;
  for (;;) {
    idx = levelIndex(level, gfn);
    store.read(tbl, idx);
    if (level === 3 || !hwValidLo(store.lo) || !isTableLo(store.lo, level)) break;
    tbl = core.pageId(baseOf(store.lo, store.hi));
    level++;
  }
  const lo = store.lo, hi = store.hi;
  if (hwValidLo(lo)) return done(true);     // a racing BBM update already finished
  if (!p2mValidHi(hi)) return done(false);  // genuine fault
  if (isTableLo(lo, level)) invalidateTable(core, core.pageId(baseOf(lo, hi)));
  core.writePte(tbl, idx, (lo | 1) >>> 0, hi);
  return done(true);
}
