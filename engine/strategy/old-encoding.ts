// Descriptor encoding of the 2016 code (the `legacy` and `xen-4.8` strategies), p2m-model.md
// §3.1, §6.1 and §10: before 2018 "p2m-valid" was bit 0, table entries carried type 0 (so their
// attribute bits come from type invalid: write 0, xn 1), and the software type field used the
// 2016 enumeration. Leaves keep the hardware attributes of the type the caller asked for, so a
// workload translates to the same memory under every strategy; only bits 55–58 differ.
import { leafHi, leafLo } from '../arch/descriptor';
import { P2mType } from '../arch/types';
import type { EntryRules } from '../p2m/entry-rules';

/** 2016 `p2m_type_t` values (LEGACY_P2M_TYPE_NAMES order). */
export const enum OldType {
  invalid = 0, ram_rw = 1, ram_ro = 2, mmio_direct_nc_dev = 3, mmio_direct_c = 4, map_foreign = 5,
  grant_map_rw = 6, grant_map_ro = 7, iommu_map_rw = 8, iommu_map_ro = 9, max_real_type = 10,
}

// Current value → 2016 value. Model choices (no exact 2016 equivalent exists):
// - mmio_direct_dev is what 2016 called mmio_direct_nc (value 3, Device memory);
// - today's mmio_direct_nc (Normal non-cacheable) did not exist: it is stored as 3 too, with its
//   Normal-NC attributes (see OLD_TYPE_APPROXIMATE);
// - map_foreign_rw and map_foreign_ro both become the single 2016 map_foreign (5).
const TO_OLD = [0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 10, 10, 10, 10];
// 2016 value → the current type whose rights/attributes it had (map_foreign was read-write).
const FROM_OLD = [0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 12, 12, 12, 12, 12];

export function toOldType(current: number): number { return TO_OLD[current & 0xf]; }
export function fromOldType(old: number): number { return FROM_OLD[old & 0xf]; }

/** Current types the 2016 enumeration cannot tell apart from another one. */
export function oldTypeApproximate(current: number): string | undefined {
  if (current === P2mType.mmio_direct_nc) return 'mmio_direct_nc (Normal non-cacheable) did not exist in 2016; stored as 2016 value 3 (whose name then meant Device) with Normal-NC attributes';
  if (current === P2mType.map_foreign_ro) return 'map_foreign_ro did not exist in 2016; stored as the single 2016 map_foreign (5)';
  return undefined;
}

const TYPE_MASK_HI = 0x0780_0000; // bits 55–58 in the high word

/** leaf() with the 2016 type value in bits 55–58 (attributes and rights from the current type). */
export function oldLeafLo(mfn: number, currentType: number, access: number, level: number): number {
  return leafLo(mfn, currentType, access, level);
}
export function oldLeafHi(mfn: number, currentType: number, access: number): number {
  return ((leafHi(mfn, currentType, access) & ~TYPE_MASK_HI) | (toOldType(currentType) << 23)) >>> 0;
}

/** 2016 table entry: type 0, rights of type invalid (read 1, write 0, xn 1), e.g. 0x004000008001077F. */
export function oldTableLo(pageMfn: number): number { return leafLo(pageMfn, P2mType.invalid, 7, 3); }
export function oldTableHi(pageMfn: number): number { return leafHi(pageMfn, P2mType.invalid, 7); }

/** 2016 p2m-valid = hardware valid bit. */
export function oldValid(lo: number): boolean { return (lo & 1) !== 0; }
/** A table entry by the 2016 rules (valid, table bit, above L3). */
export function oldIsTable(lo: number, level: number): boolean { return level < 3 && (lo & 3) === 3; }
/** A leaf (block or page) by the 2016 rules. */
export function oldIsLeaf(lo: number, level: number): boolean {
  return (lo & 1) !== 0 && (level === 3 || (lo & 2) === 0);
}

/**
 * The rules of the first BBM code (xen-4.8, 2ef3e36ec7, Sept 2016), §10: bit-0 validity, type-0
 * table entries, the 2016 type numbering (a single map_foreign), no put_page for a foreign 2M
 * block (2024-05), end-exclusive max_mapped_gfn, removal stores 0 only over a valid entry, the
 * replaced entry freed before the IOMMU flush, the mem_access assert fires even while dying.
 */
export const XEN48_RULES: EntryRules = {
  valid: (lo) => oldValid(lo),
  isLeaf: (lo, level) => !oldIsTable(lo, level),
  tableLo: oldTableLo,
  tableHi: oldTableHi,
  leafLo: oldLeafLo,
  leafHi: oldLeafHi,
  isRam: (t) => t === OldType.ram_rw || t === OldType.ram_ro,
  isForeign: (t) => t === OldType.map_foreign,
  foreignBlockRefs: false,
  maxMappedInclusive: false,
  removalAlwaysZeroes: false,
  freeAfterIommuFlush: false,
  memAccessAssertSparesDying: false,
  upstreamChecks: false,
};
