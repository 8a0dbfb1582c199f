// Text formatting shared by the debug console, hovers and the Variables view.
// Hex for frame numbers and descriptors (the Xen convention); decimal for counters.

import type { DescriptorFields } from '../arch/descriptor';
import { typeName } from '../arch/types';
import type { WalkStep } from './position-state';
import type { LookupResult, Region } from './backend';

export const hexn = (n: number): string => (n < 0 ? 'invalid' : '0x' + n.toString(16));
export const hex64 = (d: bigint): string => '0x' + d.toString(16).padStart(16, '0');
export const LEVEL_NAMES = ['L0', 'L1', 'L2', 'L3'];
export const SIZE_OF_ORDER: Record<number, string> = { 0: '4K', 9: '2M', 18: '1G', 27: '512G' };

export function permsText(f: DescriptorFields): string {
  return `${f.read ? 'r' : '-'}${f.write ? 'w' : '-'}${f.xn ? '-' : 'x'}`;
}

export function describeStep(s: WalkStep): string {
  const f = s.fields;
  const head = `${LEVEL_NAMES[s.level]} ${hexn(s.table)}[0x${s.index.toString(16).padStart(3, '0')}] = ${hex64(s.descriptor)}`;
  switch (s.role) {
    case 'invalid': return `${head}  (empty)`;
    case 'table': return `${head}  table → ${hexn(f.base)}${f.valid ? '' : ' (bit0 clear: set/way invalidated)'}`;
    default: return `${head}  ${s.role} mfn ${hexn(f.base)} ${typeName(f.type)} ${permsText(f)}${f.valid ? '' : ' (not hw-valid)'}`;
  }
}

export function describeLookup(gfn: number, r: LookupResult): string {
  if (r.mfn < 0) return `gfn ${hexn(gfn)}: not mapped (hole order ${r.order}, ${SIZE_OF_ORDER[r.order] ?? ''})`;
  return `gfn ${hexn(gfn)} → mfn ${hexn(r.mfn)} ${r.type} ${r.access} order ${r.order} (${SIZE_OF_ORDER[r.order] ?? '?'})${r.valid ? '' : ' not hw-valid'}`;
}

export function describeRegion(r: Region): string {
  return `${hexn(r.gfn)}..${hexn(r.gfn + r.count - 1)} → ${hexn(r.mfn)}..${hexn(r.mfn + r.count - 1)} ${r.type} ${r.access} ${LEVEL_NAMES[r.level]} (${r.count} pages)`;
}
