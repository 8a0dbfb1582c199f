// Read-only queries for views (tree, debugger, LSP, CLI): the decoded walk path of a GFN,
// every leaf in GFN order, coalesced regions, table page contents and children. None of
// them records events; they follow p2m-valid table entries like Xen's walkers.
import { baseOf, decode, type DescriptorFields, isSuperpageLo, p2mValidHi, toBig, typeOfHi, hwValidLo } from '../arch/descriptor';
import { levelIndex, levelSize, rootPageFor } from '../arch/geometry';
import type { P2mCore } from './core';
import { type EntryRules, UPSTREAM_RULES } from './entry-rules';

export interface WalkStep {
  level: number;
  /** Table page MFN holding the entry. */
  table: number;
  index: number;
  descriptor: bigint;
  fields: DescriptorFields;
}

/** Whether a walk goes on below the entry (lo, hi) found at `level`: the strategy's table test. */
export type DescendRule = (lo: number, hi: number, level: number) => boolean;

/** Upstream: a p2m-valid entry that is not a block (type != 0 marks p2m-valid since 2018). */
const upstreamDescends: DescendRule = (lo, hi, level) => p2mValidHi(hi) && !isSuperpageLo(lo, level);

/** The decoded walk path of `gfn`; the 2016 strategies pass their own table test. */
export function walk(core: P2mCore, gfn: number, descends: DescendRule = upstreamDescends): WalkStep[] {
  const out: WalkStep[] = [];
  const root = rootPageFor(core.geo, gfn);
  if (root < 0) return out;
  let tbl = root;
  for (let level = core.geo.rootLevel; level <= 3; level++) {
    const index = levelIndex(level, gfn);
    core.store.read(tbl, index);
    const lo = core.store.lo, hi = core.store.hi;
    const d = toBig(lo, hi);
    out.push({ level, table: core.pageMfn(tbl), index, descriptor: d, fields: decode(d) });
    if (level === 3 || !descends(lo, hi, level)) break;
    const id = core.pageId(baseOf(lo, hi));
    if (id < 0) break;
    tbl = id;
  }
  return out;
}

export interface Leaf { gfn: number; level: number; lo: number; hi: number }

/**
 * Visits every p2m-valid leaf whose GFN range intersects [from, to], ascending.
 * The visitor returns false to stop. `rules` decide validity and leaf-ness: the 2016
 * strategies walk the same tables by their own encoding (XEN48_RULES).
 */
export function forEachLeaf(core: P2mCore, from: number, to: number, fn: (gfn: number, level: number, lo: number, hi: number) => boolean | void,
  rules: Pick<EntryRules, 'valid' | 'isLeaf'> = UPSTREAM_RULES): void {
  const geo = core.geo;
  const span = geo.rootSpan;
  let stop = false;
  const visit = (id: number, level: number, base: number): void => {
    const size = levelSize(level);
    const entries: number[] = [];
    core.store.forEach(id, (i, lo, hi) => { entries.push(i, lo, hi); });
    for (let k = 0; k < entries.length && !stop; k += 3) {
      const g = base + entries[k] * size;
      if (g + size - 1 < from || g > to) continue;
      const lo = entries[k + 1], hi = entries[k + 2];
      if (!rules.valid(lo, hi)) continue;
      if (rules.isLeaf(lo, level)) { if (fn(g, level, lo, hi) === false) stop = true; continue; }
      const child = core.pageId(baseOf(lo, hi));
      if (child >= 0) visit(child, level + 1, g);
    }
  };
  for (let k = 0; k < geo.rootPages && !stop; k++) {
    if (k * span > to || (k + 1) * span - 1 < from) continue;
    visit(k, geo.rootLevel, k * span);
  }
}

export function leaves(core: P2mCore): Leaf[] {
  const out: Leaf[] = [];
  forEachLeaf(core, 0, Number.MAX_SAFE_INTEGER, (gfn, level, lo, hi) => { out.push({ gfn, level, lo, hi }); });
  return out;
}

export interface Region {
  gfn: number;
  count: number;   // GFNs
  mfn: number;
  type: number;
  access: number;
  level: number;
  /** hw-valid (false after set/way invalidation). */
  valid: boolean;
}

/** Coalesced runs of GFN→MFN with the same type, access, level and validity. */
export function regions(core: P2mCore, from = 0, to = Number.MAX_SAFE_INTEGER): Region[] {
  const out: Region[] = [];
  let cur: Region | undefined;
  const accessOf = (g: number) => core.memAccessEnabled ? (core.radix.get(g) ?? 7) : core.defaultAccess;
  forEachLeaf(core, from, to, (gfn, level, lo, hi) => {
    const size = levelSize(level), mfn = baseOf(lo, hi), type = typeOfHi(hi), valid = hwValidLo(lo);
    const access = level === 3 ? accessOf(gfn) : core.defaultAccess;
    if (cur && cur.gfn + cur.count === gfn && cur.mfn + cur.count === mfn && cur.type === type
      && cur.access === access && cur.level === level && cur.valid === valid) { cur.count += size; return; }
    cur = { gfn, count: size, mfn, type, access, level, valid };
    out.push(cur);
  });
  return out;
}

export interface TableEntryView {
  index: number;
  descriptor: bigint;
  /** First GFN the entry covers. */
  gfn: number;
  level: number;
  /** Child table MFN when the entry is a p2m-valid table. */
  child?: number;
}

export interface TablePageView { mfn: number; level: number; live: boolean; isRoot: boolean; entries: TableEntryView[] }

/**
 * The (sparse) entries of one table page, by MFN; undefined when it is not a p2m page.
 * Entry GFNs come from where the page is linked (meaningless for pages not live).
 */
export function tablePage(core: P2mCore, mfn: number, baseGfn?: number): TablePageView | undefined {
  const id = core.pageId(mfn);
  if (id < 0 || !core.store.has(id)) return undefined;
  const p = core.store.page(id);
  const base = baseGfn ?? p.baseGfn;
  const entries: TableEntryView[] = [];
  core.store.forEach(id, (index, lo, hi) => {
    const e: TableEntryView = { index, descriptor: toBig(lo, hi), gfn: base + index * levelSize(p.level), level: p.level };
    if (p.level < 3 && (lo & 2) !== 0 && p2mValidHi(hi)) e.child = baseOf(lo, hi);
    entries.push(e);
  });
  return { mfn, level: p.level, live: p.live, isRoot: id < core.geo.rootPages, entries };
}

/** Root pages' MFNs, in order (tree view roots). */
export function rootTables(core: P2mCore): number[] {
  const out: number[] = [];
  for (let k = 0; k < core.geo.rootPages; k++) out.push(core.pageMfn(k));
  return out;
}
