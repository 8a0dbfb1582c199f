// p2m_split_superpage (p2m-model.md §5.5): build the subtree replacing a block off-line.
// Recursive; allocation order for a 1G→4K split is the L2 page first, then the L3 page.
// The top reference is a local copy in __p2m_set_entry, so its store is not a page-table
// write (refPage = -1: the result lands in core.tmpLo/tmpHi). The encoding of the table
// entries comes from EntryRules, so the xen-4.8 strategy runs this same code.
import { baseOf, isSuperpageLo, withBaseHi, withBaseLo } from '../arch/descriptor';
import { levelIndex, levelSize } from '../arch/geometry';
import type { P2mCore } from './core';
import { ENOMEM } from './config';
import { type EntryRules, UPSTREAM_RULES } from './entry-rules';
import { Fr } from './event-log';

/**
 * Splits the block (lo, hi) at `level` down to `target`. Returns false when an allocation
 * failed; the reference still receives the (partial) table entry unless the very first
 * allocation failed, exactly as Xen does, so the caller can free the partial subtree.
 */
export function splitSuperpage(
  core: P2mCore, refPage: number, refIdx: number, lo: number, hi: number, level: number, target: number,
  rules: EntryRules = UPSTREAM_RULES,
): boolean {
  const log = core.log;
  log.frameEnter(Fr.split, level, core.gfn);
  if (rules.upstreamChecks && !(level < target && isSuperpageLo(lo, level))) {
    core.diag('assert-split', 'error', `split called at L${level} towards L${target} on a non-superpage`, core.gfn);
  }
  const id = core.allocPage(level + 1, 1);
  if (id < 0) {
    log.frameLeave(Fr.split, -ENOMEM);
    if (refPage < 0) { core.tmpLo = lo; core.tmpHi = hi; }
    return false;
  }
  const child = level + 1;
  fillFromBlock(core, id, lo, hi, level);
  let ok = true;
  if (child !== target) {
    const idx = levelIndex(child, core.gfn);
    core.store.read(id, idx);
    ok = splitSuperpage(core, id, idx, core.store.lo, core.store.hi, child, target, rules);
  }
  const mfn = core.pageMfn(id);
  if (core.cfg.cleanPte) log.tableClean(mfn);
  if (refPage >= 0) core.writePte(refPage, refIdx, rules.tableLo(mfn), rules.tableHi(mfn));
  else { core.tmpLo = rules.tableLo(mfn); core.tmpHi = rules.tableHi(mfn); }
  log.frameLeave(Fr.split, ok ? 0 : -ENOMEM);
  return ok;
}

/**
 * Fills the fresh page `id` (one level below `level`) with the 512 pieces of the block (lo, hi),
 * raw stores (the page is not linked yet), and moves the stats: one more shattered block, one
 * mapping at `level` becomes 512 one level down. Shared by the BBM split and legacy shatter.
 */
export function fillFromBlock(core: P2mCore, id: number, lo: number, hi: number, level: number): void {
  const child = level + 1;
  const step = levelSize(child);
  const base = baseOf(lo, hi);
  core.store.makeDense(id);
  // Child template: every bit copied, table bit = (child level is 3).
  const tLo = child === 3 ? (lo | 2) >>> 0 : (lo & ~2) >>> 0;
  for (let i = 0; i < 512; i++) {
    const m = base + i * step;
    core.writePte(id, i, withBaseLo(tLo, m), withBaseHi(hi, m), true);
  }
  core.statShattered(level, 1);
  core.statMappings(level, -1);
  core.statMappings(child, 512);
}
