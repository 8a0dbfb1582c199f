// p2m_free_entry (p2m-model.md §5.6): release what a replaced entry referenced. Leaves
// drop Xen's counter and their page references; tables recurse depth-first in index order,
// flush first if a flush is pending (the first freed table clears need_flush), then return
// the page to the pool tail without zeroing it. Encoding and the foreign-block rule come from
// EntryRules, so the xen-4.8 strategy runs this same code.
import { baseOf, typeOfHi } from '../arch/descriptor';
import type { P2mCore } from './core';
import { type EntryRules, UPSTREAM_RULES } from './entry-rules';
import { Cause, Fr } from './event-log';

export function freeEntry(core: P2mCore, lo: number, hi: number, level: number, top = true, rules: EntryRules = UPSTREAM_RULES): void {
  if (!rules.valid(lo, hi)) return;
  const log = core.log;
  const leaf = rules.isLeaf(lo, level);
  // Frames only for the top call and for tables: a 1G teardown visits 262k leaves.
  if (top || !leaf) log.frameEnter(Fr.freeEntry, level, core.gfn);
  if (leaf) {
    freeLeaf(core, lo, hi, level, rules);
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
  core.store.forEach(id, (_i, clo, chi) => { if (rules.valid(clo, chi)) entries.push(clo, chi); });
  const child = level + 1;
  for (let i = 0; i < entries.length; i += 2) {
    // A leaf below is what freeEntry(…, top = false) does for it (no frame), called here
    // directly: the recursive call is never inlined, and passing a descriptor half above 2^31
    // to it boxed a heap number (a 1G removal over tables frees 262k leaves).
    const clo = entries[i], chi = entries[i + 1];
    if (rules.isLeaf(clo, child)) freeLeaf(core, clo, chi, child, rules);
    else freeEntry(core, clo, chi, child, false, rules);
  }
  if (core.needFlush) core.forceFlush(Cause.preFree);
  core.freePage(id);
  log.frameLeave(Fr.freeEntry, 0);
}

/** A valid leaf's release: Xen's counter, the mapcache, and its page references. */
function freeLeaf(core: P2mCore, lo: number, hi: number, level: number, rules: EntryRules): void {
  const log = core.log;
  const t = typeOfHi(hi);
  if (rules.isRam(t) && core.cfg.hasIoreqServer) log.mapcacheInvalidate();
  core.statMappings(level, -1);
  const mfn = baseOf(lo, hi);
  if (level === 3) {
    if (rules.isForeign(t)) log.putPage(mfn, 1);
    else if (rules.isRam(t) && core.isXenheap(mfn)) log.xenheapGfnClear(mfn);
  } else if (level === 2 && rules.foreignBlockRefs && rules.isForeign(t)) {
    // Faithful: the whole 2M foreign block's 512 references are dropped.
    log.putPage(mfn, 512);
  }
}
