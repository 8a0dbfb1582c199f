// p2m_get_entry (p2m-model.md §5.7): Xen's lookup, including the order of the hole it
// reports (the largest empty table slot, or the largest block lying wholly above
// max_mapped_gfn, found without any root-range check).
import { baseOf, hwValidLo, isSuperpageLo, p2mValidHi, typeOfHi } from '../arch/descriptor';
import { alignDown, levelIndex, levelOrder, levelSize, rootPageFor } from '../arch/geometry';
import { INVALID_MFN, P2mType } from '../arch/types';
import type { P2mCore } from './core';

export interface GetEntryResult {
  /** INVALID_MFN (-1) for a hole. */
  mfn: number;
  type: number;
  access: number;
  order: number;
  /** hw-valid (bit 0) of the entry found. */
  valid: boolean;
  /** Level the walk stopped at. */
  level: number;
}

export function getEntry(core: P2mCore, gfn: number): GetEntryResult {
  const geo = core.geo, store = core.store;
  const hole = (level: number): GetEntryResult =>
    ({ mfn: INVALID_MFN, type: P2mType.invalid, access: core.defaultAccess, order: levelOrder(level), valid: false, level });
  if (gfn > core.maxMappedGfn) {
    let level = geo.rootLevel;
    for (; level < 3; level++) if (alignDown(gfn, levelOrder(level)) > core.maxMappedGfn) break;
    return hole(level);
  }
  const root = rootPageFor(geo, gfn);
  if (root < 0) {
    core.diag('assert-root', 'error', `no root page for GFN 0x${gfn.toString(16)} ≤ max_mapped_gfn`, gfn);
    return hole(geo.rootLevel);
  }
  let tbl = root, level = geo.rootLevel;
  for (;;) {
    store.read(tbl, levelIndex(level, gfn));
    if (level === 3) break;
    if (!p2mValidHi(store.hi)) return hole(level);
    if (isSuperpageLo(store.lo, level)) break;
    const id = core.pageId(baseOf(store.lo, store.hi));
    if (id < 0) return hole(level);
    tbl = id; level++;
  }
  const lo = store.lo, hi = store.hi;
  if (!p2mValidHi(hi)) return hole(level);
  const access = core.memAccessEnabled ? (core.radix.get(gfn) ?? 7) : core.defaultAccess;
  return {
    mfn: baseOf(lo, hi) + (gfn % levelSize(level)), type: typeOfHi(hi), access,
    order: levelOrder(level), valid: hwValidLo(lo), level,
  };
}
