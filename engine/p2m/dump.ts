// Xen's console dumps (p2m-model.md §5.13): p2m_dump_info (debug key 'q') byte for byte,
// and dump_p2m_lookup (2013 – July 2025). Lines are returned without the `(XEN) ` prefix
// unless asked for.
import { hwValidLo, toBig } from '../arch/descriptor';
import { levelIndex } from '../arch/geometry';
import type { P2mCore } from './core';

/** Counters are unsigned in Xen but printed as signed 64-bit: drift shows as -1. */
function signed(n: number): string { return String(n); }

export function dumpInfoLines(core: P2mCore): string[] {
  if (core.mappings[0] !== 0 || core.shattered[0] !== 0) {
    core.diag('assert-dump-level0', 'error', 'BUG: level-0 mappings or shattered counters are non-zero');
  }
  const m = core.mappings, s = core.shattered;
  return [
    `p2m mappings for domain ${core.cfg.domid} (vmid ${core.cfg.vmid}):`,
    `  1G mappings: ${signed(m[1])} (shattered ${signed(s[1])})`,
    `  2M mappings: ${signed(m[2])} (shattered ${signed(s[2])})`,
    `  4K mappings: ${signed(m[3])}`,
  ];
}

export function dumpInfo(core: P2mCore, xenPrefix = false): string {
  return dumpInfoLines(core).map(l => (xenPrefix ? '(XEN) ' + l : l) + '\n').join('');
}

// Model of the frame table so "P2M @" prints a plausible page_info address: arm64 layout
// with 56-byte page_info entries indexed by MFN. Xen prints a virtual address we cannot
// know; tests compare only the rest of the dump.
const FRAMETABLE_VIRT_START = 0x0000_0200_0000_0000n;
const PAGE_INFO_SIZE = 56n;
const LEVEL_TAG = ['0TH', '1ST', '2ND', '3RD'];

/** printf("%#05lx"): 0x prefix except for zero, total width at least 5, zero-padded. */
function hashHex05(v: number): string {
  if (v === 0) return '00000';
  const h = v.toString(16);
  return '0x' + h.padStart(3, '0');
}

export function dumpLookupLines(core: P2mCore, ipa: bigint): string[] {
  const geo = core.geo;
  const gfn = Number(ipa >> 12n);
  const rootMfn = core.pageMfn(0);
  const out = [
    `dom${core.cfg.domid} IPA 0x${ipa.toString(16).padStart(16, '0')}`,
    `P2M @ ${(FRAMETABLE_VIRT_START + BigInt(rootMfn) * PAGE_INFO_SIZE).toString(16).padStart(16, '0')} mfn:${hashHex05(rootMfn)}`,
  ];
  let k = 0;
  if (geo.rootPages > 1) {
    // The concatenated root index is the (rootLevel-1) index, masked to 9 bits here.
    k = levelIndex(geo.rootLevel - 1, gfn);
    out.push(`Using concatenated root table ${k}`);
    if (k >= geo.rootPages) { out.push('Invalid root table offset'); return out; }
  }
  let tbl = k;
  for (let level = geo.rootLevel; level <= 3; level++) {
    const idx = levelIndex(level, gfn);
    core.store.read(tbl, idx);
    const lo = core.store.lo, hi = core.store.hi;
    out.push(`${LEVEL_TAG[level]}[0x${idx.toString(16).padStart(3, '0')}] = 0x${toBig(lo, hi).toString(16)}`);
    // The debug walker uses hardware bits: stop at bit0 = 0 or a block.
    if (level === 3 || !hwValidLo(lo) || (lo & 2) === 0) break;
    const id = core.pageId((lo >>> 12) + (hi & 0xffff) * 0x100000);
    if (id < 0) break;
    tbl = id;
  }
  return out;
}
