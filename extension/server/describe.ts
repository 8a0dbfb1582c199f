// Human-readable text for descriptors and operation effects, shared by hover, the walk
// request and code lenses. Pure functions over engine/arch decoders and OpInfo.
import { decode } from '../../engine/arch/descriptor';
import { typeName } from '../../engine/arch/types';
import { formatPages, hex, orderName } from './format';
import type { OpInfo } from './replay/types';
import { chunkSummary } from './features/inlay-hints';

const SH = ['non-shareable', 'reserved', 'outer-shareable', 'inner-shareable'];
const MATTR: Record<number, string> = { 0x1: 'Device-nGnRE', 0x5: 'Normal NC', 0xf: 'Normal WB' };
const LEVEL_SIZE = ['512G', '1G', '2M', '4K'];

/** One-line decode; `level` (0..3) disambiguates table/block/page when known. */
export function describeDescriptor(d: bigint, level?: number): string {
  const f = decode(d);
  if (d === 0n) return 'empty (0)';
  const rights = `${f.read ? 'r' : '-'}${f.write ? 'w' : '-'}${f.xn ? '-' : 'x'}`;
  let kind: string;
  if (level === undefined) kind = f.table ? 'table or 4K page' : 'block';
  else if (level === 3) kind = f.table ? '4K page' : 'reserved (L3 with table bit 0)';
  else kind = f.table ? 'table' : `${LEVEL_SIZE[level]} block`;
  const parts = [`${kind} → mfn ${hex(f.base)}`, typeName(f.type), rights];
  if (!f.valid) parts.push('hw-invalid (bit0=0)');
  parts.push(MATTR[f.mattr] ?? `MemAttr ${hex(f.mattr)}`, SH[f.sh]);
  if (!f.af) parts.push('AF=0');
  if (f.contig) parts.push('contig');
  if (f.res11 || f.res48 || f.res53 || f.res59) parts.push('reserved bits set');
  return parts.join(' · ');
}

/** Markdown table of every field. */
export function descriptorTable(d: bigint): string {
  const f = decode(d);
  const rows: Array<[string, string, string]> = [
    ['0', 'valid', f.valid ? '1' : '0'], ['1', 'table', f.table ? '1' : '0'], ['2–5', 'mattr', `${hex(f.mattr)} ${MATTR[f.mattr] ?? ''}`],
    ['6', 'read (S2AP[0])', f.read ? '1' : '0'], ['7', 'write (S2AP[1])', f.write ? '1' : '0'], ['8–9', 'sh', `${f.sh} ${SH[f.sh]}`],
    ['10', 'af', f.af ? '1' : '0'], ['12–47', 'base (mfn)', hex(f.base)], ['52', 'contig', f.contig ? '1' : '0'],
    ['54', 'xn', f.xn ? '1' : '0'], ['55–58', 'type', `${f.type} ${typeName(f.type)}`],
  ];
  if (f.res11 || f.res48 || f.res53 || f.res59) rows.push(['11,48–51,53,59–63', 'reserved', 'non-zero']);
  return ['| bits | field | value |', '|---|---|---|', ...rows.map(r => `| ${r[0]} | ${r[1]} | ${r[2]} |`)].join('\n');
}

const STAT_NAMES = ['0', '1G', '2M', '4K'];

/** Markdown summary of what an operation did. */
export function describeOp(op: OpInfo): string {
  const lines: string[] = [`**Operation #${op.index}** (domain ${op.domain}) — rc ${op.rc}`];
  if (op.chunks.length > 0) {
    const first = op.chunks.slice(0, 6).map(c => `${hex(c.gfn)}: ${orderName(c.order)}×${c.count}`).join(', ');
    lines.push(`- chunks: ${chunkSummary(op.chunks)} (${first}${op.chunks.length > 6 ? ', …' : ''})${op.rc !== 0 ? ' — stopped at the failing chunk' : ''}`);
  }
  if (op.nr > 0) lines.push(`- range: ${hex(op.gfn)}..${hex(op.gfn + op.nr - 1)} (${formatPages(op.nr)})`);
  lines.push(`- table pages: +${op.tablesAllocated} / −${op.tablesFreed}`);
  lines.push(`- TLB flushes: ${op.flushes}${op.flushCauses.length ? ` (${op.flushCauses.join(', ')})` : ''}`);
  const stat: string[] = [];
  for (let l = 1; l <= 3; l++) if (op.statDelta[l]) stat.push(`${STAT_NAMES[l]} mappings ${op.statDelta[l] > 0 ? '+' : ''}${op.statDelta[l]}`);
  for (let l = 1; l <= 3; l++) if (op.statDelta[4 + l]) stat.push(`${STAT_NAMES[l]} shattered ${op.statDelta[4 + l] > 0 ? '+' : ''}${op.statDelta[4 + l]}`);
  if (stat.length) lines.push(`- stats: ${stat.join(', ')}`);
  if (op.checkpoint) lines.push(`- checkpoint: ${op.checkpoint.ok ? '✓ matches' : '✗ ' + op.checkpoint.detail}`);
  for (const d of op.diags) lines.push(`- ${d.severity}: ${d.message}`);
  return lines.join('\n');
}
