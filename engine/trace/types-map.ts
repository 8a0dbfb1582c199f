// Numeric p2m types in trace records → Arm type names (trace-formats §5.1).
// The same number means different things per architecture (x86: 0 = ram_rw, 1 = invalid;
// Arm: 0 = invalid, 1 = ram_rw) and per Arm release (4.8–4.11 vs 4.12+), so readers must be
// told which numbering applies. An x86 record is replayed on the Arm model by name where a
// counterpart exists; where none exists we pick the nearest Arm behaviour and say so.

import { ARM_P2M_TYPES, ArmP2mType } from './records';

export type TraceArch = 'arm' | 'x86';
/** Arm `p2m_type_t` numbering: 4.12 and later (current) or 4.8–4.11. */
export type ArmNumbering = '4.12' | '4.8';

export const X86_P2M_TYPES = [
  'ram_rw', 'invalid', 'ram_logdirty', 'ram_ro', 'mmio_dm', 'mmio_direct', 'populate_on_demand',
  'grant_map_rw', 'grant_map_ro', 'ram_paging_out', 'ram_paged', 'ram_paging_in', 'ram_shared',
  'ram_broken', 'map_foreign', 'ioreq_server',
] as const;

const ARM_4_8: readonly ArmP2mType[] = [
  'invalid', 'ram_rw', 'ram_ro', 'mmio_direct_dev', 'mmio_direct_nc', 'mmio_direct_c',
  'map_foreign_rw', // 4.8–4.11 had a single map_foreign type; _rw is its behaviour today
  'grant_map_rw', 'grant_map_ro', 'iommu_map_rw', 'iommu_map_ro',
];

/**
 * x86 name → Arm counterpart. `exact` = same meaning on Arm. Otherwise `arm` is the nearest
 * Arm behaviour: types that x86 writes with INVALID_MFN and that map nothing in hardware
 * (PoD, emulated MMIO, paged-out) become removals on Arm; write-protected RAM variants
 * become ram_ro.
 */
const X86_TO_ARM: Record<(typeof X86_P2M_TYPES)[number], { arm: ArmP2mType; exact: boolean }> = {
  ram_rw: { arm: 'ram_rw', exact: true },
  invalid: { arm: 'invalid', exact: true },
  ram_logdirty: { arm: 'ram_ro', exact: false },
  ram_ro: { arm: 'ram_ro', exact: true },
  mmio_dm: { arm: 'invalid', exact: false },
  mmio_direct: { arm: 'mmio_direct_dev', exact: true },
  populate_on_demand: { arm: 'invalid', exact: false },
  grant_map_rw: { arm: 'grant_map_rw', exact: true },
  grant_map_ro: { arm: 'grant_map_ro', exact: true },
  ram_paging_out: { arm: 'ram_ro', exact: false },
  ram_paged: { arm: 'invalid', exact: false },
  ram_paging_in: { arm: 'invalid', exact: false },
  ram_shared: { arm: 'ram_ro', exact: false },
  ram_broken: { arm: 'invalid', exact: false },
  map_foreign: { arm: 'map_foreign_rw', exact: true },
  ioreq_server: { arm: 'ram_ro', exact: false },
};

export interface MappedType {
  /** Index into ARM_P2M_TYPES, or -1 when the number is unknown for this numbering. */
  arm: number;
  /** Name in the source numbering (x86 or Arm-release name). */
  sourceName: string;
  /** Non-empty when the mapping is approximate (x86 type without Arm counterpart). */
  note?: string;
}

/**
 * Precomputed lookup table: numeric type (0..15) → mapping. Built once per reader so the
 * binary hot path is one array index.
 */
export function typeTable(arch: TraceArch, numbering: ArmNumbering = '4.12'): MappedType[] {
  const out: MappedType[] = [];
  for (let v = 0; v < 16; v++) {
    if (arch === 'x86') {
      const name = X86_P2M_TYPES[v];
      const m = X86_TO_ARM[name];
      out.push({
        arm: ARM_P2M_TYPES.indexOf(m.arm), sourceName: name,
        note: m.exact ? undefined : `x86 type ${name} (${v}) has no Arm counterpart: replayed as ${m.arm}`,
      });
    } else {
      const names: readonly ArmP2mType[] = numbering === '4.8' ? ARM_4_8 : ARM_P2M_TYPES;
      const name = names[v];
      out.push(name === undefined
        ? { arm: -1, sourceName: `type ${v}` }
        : { arm: ARM_P2M_TYPES.indexOf(name), sourceName: name });
    }
  }
  return out;
}

/** Arm type name → number in the requested numbering (for writers). -1 when not representable. */
export function armTypeToNumber(t: ArmP2mType, arch: TraceArch, numbering: ArmNumbering = '4.12'): number {
  if (arch === 'x86') {
    // Reverse of the exact part of X86_TO_ARM; Arm-only types have no x86 number.
    for (const [name, m] of Object.entries(X86_TO_ARM)) {
      if (m.exact && m.arm === t) return X86_P2M_TYPES.indexOf(name as (typeof X86_P2M_TYPES)[number]);
    }
    return -1;
  }
  return (numbering === '4.8' ? ARM_4_8 : ARM_P2M_TYPES).indexOf(t);
}
