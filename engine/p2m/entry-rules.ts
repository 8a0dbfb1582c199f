// How the split / free-entry algorithms read and build descriptors. The algorithm (§5.5, §5.6)
// is the same in every Xen version modelled; what changed over time is the encoding (when
// "p2m-valid" became type ≠ 0 and tables got a type, 2018-02) and two small behaviours,
// each a named field here. Upstream's rules live here; the 2016 ones in strategy/old-encoding.
import { isSuperpageLo, p2mValidHi, tableEntryHi, tableEntryLo } from '../arch/descriptor';
import { isForeignType, isRamType } from '../arch/types';

export interface EntryRules {
  /** "p2m-valid": type ≠ 0 since 2018-02 (2a654d3129); the hardware valid bit before. */
  valid(lo: number, hi: number): boolean;
  /** A leaf (page, or block above L3) of an entry already known to be valid. */
  isLeaf(lo: number, level: number): boolean;
  /** The table entry linking a new page (typed ram_rw since 2018-02, type 0 before). */
  tableLo(pageMfn: number): number;
  tableHi(pageMfn: number): number;
  /** Type-field classes in this version's `p2m_type_t` numbering. */
  isRam(t: number): boolean;
  isForeign(t: number): boolean;
  /** Freeing a foreign 2M block drops its 512 page references (3e2121ce47, 2024-05). */
  readonly foreignBlockRefs: boolean;
  /** The split checks it was given a superpage above the target (upstream model only). */
  readonly checkSplitArgs: boolean;
}

export const UPSTREAM_RULES: EntryRules = {
  valid: (_lo, hi) => p2mValidHi(hi),
  isLeaf: (lo, level) => level === 3 || isSuperpageLo(lo, level),
  tableLo: tableEntryLo,
  tableHi: tableEntryHi,
  isRam: isRamType,
  isForeign: isForeignType,
  foreignBlockRefs: true,
  checkSplitArgs: true,
};
