// Descriptor decoding for display: turns one 64-bit stage-2 entry into the fields the tree,
// the regions view and tooltips show (p2m-model.md §1.1 bit layout, §3.1 type numbering).
// Pure and vscode-free so it runs in the session worker and in plain-Node unit tests.
// WHY a local decoder instead of engine/arch: the views only need a read-only projection,
// and keeping it here lets the tree model be tested before the engine API settles.

export const TYPE_NAMES = [
  'invalid', 'ram_rw', 'ram_ro', 'mmio_direct_dev', 'mmio_direct_nc', 'mmio_direct_c',
  'map_foreign_rw', 'map_foreign_ro', 'grant_map_rw', 'grant_map_ro', 'iommu_map_rw', 'iommu_map_ro',
] as const;

export type TypeName = typeof TYPE_NAMES[number] | `type_${number}`;

/** Coarse category that drives icons and colours. */
export type TypeCategory = 'ram' | 'mmio' | 'foreign' | 'grant' | 'iommu' | 'invalid';

export interface DecodedDescriptor {
  raw: bigint;
  hwValid: boolean;          // bit 0: used by the MMU
  tableBit: boolean;         // bit 1
  mattr: number;             // bits 2–5
  read: boolean;             // bit 6 (S2AP[0])
  write: boolean;            // bit 7 (S2AP[1])
  sh: number;                // bits 8–9
  af: boolean;               // bit 10
  base: number;              // bits 12–47: MFN (< 2^36, exact in a double)
  contig: boolean;           // bit 52
  xn: boolean;               // bit 54
  type: number;              // bits 55–58: Xen's software p2m type
  /** p2m-valid = software type != invalid (§1.3); Xen walks and counts by this. */
  p2mValid: boolean;
}

export function decodeDescriptor(raw: bigint): DecodedDescriptor {
  // Split into u32 halves once: cheaper than repeated bigint shifts when a page has 512 entries.
  const lo = Number(raw & 0xffffffffn);
  const hi = Number((raw >> 32n) & 0xffffffffn);
  const type = (hi >>> 23) & 0xf;
  return {
    raw,
    hwValid: (lo & 1) !== 0,
    tableBit: (lo & 2) !== 0,
    mattr: (lo >>> 2) & 0xf,
    read: (lo & 0x40) !== 0,
    write: (lo & 0x80) !== 0,
    sh: (lo >>> 8) & 3,
    af: (lo & 0x400) !== 0,
    base: (hi & 0xffff) * 0x100000 + (lo >>> 12),
    contig: (hi & (1 << 20)) !== 0,
    xn: (hi & (1 << 22)) !== 0,
    type,
    p2mValid: type !== 0,
  };
}

export type EntryKind = 'empty' | 'table' | 'block' | 'page' | 'invalid';

/**
 * What an entry is at a level (§1.2): a table below L3 when the table bit is set, a block or
 * page otherwise. `invalid` covers non-zero entries Xen does not treat as holding information
 * (type 0), and the reserved L3 encoding with table bit clear.
 */
export function entryKind(d: DecodedDescriptor, level: number): EntryKind {
  if (d.raw === 0n) return 'empty';
  if (!d.p2mValid) return 'invalid';
  if (level < 3) return d.tableBit ? 'table' : 'block';
  return d.tableBit ? 'page' : 'invalid';
}

export function typeName(type: number): TypeName {
  return type < TYPE_NAMES.length ? TYPE_NAMES[type] : `type_${type}`;
}

export function typeCategory(type: number): TypeCategory {
  if (type === 1 || type === 2) return 'ram';
  if (type >= 3 && type <= 5) return 'mmio';
  if (type === 6 || type === 7) return 'foreign';
  if (type === 8 || type === 9) return 'grant';
  if (type === 10 || type === 11) return 'iommu';
  return 'invalid';
}

/** Log2 of the number of 4K frames one entry at `level` maps (§2.1: order(l) = (3-l)*9). */
export function levelOrder(level: number): number {
  return (3 - level) * 9;
}

export function levelSizeName(level: number): string {
  return ['512G', '1G', '2M', '4K'][level] ?? `L${level}`;
}

/** "rwx"-style permission string; x means the entry is executable (xn clear). */
export function permString(d: DecodedDescriptor): string {
  return (d.read ? 'r' : '-') + (d.write ? 'w' : '-') + (d.xn ? '-' : 'x');
}

export function mattrName(mattr: number): string {
  switch (mattr) {
    case 0x1: return 'Device-nGnRE';
    case 0x5: return 'Normal NC';
    case 0xf: return 'Normal WB';
    default: return `MemAttr 0x${mattr.toString(16)}`;
  }
}

export function shName(sh: number): string {
  return ['non-shareable', 'reserved', 'outer', 'inner'][sh] ?? String(sh);
}

export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

/** Full 16-digit descriptor hex, as the dump lines print it. */
export function descHex(raw: bigint): string {
  return '0x' + raw.toString(16).padStart(16, '0');
}

/** Markdown table of every field: the tree tooltip and "Copy descriptor" use it. */
export function describeMarkdown(d: DecodedDescriptor, level: number): string {
  const kind = entryKind(d, level);
  const rows: Array<[string, string]> = [
    ['descriptor', '`' + descHex(d.raw) + '`'],
    ['kind', `L${level} ${kind}`],
    ['valid (bit 0)', d.hwValid ? '1 (hw-valid)' : '0'],
    ['table (bit 1)', d.tableBit ? '1' : '0'],
    ['mattr (2–5)', `0x${d.mattr.toString(16)} ${mattrName(d.mattr)}`],
    ['S2AP read/write (6–7)', `${d.read ? 'R' : '-'}${d.write ? 'W' : '-'}`],
    ['sh (8–9)', `${d.sh} ${shName(d.sh)}`],
    ['af (10)', d.af ? '1' : '0'],
    [kind === 'table' ? 'next table MFN' : 'MFN (12–47)', hex(d.base)],
    ['contig (52)', d.contig ? '1' : '0'],
    ['xn (54)', d.xn ? '1' : '0'],
    ['type (55–58)', `${d.type} ${typeName(d.type)}`],
  ];
  return '| field | value |\n|---|---|\n' + rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n');
}
