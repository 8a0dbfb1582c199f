// Stage-2 LPAE descriptor codec (p2m-model.md §1): decode/encode every field of the 64-bit
// entry, the kind predicates, and leaf()/tableEntry(). Hot paths hold a descriptor as two
// u32 halves (lo = bits 0–31, hi = bits 32–63) so no bigint is created per store; the
// bigint forms are for the public API and events.
import { accessRestriction, P2mAccessValue, P2mType, typeMemAttr, typeRights } from './types';

/** Every field of a descriptor, bit-exact (reserved fields kept so encode(decode(x)) === x). */
export interface DescriptorFields {
  valid: boolean;        // bit 0: hardware valid ("hw-valid")
  table: boolean;        // bit 1: table (L0–L2) / page (L3)
  mattr: number;         // bits 2–5
  read: boolean;         // bit 6, S2AP[0]
  write: boolean;        // bit 7, S2AP[1]
  sh: number;            // bits 8–9
  af: boolean;           // bit 10
  res11: boolean;        // bit 11, must be 0
  base: number;          // bits 12–47: output MFN / next-level table MFN
  res48: number;         // bits 48–51, must be 0 (no 52-bit OA)
  contig: boolean;       // bit 52, Xen never sets it
  res53: boolean;        // bit 53
  xn: boolean;           // bit 54
  type: number;          // bits 55–58: software p2m type (HW ignores)
  res59: number;         // bits 59–63
}

const TWO32 = 0x1_0000_0000;
const TWO20 = 0x10_0000;

// ---- u32-pair helpers (hot path) -------------------------------------------------------

export function loOf(d: bigint): number { return Number(d & 0xffff_ffffn); }
export function hiOf(d: bigint): number { return Number((d >> 32n) & 0xffff_ffffn); }
export function toBig(lo: number, hi: number): bigint { return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); }

/** hw-valid: bit 0 (TLB/IOMMU decisions, set/way, BBM "remove first"). */
export function hwValidLo(lo: number): boolean { return (lo & 1) !== 0; }
/** p2m-valid: software type ≠ 0 (walking, splitting, freeing, stats, lookups). */
export function typeOfHi(hi: number): number { return (hi >>> 23) & 0xf; }
export function p2mValidHi(hi: number): boolean { return (hi & 0x07800000) !== 0; }
/** Output / next-table MFN (bits 12–47); MFNs < 2^36 so a double is exact. */
export function baseOf(lo: number, hi: number): number { return (lo >>> 12) + (hi & 0xffff) * TWO20; }
export function isTableLo(lo: number, level: number): boolean { return level < 3 && (lo & 2) !== 0; }
export function isMappingLo(lo: number, level: number): boolean { return level === 3 ? (lo & 2) !== 0 : (lo & 2) === 0; }
export function isSuperpageLo(lo: number, level: number): boolean { return level < 3 && (lo & 2) === 0; }
/** Replace the base MFN of a (lo, hi) pair; the caller stores the two halves. */
// `mfn << 12` keeps bits 0–19 of the (integer part of the) MFN, exactly what `(mfn % 2^20) << 12`
// kept, without the double modulo V8 compiles into an fmod call.
export function withBaseLo(lo: number, mfn: number): number { return ((lo & 0xfff) | (mfn << 12)) >>> 0; }
export function withBaseHi(hi: number, mfn: number): number { return ((hi & 0xffff0000) | (Math.floor(mfn / TWO20) & 0xffff)) >>> 0; }

/** Permission bits 6, 7 (lo) and 54 (hi bit 22): "equal except permissions" masks them out. */
export const PERM_MASK_LO = 0xc0;
export const PERM_MASK_HI = 0x0040_0000;
export const PERM_MASK = 0x0040_0000_0000_00c0n;

// Leaf templates per (type, access), base 0, L3 page form. 16 types (4-bit field) × 11 accesses.
const TEMPLATE_LO = new Uint32Array(16 * 16);
const TEMPLATE_HI = new Uint32Array(16 * 16);
for (let t = 0; t < 16; t++) {
  for (let a = 0; a < 16; a++) {
    const { mattr, sh } = typeMemAttr(t);
    const rights = typeRights(t);
    const r = accessRestriction(a);
    let read = true, write = rights.write, xn = rights.xn;
    if (r.clearRead) read = false;
    if (r.clearWrite) write = false;
    if (r.setXn) xn = true;
    TEMPLATE_LO[t * 16 + a] = (1 | 2 | (mattr << 2) | (read ? 0x40 : 0) | (write ? 0x80 : 0) | (sh << 8) | 0x400) >>> 0;
    TEMPLATE_HI[t * 16 + a] = ((xn ? 0x0040_0000 : 0) | ((t & 0xf) << 23)) >>> 0;
  }
}

/** leaf() low half (§1.4). Level < 3 clears the table bit (block). mfn must be < 2^36. */
export function leafLo(mfn: number, type: number, access: number, level: number): number {
  const lo = TEMPLATE_LO[((type & 0xf) << 4) | (access & 0xf)] | (mfn << 12); // as withBaseLo
  return (level < 3 ? lo & ~2 : lo) >>> 0;
}
export function leafHi(mfn: number, type: number, access: number): number {
  return (TEMPLATE_HI[((type & 0xf) << 4) | (access & 0xf)] | (Math.floor(mfn / TWO20) & 0xffff)) >>> 0;
}
/** tableEntry(page) = leaf(page, ram_rw, rwx, 3): identical bits to a ram_rw 4K page. */
export function tableEntryLo(pageMfn: number): number { return leafLo(pageMfn, P2mType.ram_rw, P2mAccessValue.rwx, 3); }
export function tableEntryHi(pageMfn: number): number { return leafHi(pageMfn, P2mType.ram_rw, P2mAccessValue.rwx); }

// ---- bigint API --------------------------------------------------------------------------

export function leaf(mfn: number, type: number, access: number, level: number): bigint {
  return toBig(leafLo(mfn, type, access, level), leafHi(mfn, type, access));
}
export function tableEntry(pageMfn: number): bigint { return leaf(pageMfn, P2mType.ram_rw, P2mAccessValue.rwx, 3); }
export function hwValid(d: bigint): boolean { return (d & 1n) !== 0n; }
export function p2mValid(d: bigint): boolean { return ((d >> 55n) & 0xfn) !== 0n; }
export function isTable(d: bigint, level: number): boolean { return isTableLo(loOf(d), level); }
export function isMapping(d: bigint, level: number): boolean { return isMappingLo(loOf(d), level); }
export function isSuperpage(d: bigint, level: number): boolean { return isSuperpageLo(loOf(d), level); }
export function clearPerm(d: bigint): bigint { return d & ~PERM_MASK; }

export function decode(d: bigint): DescriptorFields {
  const lo = loOf(d), hi = hiOf(d);
  return {
    valid: (lo & 1) !== 0,
    table: (lo & 2) !== 0,
    mattr: (lo >>> 2) & 0xf,
    read: (lo & 0x40) !== 0,
    write: (lo & 0x80) !== 0,
    sh: (lo >>> 8) & 3,
    af: (lo & 0x400) !== 0,
    res11: (lo & 0x800) !== 0,
    base: baseOf(lo, hi),
    res48: (hi >>> 16) & 0xf,
    contig: (hi & (1 << 20)) !== 0,
    res53: (hi & (1 << 21)) !== 0,
    xn: (hi & (1 << 22)) !== 0,
    type: (hi >>> 23) & 0xf,
    res59: (hi >>> 27) & 0x1f,
  };
}

export function encode(f: DescriptorFields): bigint {
  const lo = ((f.valid ? 1 : 0) | (f.table ? 2 : 0) | ((f.mattr & 0xf) << 2) | (f.read ? 0x40 : 0) | (f.write ? 0x80 : 0)
    | ((f.sh & 3) << 8) | (f.af ? 0x400 : 0) | (f.res11 ? 0x800 : 0) | ((f.base % TWO20) << 12)) >>> 0;
  const hi = ((Math.floor(f.base / TWO20) & 0xffff) | ((f.res48 & 0xf) << 16) | (f.contig ? 1 << 20 : 0)
    | (f.res53 ? 1 << 21 : 0) | (f.xn ? 1 << 22 : 0) | ((f.type & 0xf) << 23) | ((f.res59 & 0x1f) << 27)) >>> 0;
  return toBig(lo, hi);
}

/** Bits that must be zero in anything Xen writes (§8 row 20): 11 is not checked (tables ignore it). */
export function reservedBitsSetHi(hi: number): boolean {
  return (hi & (0xf << 16 | 1 << 20 | 1 << 21 | 0x1f << 27)) !== 0;
}

/** 16-digit lowercase hex of a descriptor, with 0x (JSON form of 64-bit values). */
export function hex64(d: bigint): string { return '0x' + d.toString(16).padStart(16, '0'); }
/** Exact number of a u32 pair, for values known to be < 2^53. */
export function pairToNumber(lo: number, hi: number): number { return (hi >>> 0) * TWO32 + (lo >>> 0); }
