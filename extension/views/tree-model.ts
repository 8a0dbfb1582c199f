// View model of the "Guest Physical Address Space" tree: engine table pages → tree nodes.
// Pure (no vscode): it runs inside the session worker, and the TreeDataProvider only renders
// the serializable TreeNodeModel it returns. Children are computed lazily, one table page at
// a time, and runs of empty or uniformly mapped entries are coalesced into one node
// ("0x40200–0x7ffff: 511 × 2M ram_rw, MFN 0x100200+"), so a fully mapped 1 TB guest expands
// instantly. Hierarchy: domain → root pages → L0/L1 → L2 → L3 (p2m-model.md §2).

import {
  decodeDescriptor, describeMarkdown, entryKind, hex, levelOrder, levelSizeName, mattrName,
  permString, typeCategory, typeName, type DecodedDescriptor, type EntryKind, type TypeCategory,
} from './descriptor-fields';

/** What the tree needs from the engine for one domain; the session adapts the engine to it. */
export interface TableSource {
  readonly domain: number;
  readonly vmid: number;
  readonly ipaBits: number;
  readonly rootLevel: number;
  /** MFN of each concatenated root page, in order. */
  readonly rootMfns: readonly number[];
  /** Non-zero entries of one table page in ascending index order (sparse). */
  entries(tableMfn: number): ReadonlyArray<{ index: number; desc: bigint }>;
}

/**
 * Serializable identity of a node: enough to recompute its children without any cache,
 * so the worker stays stateless across replay steps. Ranges are entry indices in a page.
 */
export type TreeNodeKey =
  | { kind: 'domain'; domain: number }
  | { kind: 'root'; domain: number; root: number }
  /** A table page at `level` (its entries are level-`level` entries). */
  | { kind: 'table'; domain: number; level: number; mfn: number; gfn: number }
  /** A run of `count` leaf entries starting at `index` of page `mfn`. */
  | { kind: 'run'; domain: number; level: number; mfn: number; gfn: number; index: number; count: number }
  /** A grouping of many sibling nodes (only when a page would show > MAX_CHILDREN nodes). */
  | { kind: 'group'; domain: number; parent: TreeNodeKey; from: number; to: number }
  | { kind: 'leaf'; domain: number; level: number; mfn: number; gfn: number; index: number }
  | { kind: 'hole'; domain: number; level: number; gfn: number; count: number };

export type NodeCategory = TypeCategory | 'table' | 'hole' | 'domain' | 'root' | 'group';

/** Everything a tree item shows; the TreeDataProvider maps it 1:1 onto vscode.TreeItem. */
export interface TreeNodeModel {
  id: string;
  key: TreeNodeKey;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  category: NodeCategory;
  collapsible: boolean;
  /** Inclusive GFN range covered (hex strings: GFNs may exceed 2^32, cross JSON as hex). */
  gfnFirst: string;
  gfnLast: string;
  /** For leaf/run nodes: the raw descriptor of the first entry, and its level. */
  descriptor?: string;
  level?: number;
  /** vscode contextValue, drives which menu items apply. */
  contextValue: string;
}

export const MAX_CHILDREN = 64;

/** A node before grouping; shared by page expansion and run expansion. */
interface Item { model: TreeNodeModel; first: number; last: number }

export function domainNode(src: TableSource): TreeNodeModel {
  const top = rootSpan(src) * src.rootMfns.length - 1;
  return {
    id: `d${src.domain}`,
    key: { kind: 'domain', domain: src.domain },
    label: `Domain ${src.domain} (vmid ${src.vmid})`,
    description: `${src.ipaBits}-bit IPA, root L${src.rootLevel} × ${src.rootMfns.length}`,
    tooltip: `**Domain ${src.domain}**, VMID ${src.vmid}\n\n${src.ipaBits}-bit IPA, ${4 - src.rootLevel} levels, ` +
      `${src.rootMfns.length} concatenated root page(s) at L${src.rootLevel}`,
    category: 'domain', collapsible: true, gfnFirst: hex(0), gfnLast: hex(top), contextValue: 'p2m.domain',
  };
}

/** Number of GFNs one root page covers: 512 entries at the root level. */
function rootSpan(src: TableSource): number {
  return 2 ** (levelOrder(src.rootLevel) + 9);
}

export function childrenOf(src: TableSource, key: TreeNodeKey): TreeNodeModel[] {
  if (key.kind === 'domain') return src.rootMfns.map((mfn, root) => rootNode(src, root, mfn));
  if (key.kind === 'group') return itemsOf(src, key.parent).filter(c => inRange(c, key.from, key.to)).map(i => i.model);
  return group(src.domain, key, itemsOf(src, key));
}

/** Ungrouped children of a page-like node; groups re-filter these so ids stay identical. */
function itemsOf(src: TableSource, key: TreeNodeKey): Item[] {
  switch (key.kind) {
    case 'root': {
      const mfn = src.rootMfns[key.root];
      return mfn === undefined ? [] : pageItems(src, src.rootLevel, mfn, key.root * rootSpan(src));
    }
    case 'table': return pageItems(src, key.level, key.mfn, key.gfn);
    case 'run': return runItems(src, key);
    case 'domain': case 'group': case 'leaf': case 'hole': return [];
  }
}

function inRange(c: Item, from: number, to: number): boolean {
  return c.first >= from && c.last <= to;
}

function rootNode(src: TableSource, root: number, mfn: number): TreeNodeModel {
  const first = root * rootSpan(src);
  const last = first + rootSpan(src) - 1;
  const used = src.entries(mfn).length;
  return {
    id: `d${src.domain}/r${root}`,
    key: { kind: 'root', domain: src.domain, root },
    label: `Root page ${root}: L${src.rootLevel} table, MFN ${hex(mfn)}`,
    description: `GFN ${hex(first)}–${hex(last)}, ${used}/512 used`,
    tooltip: `**Root page ${root}** (L${src.rootLevel}) at MFN ${hex(mfn)}\n\nGFN ${hex(first)}–${hex(last)}`,
    category: 'root', collapsible: used > 0, gfnFirst: hex(first), gfnLast: hex(last), contextValue: 'p2m.root',
  };
}

/** Leaf entries coalesce when everything but the base matches and bases advance by the entry size. */
function sameRun(a: DecodedDescriptor, b: DecodedDescriptor, step: number, level: number): boolean {
  return entryKind(a, level) === entryKind(b, level) &&
    (a.raw & ~BASE_MASK) === (b.raw & ~BASE_MASK) && b.base === a.base + step;
}
const BASE_MASK = 0x0000fffffffff000n;

/** Coalesced items of one table page: holes, runs of leaves, and one node per table entry. */
function pageItems(src: TableSource, level: number, mfn: number, gfnBase: number): Item[] {
  const order = levelOrder(level);
  const size = 2 ** order;
  const entries = src.entries(mfn);
  const items: Item[] = [];
  let next = 0;                   // first index not yet covered
  const pushHole = (from: number, to: number) => {
    if (to < from) return;
    items.push(holeItem(src.domain, level, gfnBase + from * size, to - from + 1));
  };
  for (let i = 0; i < entries.length;) {
    const { index, desc } = entries[i];
    pushHole(next, index - 1);
    const d = decodeDescriptor(desc);
    const kind = entryKind(d, level);
    const gfn = gfnBase + index * size;
    if (kind === 'table') {
      items.push(tableItem(src, level, index, gfn, d));
      next = index + 1; i++;
      continue;
    }
    // Extend a run over consecutive indices with matching attributes and contiguous MFNs.
    let j = i + 1;
    let prev = d;
    while (j < entries.length && entries[j].index === entries[j - 1].index + 1) {
      const dj = decodeDescriptor(entries[j].desc);
      if (!sameRun(prev, dj, kind === 'invalid' ? 0 : size, level)) break;
      prev = dj; j++;
    }
    const count = j - i;
    items.push(count === 1
      ? leafItem(src.domain, level, mfn, index, gfn, d, kind)
      : runItem(src.domain, level, mfn, index, count, gfn, d, kind));
    next = index + count; i = j;
  }
  pushHole(next, 511);
  return items;
}

function runItems(src: TableSource, key: Extract<TreeNodeKey, { kind: 'run' }>): Item[] {
  const size = 2 ** levelOrder(key.level);
  const byIndex = new Map(src.entries(key.mfn).map(e => [e.index, e.desc]));
  const items: Item[] = [];
  for (let k = 0; k < key.count; k++) {
    const index = key.index + k;
    const desc = byIndex.get(index) ?? 0n;
    const d = decodeDescriptor(desc);
    const gfn = key.gfn + k * size;
    items.push(leafItem(src.domain, key.level, key.mfn, index, gfn, d, entryKind(d, key.level)));
  }
  return items;
}

function group(domain: number, parent: TreeNodeKey, items: Item[]): TreeNodeModel[] {
  if (items.length <= MAX_CHILDREN) return items.map(i => i.model);
  // Many siblings (e.g. 512 table entries): bucket them so a row list stays short and a
  // "reveal" path stays deterministic (buckets depend only on the page contents).
  const per = Math.ceil(items.length / Math.ceil(items.length / MAX_CHILDREN));
  const out: TreeNodeModel[] = [];
  for (let s = 0; s < items.length; s += per) {
    const chunk = items.slice(s, s + per);
    const from = chunk[0].first;
    const to = chunk[chunk.length - 1].last;
    out.push({
      id: `d${domain}/g${hex(from)}-${hex(to)}@${parentId(parent)}`,
      key: { kind: 'group', domain, parent, from, to },
      label: `${hex(from)}–${hex(to)}`,
      description: `${chunk.length} nodes`,
      tooltip: `GFN ${hex(from)}–${hex(to)}: ${chunk.length} nodes`,
      category: 'group', collapsible: true, gfnFirst: hex(from), gfnLast: hex(to), contextValue: 'p2m.group',
    });
  }
  return out;
}

function parentId(k: TreeNodeKey): string {
  switch (k.kind) {
    case 'domain': return `d${k.domain}`;
    case 'root': return `r${k.root}`;
    case 'table': return `t${k.level}:${hex(k.gfn)}`;
    case 'run': return `u${k.level}:${hex(k.gfn)}`;
    case 'group': return `g${hex(k.from)}`;
    case 'leaf': return `l${k.level}:${hex(k.gfn)}`;
    case 'hole': return `h${k.level}:${hex(k.gfn)}`;
  }
}

function holeItem(domain: number, level: number, gfn: number, count: number): Item {
  const last = gfn + count * 2 ** levelOrder(level) - 1;
  return {
    first: gfn, last,
    model: {
      id: `d${domain}/h${level}:${hex(gfn)}`,
      key: { kind: 'hole', domain, level, gfn, count },
      label: `${last === gfn ? hex(gfn) : `${hex(gfn)}–${hex(last)}`}: unmapped`,
      description: `${count} × ${levelSizeName(level)} empty`,
      tooltip: `${count} empty L${level} entries (GFN ${hex(gfn)}–${hex(last)})`,
      category: 'hole', collapsible: false, gfnFirst: hex(gfn), gfnLast: hex(last), contextValue: 'p2m.hole',
    },
  };
}

function tableItem(src: TableSource, level: number, index: number, gfn: number, d: DecodedDescriptor): Item {
  const last = gfn + 2 ** levelOrder(level) - 1;
  const used = src.entries(d.base).length;
  return {
    first: gfn, last,
    model: {
      // Keyed by position, not MFN, so the expansion state survives a table being replaced.
      id: `d${src.domain}/t${level + 1}:${hex(gfn)}`,
      key: { kind: 'table', domain: src.domain, level: level + 1, mfn: d.base, gfn },
      label: `${hex(gfn)}–${hex(last)}: L${level + 1} table, MFN ${hex(d.base)}`,
      description: `[${index}] ${used}/512 used${d.hwValid ? '' : ' · hw-invalid'}`,
      tooltip: `**L${level}[${index}] → L${level + 1} table**\n\n${describeMarkdown(d, level)}`,
      category: 'table', collapsible: used > 0, gfnFirst: hex(gfn), gfnLast: hex(last),
      descriptor: hex(d.raw), level, contextValue: 'p2m.table',
    },
  };
}

function leafText(d: DecodedDescriptor, kind: EntryKind): string {
  return kind === 'invalid' ? `invalid entry ${hex(d.raw)}` : typeName(d.type);
}

function leafDescription(d: DecodedDescriptor, kind: EntryKind): string {
  if (kind === 'invalid') return 'not p2m-valid';
  return `${permString(d)} · ${mattrName(d.mattr)}${d.hwValid ? '' : ' · hw-invalid'}`;
}

function leafItem(domain: number, level: number, mfn: number, index: number, gfn: number,
  d: DecodedDescriptor, kind: EntryKind): Item {
  const last = gfn + 2 ** levelOrder(level) - 1;
  const range = last === gfn ? hex(gfn) : `${hex(gfn)}–${hex(last)}`;
  const mfnText = kind === 'invalid' ? '' : `, MFN ${hex(d.base)}`;
  return {
    first: gfn, last,
    model: {
      id: `d${domain}/l${level}:${hex(gfn)}`,
      key: { kind: 'leaf', domain, level, mfn, gfn, index },
      label: `${range}: ${levelSizeName(level)} ${leafText(d, kind)}${mfnText}`,
      description: leafDescription(d, kind),
      tooltip: `**L${level}[${index}]** in table MFN ${hex(mfn)}, GFN ${range}\n\n${describeMarkdown(d, level)}`,
      category: kind === 'invalid' ? 'invalid' : typeCategory(d.type), collapsible: false,
      gfnFirst: hex(gfn), gfnLast: hex(last), descriptor: hex(d.raw), level, contextValue: 'p2m.leaf',
    },
  };
}

function runItem(domain: number, level: number, mfn: number, index: number, count: number, gfn: number,
  d: DecodedDescriptor, kind: EntryKind): Item {
  const last = gfn + count * 2 ** levelOrder(level) - 1;
  const mfnText = kind === 'invalid' ? '' : `, MFN ${hex(d.base)}+`;
  return {
    first: gfn, last,
    model: {
      id: `d${domain}/u${level}:${hex(gfn)}-${count}`,
      key: { kind: 'run', domain, level, mfn, gfn, index, count },
      label: `${hex(gfn)}–${hex(last)}: ${count} × ${levelSizeName(level)} ${leafText(d, kind)}${mfnText}`,
      description: leafDescription(d, kind),
      tooltip: `**L${level}[${index}..${index + count - 1}]** in table MFN ${hex(mfn)}: ${count} entries, ` +
        `MFNs contiguous from ${hex(d.base)}\n\nFirst entry:\n\n${describeMarkdown(d, level)}`,
      category: kind === 'invalid' ? 'invalid' : typeCategory(d.type), collapsible: true,
      gfnFirst: hex(gfn), gfnLast: hex(last), descriptor: hex(d.raw), level, contextValue: 'p2m.run',
    },
  };
}

/**
 * The chain of nodes from the domain down to the deepest node containing `gfn`, as the tree
 * shows them (groups included), for "Go to GFN…" reveal. Empty when the GFN is outside the
 * root pages.
 */
export function pathToGfn(src: TableSource, gfn: number): TreeNodeModel[] {
  const path: TreeNodeModel[] = [domainNode(src)];
  for (let depth = 0; depth < 16; depth++) {
    const cur = path[path.length - 1];
    if (!cur.collapsible) break;
    const next = childrenOf(src, cur.key).find(c => Number(c.gfnFirst) <= gfn && gfn <= Number(c.gfnLast));
    if (!next) break;
    path.push(next);
  }
  return path.length > 1 ? path : [];
}
