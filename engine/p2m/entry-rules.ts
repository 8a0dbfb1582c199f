// How __p2m_set_entry, the split and free-entry read and build descriptors. The BBM algorithm
// (§5.3–5.6) is the same in every Xen version since Sept 2016 (the xen-4.8 strategy); what
// changed over time (§10) is the encoding ("p2m-valid" = type ≠ 0 and typed tables, 2018-02)
// and a few small behaviours, each a named field here. Upstream's rules live here; the 2016
// ones (XEN48_RULES) in strategy/old-encoding.
import { isSuperpageLo, leafHi, leafLo, p2mValidHi, tableEntryHi, tableEntryLo } from '../arch/descriptor';
import { isForeignType, isRamType } from '../arch/types';

export interface EntryRules {
  /** "p2m-valid": type ≠ 0 since 2018-02 (2a654d3129); the hardware valid bit before. */
  valid(lo: number, hi: number): boolean;
  /** A leaf (page, or block above L3) of an entry already known to be valid. */
  isLeaf(lo: number, level: number): boolean;
  /** The table entry linking a new page (typed ram_rw since 2018-02, type 0 before). */
  tableLo(pageMfn: number): number;
  tableHi(pageMfn: number): number;
  /** A leaf descriptor for the caller's (current-numbering) type, in this version's encoding. */
  leafLo(mfn: number, type: number, access: number, level: number): number;
  leafHi(mfn: number, type: number, access: number): number;
  /** Type-field classes in this version's `p2m_type_t` numbering. */
  isRam(t: number): boolean;
  isForeign(t: number): boolean;
  /** Freeing a foreign 2M block drops its 512 page references (3e2121ce47, 2024-05). */
  readonly foreignBlockRefs: boolean;
  /** max_mapped_gfn is the inclusive end gfn + 2^order − 1 (6e8e163b46, XSA-301, 2019-10). */
  readonly maxMappedInclusive: boolean;
  /** A removal zeroes the entry even when it was not valid (a428b913a0, XSA-393, 2021-12). */
  readonly removalAlwaysZeroes: boolean;
  /** The replaced entry is freed after the IOMMU flush (6718787797, 2019-08; before it in 2016). */
  readonly freeAfterIommuFlush: boolean;
  /** The mem_access order-0 assert is skipped while dying (ce7d99d69f, 2017-01). */
  readonly memAccessAssertSparesDying: boolean;
  /**
   * Simulator checks modelled for upstream only: the split/create_table argument asserts, the
   * MFN-fits-PADDR assert and the "MFN 0 removal" drift reason. The xen-4.8 model never reported
   * them, and keeping its output unchanged is worth more than the extra diagnostics.
   */
  readonly upstreamChecks: boolean;
}

export const UPSTREAM_RULES: EntryRules = {
  valid: (_lo, hi) => p2mValidHi(hi),
  isLeaf: (lo, level) => level === 3 || isSuperpageLo(lo, level),
  tableLo: tableEntryLo,
  tableHi: tableEntryHi,
  leafLo,
  leafHi,
  isRam: isRamType,
  isForeign: isForeignType,
  foreignBlockRefs: true,
  maxMappedInclusive: true,
  removalAlwaysZeroes: true,
  freeAfterIommuFlush: true,
  memAccessAssertSparesDying: true,
  upstreamChecks: true,
};
