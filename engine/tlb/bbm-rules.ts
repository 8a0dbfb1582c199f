// Break-before-make rule vocabulary and the pure "does this change need BBM?" classifier
// (p2m-model.md §7). Works on u32 descriptor halves so the checker's hot path never builds a
// bigint. The rule ids and the Arm ARM citation live here once, so findings, diagnostics and
// the docs all name a rule the same way.
import { baseOf, isTableLo } from '../arch/descriptor';

/** Rule ids carried by every finding (`BbmFinding.rule`). */
export type BbmRule =
  | 'bbm-valid-change'      // valid→valid store that needs break-before-make
  | 'bbm-no-flush'          // break (valid→invalid) then make again with no TLB flush between
  | 'table-free-unflushed'  // table page freed / reused while walks through it may be cached
  | 'missing-clean'         // clean_pte on, store into a live table not followed by a cache clean
  | 'wasted-flush';         // TLB flush with nothing to invalidate (counted, not an error)

export const BBM_RULES: readonly BbmRule[] =
  ['bbm-valid-change', 'bbm-no-flush', 'table-free-unflushed', 'missing-clean', 'wasted-flush'];

/**
 * The section is numbered differently per Arm ARM edition (§7): D4.7.1 in DDI 0487A.j (the one
 * Xen cites), D5.10.1 in roughly B–H, chapter D8 "TLB maintenance" from I on. The title is the
 * stable part, so it is what we print first.
 */
export const ARM_ARM_BBM =
  'Arm ARM "Using break-before-make when updating translation table entries" (D4.7.1 in DDI 0487A.j; D5.10.1 in B–H; D8 TLB maintenance in I+)';
export const ARM_ARM_TLB =
  'Arm ARM "General TLB maintenance requirements" (the section holding D4.7.1 in DDI 0487A.j; numbering differs per edition)';
/**
 * clean_pte is Xen's answer to IOMMU walkers that do not snoop the data cache (p2m-model.md §4):
 * a store is visible to such a walker only after a clean to the point of coherency. Not a BBM
 * rule of the Arm ARM, so the citation says what it is.
 */
export const ARM_ARM_COHERENCY =
  'Xen clean_pte: table stores must be cleaned to the point of coherency when the IOMMU walk is not cache-coherent (Arm ARM: data cache maintenance, "DC CVAC")';

/** Why a valid→valid change needs BBM: a bit set, so one change can have several reasons. */
export const REASON_OUTPUT_ADDRESS = 1;
export const REASON_BLOCK_SIZE = 2;     // block↔table (split/merge) or page↔reserved at L3
export const REASON_MEMORY_TYPE = 4;    // MemAttr: Device↔Normal or cacheability
export const REASON_SHAREABILITY = 8;
export const REASON_CONTIGUOUS = 16;

export type BbmReason = 'output-address' | 'block-size' | 'memory-type' | 'shareability' | 'contiguous';

export function reasonNames(mask: number): BbmReason[] {
  const out: BbmReason[] = [];
  if (mask & REASON_OUTPUT_ADDRESS) out.push('output-address');
  if (mask & REASON_BLOCK_SIZE) out.push('block-size');
  if (mask & REASON_MEMORY_TYPE) out.push('memory-type');
  if (mask & REASON_SHAREABILITY) out.push('shareability');
  if (mask & REASON_CONTIGUOUS) out.push('contiguous');
  return out;
}

const MATTR_MASK_LO = 0x3c;      // bits 2–5
const SH_MASK_LO = 0x300;        // bits 8–9
const CONTIG_MASK_HI = 1 << 20;  // bit 52

/**
 * Reasons (bit set, 0 = none) why replacing `old` by `new` at `level` needs break-before-make,
 * assuming both are hw-valid. Permission bits (S2AP 6–7, XN 54), the Access Flag (10) and the
 * software bits (Xen's type, 55–58) never count: the architecture allows changing them in place.
 * Table descriptors ignore attribute bits in hardware, so two tables only differ by the next-level
 * address, and a block↔table change compares kinds only (a table pointer is not an output address).
 * FEAT_BBM relaxation is the checker's business: it needs the new subtree to decide.
 */
export function bbmReasons(oldLo: number, oldHi: number, newLo: number, newHi: number, level: number): number {
  const oldTable = isTableLo(oldLo, level), newTable = isTableLo(newLo, level);
  if (oldTable !== newTable) return REASON_BLOCK_SIZE;
  if (level === 3 && ((oldLo ^ newLo) & 2) !== 0) return REASON_BLOCK_SIZE;
  if (oldTable) return baseOf(oldLo, oldHi) !== baseOf(newLo, newHi) ? REASON_OUTPUT_ADDRESS : 0;
  let r = 0;
  if (baseOf(oldLo, oldHi) !== baseOf(newLo, newHi)) r |= REASON_OUTPUT_ADDRESS;
  if (((oldLo ^ newLo) & MATTR_MASK_LO) !== 0) r |= REASON_MEMORY_TYPE;
  if (((oldLo ^ newLo) & SH_MASK_LO) !== 0) r |= REASON_SHAREABILITY;
  if (((oldHi ^ newHi) & CONTIG_MASK_HI) !== 0) r |= REASON_CONTIGUOUS;
  return r;
}

/**
 * True when `new` is a table descriptor that a walk can follow or Xen considers linked:
 * level < 3, table bit set, and hw-valid or p2m-valid (set/way emulation clears bit 0 of tables
 * that stay linked; 2016 code stamped tables with type 0 but bit 0 set).
 */
export function linksTable(lo: number, hi: number, level: number): boolean {
  return isTableLo(lo, level) && ((lo & 1) !== 0 || (hi & 0x07800000) !== 0);
}

/** Architecturally visible translation difference (everything but the software type bits). */
export function translationDiffers(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  return aLo !== bLo || ((aHi ^ bHi) & ~0x07800000) !== 0;
}
