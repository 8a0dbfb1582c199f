// Stage-2 geometry for the 4 KiB granule (p2m-model.md §2): per-level order/index, the
// supported IPA rows (arm64 pa_range_info and the two arm32 rows), root level / order /
// concatenated root pages, the coarse root-page check, VTCR and VTTBR, boot log lines.

export const LPAE_ENTRIES = 512;

/** GFN bits below a level: order(l) = (3-l)*9. */
export function levelOrder(level: number): number { return (3 - level) * 9; }
const ORDER_SIZE = [2 ** 27, 2 ** 18, 2 ** 9, 1];
/** 2^order(level) as a number (GFN count covered by one entry). */
export function levelSize(level: number): number { return ORDER_SIZE[level]; }
/** index(l, gfn) = (gfn >> order(l)) & 511; gfn may exceed 2^32 so no bit ops on it. */
export function levelIndex(level: number, gfn: number): number {
  return modPow2(level === 3 ? gfn : Math.floor(gfn / ORDER_SIZE[level]), 512);
}

/**
 * x % d for a power of two d, identical to `%` for every double. Hot paths hold GFNs and MFNs
 * as doubles (they may exceed 2^32), and V8 compiles a double `%` into a call to fmod (~30 ns,
 * a quarter of a cache-local set_entry); for x > 0 the floor form is exact (division and
 * multiplication by 2^k are exact), so only the other cases (0, negative, NaN) use `%`.
 */
export function modPow2(x: number, d: number): number {
  return x > 0 ? x - Math.floor(x / d) * d : x % d;
}

/** 2 ** n, without the Math.pow call for the small integer orders of the hot paths. */
export function pow2(n: number): number {
  return n >= 0 && n < 31 && (n | 0) === n ? 1 << n : 2 ** n;
}
export function alignDown(gfn: number, order: number): number {
  const s = 2 ** order;
  return gfn - (gfn % s);
}

export type Arch = 'arm64' | 'arm32';

export interface IpaRow {
  arch: Arch;
  ipaBits: number;
  /** VTCR.PS (arm64 pa_range_info index); 0 on arm32. */
  ps: number;
  t0sz: number;  // the encoded 6-bit (arm64) / 4-bit signed (arm32) field value
  sl0: number;
  rootLevel: number;
  rootOrder: number;
  rootPages: number;
  vtcr: number;  // 8-bit VMID form
}

const ARM64_ROWS: IpaRow[] = [
  { arch: 'arm64', ipaBits: 32, ps: 0, t0sz: 32, sl0: 1, rootLevel: 1, rootOrder: 0, rootPages: 1, vtcr: 0x80003560 },
  { arch: 'arm64', ipaBits: 36, ps: 1, t0sz: 28, sl0: 1, rootLevel: 1, rootOrder: 0, rootPages: 1, vtcr: 0x8001355c },
  { arch: 'arm64', ipaBits: 40, ps: 2, t0sz: 24, sl0: 1, rootLevel: 1, rootOrder: 1, rootPages: 2, vtcr: 0x80023558 },
  { arch: 'arm64', ipaBits: 42, ps: 3, t0sz: 22, sl0: 1, rootLevel: 1, rootOrder: 3, rootPages: 8, vtcr: 0x80033556 },
  { arch: 'arm64', ipaBits: 44, ps: 4, t0sz: 20, sl0: 2, rootLevel: 0, rootOrder: 0, rootPages: 1, vtcr: 0x80043594 },
  { arch: 'arm64', ipaBits: 48, ps: 5, t0sz: 16, sl0: 2, rootLevel: 0, rootOrder: 0, rootPages: 1, vtcr: 0x80053590 },
];
// arm32: 40-bit uses T0SZ field 24 (4-bit signed -8 → IPA 32+8) and two concatenated L1 pages.
const ARM32_ROWS: IpaRow[] = [
  { arch: 'arm32', ipaBits: 32, ps: 0, t0sz: 0, sl0: 1, rootLevel: 1, rootOrder: 0, rootPages: 1, vtcr: 0x80003540 },
  { arch: 'arm32', ipaBits: 40, ps: 0, t0sz: 24, sl0: 1, rootLevel: 1, rootOrder: 1, rootPages: 2, vtcr: 0x80003558 },
];

export function supportedIpaBits(arch: Arch): number[] {
  return (arch === 'arm64' ? ARM64_ROWS : ARM32_ROWS).map(r => r.ipaBits);
}

/** Exact-match row lookup (Xen panics on no match → caller reports assert-setup). */
export function ipaRow(arch: Arch, ipaBits: number): IpaRow | undefined {
  return (arch === 'arm64' ? ARM64_ROWS : ARM32_ROWS).find(r => r.ipaBits === ipaBits);
}

export interface Geometry extends IpaRow {
  /** GFNs accepted by the root check: gfn >> (order(rootLevel)+9) < rootPages. */
  rootShift: number;
  /** GFNs covered by one root page: 2^rootShift. */
  rootSpan: number;
  rootLimitGfn: number;
  /** First GFN the hardware cannot reach: 2^(ipaBits-12). */
  ipaLimitGfn: number;
  vmidBits: 8 | 16;
}

export function makeGeometry(row: IpaRow, vmidBits: 8 | 16 = 8): Geometry {
  const rootShift = levelOrder(row.rootLevel) + 9;
  const vtcr = row.arch === 'arm64' && vmidBits === 16 ? row.vtcr + 0x80000 : row.vtcr;
  return {
    ...row, vtcr, rootShift, rootSpan: 2 ** rootShift, rootLimitGfn: row.rootPages * 2 ** rootShift,
    ipaLimitGfn: 2 ** (row.ipaBits - 12), vmidBits: row.arch === 'arm32' ? 8 : vmidBits,
  };
}

/** Root page k for a GFN, or -1 ("no table": callers return -EINVAL). No masking (§2.3). */
export function rootPageFor(g: Geometry, gfn: number): number {
  const k = Math.floor(gfn / g.rootSpan);
  return k < g.rootPages ? k : -1;
}

/** True when the root check accepts a GFN the configured IPA size cannot reach (§8 row 17). */
export function beyondIpa(g: Geometry, gfn: number): boolean {
  return gfn >= g.ipaLimitGfn && gfn < g.rootLimitGfn;
}

/** VTTBR = (vmid << 48) | root maddr (first root page). */
export function vttbr(vmid: number, rootMfn: number): bigint {
  return (BigInt(vmid) << 48n) | (BigInt(rootMfn) << 12n);
}

/** The two boot log lines (§2.2), without the `(XEN) ` prefix. */
export function bootLogLines(g: Geometry, paBits: number): string[] {
  const vtcrHex = g.vtcr.toString(16).padStart(g.arch === 'arm64' ? 16 : 8, '0');
  return [
    `P2M: ${g.ipaBits}-bit IPA with ${paBits}-bit PA and ${g.vmidBits}-bit VMID`,
    `P2M: ${4 - g.rootLevel} levels with order-${g.rootOrder} root, VTCR 0x${vtcrHex}`,
  ];
}
