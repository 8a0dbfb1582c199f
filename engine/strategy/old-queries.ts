// Read-only queries for the 2016 strategies: the same results as engine/p2m/get-entry.ts and
// queries.ts, but walking tables by the 2016 rules (bit 0 valid, type-0 table entries). Types
// are reported as CURRENT type values (converted from the 2016 enumeration) so views, `expect`
// lines and the strategy comparison name them the same way under every strategy; raw
// descriptors keep the 2016 value.
import { baseOf, toBig } from '../arch/descriptor';
import { alignDown, levelIndex, levelOrder, levelSize, rootPageFor } from '../arch/geometry';
import { INVALID_MFN, P2mType } from '../arch/types';
import type { P2mCore } from '../p2m/core';
import type { GetEntryResult } from '../p2m/get-entry';
import { forEachLeaf, walk } from '../p2m/queries';
import type { Leaf, Region, TableEntryView, TablePageView, WalkStep } from '../p2m/queries';
import { fromOldType, oldIsTable, oldValid, XEN48_RULES } from './old-encoding';

function accessOf(core: P2mCore, gfn: number): number {
  return core.memAccessEnabled ? (core.radix.get(gfn) ?? 7) : core.defaultAccess;
}

export function oldGetEntry(core: P2mCore, gfn: number): GetEntryResult {
  const geo = core.geo, store = core.store;
  const hole = (level: number): GetEntryResult =>
    ({ mfn: INVALID_MFN, type: P2mType.invalid, access: core.defaultAccess, order: levelOrder(level), valid: false, level });
  // max_mapped_gfn is an exclusive end in 2016 but the short-cut compares with '>' as upstream.
  if (gfn > core.maxMappedGfn) {
    let level = geo.rootLevel;
    for (; level < 3; level++) if (alignDown(gfn, levelOrder(level)) > core.maxMappedGfn) break;
    return hole(level);
  }
  const root = rootPageFor(geo, gfn);
  if (root < 0) return hole(geo.rootLevel);
  let tbl = root, level = geo.rootLevel;
  for (;;) {
    store.read(tbl, levelIndex(level, gfn));
    if (level === 3) break;
    if (!oldValid(store.lo)) return hole(level);
    if (!oldIsTable(store.lo, level)) break;
    const id = core.pageId(baseOf(store.lo, store.hi));
    if (id < 0) return hole(level);
    tbl = id; level++;
  }
  const lo = store.lo, hi = store.hi;
  if (!oldValid(lo)) return hole(level);
  return {
    mfn: baseOf(lo, hi) + (gfn % levelSize(level)), type: fromOldType((hi >>> 23) & 0xf), access: accessOf(core, gfn),
    order: levelOrder(level), valid: true, level,
  };
}

export function oldWalk(core: P2mCore, gfn: number): WalkStep[] {
  return walk(core, gfn, (lo, _hi, level) => oldIsTable(lo, level));
}

/** Every valid leaf intersecting [from, to], ascending, by the 2016 rules; the visitor returns false to stop. */
export function oldForEachLeaf(core: P2mCore, from: number, to: number, fn: (gfn: number, level: number, lo: number, hi: number) => boolean | void): void {
  forEachLeaf(core, from, to, fn, XEN48_RULES);
}

export function oldLeaves(core: P2mCore): Leaf[] {
  const out: Leaf[] = [];
  oldForEachLeaf(core, 0, Number.MAX_SAFE_INTEGER, (gfn, level, lo, hi) => { out.push({ gfn, level, lo, hi }); });
  return out;
}

export function oldRegions(core: P2mCore, from = 0, to = Number.MAX_SAFE_INTEGER): Region[] {
  const out: Region[] = [];
  let cur: Region | undefined;
  oldForEachLeaf(core, from, to, (gfn, level, lo, hi) => {
    const size = levelSize(level), mfn = baseOf(lo, hi), type = fromOldType((hi >>> 23) & 0xf), valid = true;
    const access = level === 3 ? accessOf(core, gfn) : core.defaultAccess;
    if (cur && cur.gfn + cur.count === gfn && cur.mfn + cur.count === mfn && cur.type === type
      && cur.access === access && cur.level === level) { cur.count += size; return; }
    cur = { gfn, count: size, mfn, type, access, level, valid };
    out.push(cur);
  });
  return out;
}

/** The entries of one table page; `child` set for 2016 table entries. GFNs from where it is linked. */
export function oldTablePage(core: P2mCore, mfn: number): TablePageView | undefined {
  const id = core.pageId(mfn);
  if (id < 0 || !core.store.has(id)) return undefined;
  const p = core.store.page(id);
  const entries: TableEntryView[] = [];
  core.store.forEach(id, (index, lo, hi) => {
    const e: TableEntryView = { index, descriptor: toBig(lo, hi), gfn: p.baseGfn + index * levelSize(p.level), level: p.level };
    if (oldIsTable(lo, p.level)) e.child = baseOf(lo, hi);
    entries.push(e);
  });
  return { mfn, level: p.level, live: p.live, isRoot: id < core.geo.rootPages, entries };
}
