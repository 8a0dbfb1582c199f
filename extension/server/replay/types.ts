// Data the live replay keeps per operation and answers queries with. Plain numbers: GFNs and
// MFNs are < 2^53; INVALID_MFN is −1 (engine/trace/records.ts), printed as all ones.
import type { EngineDiagnostic, FlushCause } from '../../../engine/p2m/events';

/** A run of `count` consecutive __p2m_set_entry chunks of one order, starting at `gfn`. */
export interface Chunk {
  gfn: number;
  order: number;
  count: number;
}

/** What one replayed record did (one entry per operation record, in replay order). */
export interface OpInfo {
  /** Running operation index (0-based) over the whole document. */
  index: number;
  recordIndex: number;
  /** 0-based line. */
  line: number;
  domain: number;
  /** Record kind ('setEntry', 'expect', …). */
  kind: string;
  /** GFN range the operation covers ([gfn, gfn + nr)); nr = 0 when none. */
  gfn: number;
  nr: number;
  mfn: number;
  rc: number;
  /** __p2m_set_entry chunks p2m_set_entry chooses for the call, as runs, in order. When rc ≠ 0
   *  the call stopped at some chunk (Xen does not roll back the earlier ones). */
  chunks: Chunk[];
  flushes: number;
  flushCauses: FlushCause[];
  tablesAllocated: number;
  tablesFreed: number;
  /** Xen stats change: mappings[0..3] then shattered[0..3]. */
  statDelta: number[];
  diags: EngineDiagnostic[];
  /** Checkpoint/expect result: undefined when not a checkpoint. */
  checkpoint?: { ok: boolean; detail: string };
}

export interface RegionView {
  gfn: number;
  count: number;
  mfn: number;
  type: string;
  access: string;
  level: number;
}

export interface LookupView {
  mfn: number;
  type: string;
  access: string;
  order: number;
  valid: boolean;
}

export interface WalkStepView {
  level: number;
  table: number;
  index: number;
  descriptor: bigint;
  decoded: string;
}

export interface StateView {
  domain: number;
  domains: number[];
  opIndex: number;
  stats: { mappings: [number, number, number, number]; shattered: [number, number, number, number] };
  maxMappedGfn: number;
  lowestMappedGfn: number;
  tlbFlushes: number;
  dumpInfo: string;
}
