// View model of the "Regions" view: a flat list of coalesced mapped ranges (same type,
// permissions, memory attributes and level, contiguous GFNs and MFNs), optionally filtered by
// type, permissions and a search text. Pure: it walks a TableSource in ascending GFN order.

import type { RegionFilter, RegionRow } from '../session/view-data';
import { decodeDescriptor, entryKind, hex, levelOrder, mattrName, permString, typeName } from './descriptor-fields';
import type { TableSource } from './tree-model';

interface Open { gfn: number; last: number; mfn: number; nextMfn: number; level: number; count: number; type: string; perms: string; mattr: string }

export function collectRegions(src: TableSource, filter: RegionFilter, limit: number): { rows: RegionRow[]; truncated: boolean } {
  const rows: RegionRow[] = [];
  const types = filter.types && filter.types.length ? new Set(filter.types) : undefined;
  const perms = filter.perms?.replace(/-/g, '') ?? '';
  const text = filter.text?.trim().toLowerCase();
  let open: Open | undefined;
  let truncated = false;
  const flush = () => {
    if (!open) return;
    const row: RegionRow = {
      domain: src.domain, gfnFirst: hex(open.gfn), gfnLast: hex(open.last), mfnFirst: hex(open.mfn),
      level: open.level, count: open.count, type: open.type, perms: open.perms, mattr: open.mattr,
    };
    open = undefined;
    if (text && !regionText(row).includes(text)) return;
    if (rows.length >= limit) { truncated = true; return; }
    rows.push(row);
  };
  const visit = (mfn: number, level: number, base: number, depth: number): void => {
    const size = 2 ** levelOrder(level);
    for (const { index, desc } of src.entries(mfn)) {
      if (truncated) return;
      const d = decodeDescriptor(desc);
      const kind = entryKind(d, level);
      const gfn = base + index * size;
      if (kind === 'table') { if (depth < 4) visit(d.base, level + 1, gfn, depth + 1); continue; }
      if (kind !== 'block' && kind !== 'page') continue;
      const t = typeName(d.type);
      const p = permString(d);
      if (types && !types.has(t)) { flush(); continue; }
      if (perms && ![...perms].every(c => p.includes(c))) { flush(); continue; }
      const m = mattrName(d.mattr);
      if (open && open.last + 1 === gfn && open.nextMfn === d.base && open.type === t && open.perms === p &&
        open.mattr === m && open.level === level) {
        open.last = gfn + size - 1; open.nextMfn += size; open.count++;
        continue;
      }
      flush();
      open = { gfn, last: gfn + size - 1, mfn: d.base, nextMfn: d.base + size, level, count: 1, type: t, perms: p, mattr: m };
    }
  };
  const span = 2 ** (levelOrder(src.rootLevel) + 9);
  src.rootMfns.forEach((mfn, k) => visit(mfn, src.rootLevel, k * span, 0));
  flush();
  return { rows, truncated };
}

export function regionText(r: RegionRow): string {
  return `${r.gfnFirst}-${r.gfnLast} ${r.mfnFirst} ${r.type} ${r.perms} ${r.mattr} d${r.domain}`.toLowerCase();
}

/** "0x40000–0x7ffff → MFN 0x100000+: ram_rw rwx, 1 × 1G" */
export function regionLabel(r: RegionRow): string {
  const size = ['512G', '1G', '2M', '4K'][r.level] ?? `L${r.level}`;
  return `${r.gfnFirst}–${r.gfnLast} → MFN ${r.mfnFirst}${r.count > 1 ? '+' : ''}: ${r.type} ${r.perms}, ${r.count} × ${size}`;
}
