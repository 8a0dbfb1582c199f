// Per-domain p2m configuration and Xen error numbers. The upstream (current Xen) algorithm
// is the default `strategy`. 'xen-4.8' and 'legacy' are implemented in engine/strategy/ and
// built with `createP2m` (engine/strategy/create-p2m.ts): `new P2m` runs upstream and throws when asked for another.
import type { Arch } from '../arch/geometry';
import type { EventLog } from './event-log';

export type Strategy = 'upstream' | 'xen-4.8' | 'legacy';

export interface P2mConfig {
  arch: Arch;
  ipaBits: number;
  domid: number;
  vmid: number;
  vmidBits: 8 | 16;
  /** Free pool pages at creation, or 'unlimited' (heap fallback). */
  poolPages: number | 'unlimited';
  /** The hardware domain allocates table pages from the heap (no pool limit). */
  isHardwareDomain: boolean;
  iommuEnabled: boolean;
  /** The IOMMU shares the p2m tables (invalidateRoot is then not allowed, §8 row 13). */
  iommuSharesP2m: boolean;
  /** clean_pte: IOMMU enabled without coherent walk → dcache clean after every writePte. */
  cleanPte: boolean;
  /** mem_access_enabled at creation (Xen sets it on the first set_mem_access call). */
  memAccess: boolean;
  isDying: boolean;
  hasIoreqServer: boolean;
  /** MFN of pool page P0; P1, P2 … follow. 0x80010 reproduces the spec's G4 lookup example. */
  poolBaseMfn: number;
  /** MFN of root page 0 (naturally aligned to the root order). */
  rootBaseMfn: number;
  /** L3 RAM pages that are xenheap pages (removal clears their GFN). */
  xenheapMfns?: readonly number[];
  strategy: Strategy;
  /** Share one event log between domains; a new one is created otherwise. */
  log?: EventLog;
  /**
   * Simulator work budget: __p2m_set_entry chunks one p2m_set_entry call may run (default
   * MAX_CHUNKS_PER_CALL). Xen would grind through any nr; a hostile trace line with nr = 2^36
   * and an unaligned MFN is 2^28 4K chunks (~20 min, tens of GB here), so the call stops with
   * -ERESTART and a sim-work-budget diagnostic instead.
   */
  maxChunksPerCall?: number;
}

/** 4M chunks (16 GiB of 4K mappings in one call): ~15 s and ~400 MB of replay, at most. */
export const MAX_CHUNKS_PER_CALL = 2 ** 22;

export const DEFAULT_CONFIG: Omit<P2mConfig, 'log'> = {
  arch: 'arm64', ipaBits: 40, domid: 1, vmid: 1, vmidBits: 8, poolPages: 64, isHardwareDomain: false,
  iommuEnabled: false, iommuSharesP2m: false, cleanPte: false, memAccess: false, isDying: false,
  hasIoreqServer: false, poolBaseMfn: 0x80010, rootBaseMfn: 0x40000, strategy: 'upstream',
};

/** Xen errno values, returned negated like Xen. */
export const ENOENT = 2, ENOMEM = 12, EBUSY = 16, EINVAL = 22, EILSEQ = 84, ERESTART = 85;

export function errnoName(rc: number): string {
  switch (-rc) {
    case 0: return '0';
    case ENOENT: return '-ENOENT';
    case ENOMEM: return '-ENOMEM';
    case EBUSY: return '-EBUSY';
    case EINVAL: return '-EINVAL';
    case EILSEQ: return '-EILSEQ';
    case ERESTART: return '-ERESTART';
    default: return String(rc);
  }
}
