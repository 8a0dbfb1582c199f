// The one typed record stream that every trace reader produces (xentrace binary, xenalyze
// text, Xen console logs, .p2mtrace). Records are plain data, independent of the engine:
// the replay maps them onto engine calls. Each record carries its source location.
//
// Numbers: GFNs/MFNs are JS numbers (they are < 2^53 for every real input: MFNs < 2^36 on
// arm64); the one exception, INVALID_MFN (all ones), is represented by the sentinel below.
// Descriptors (write_pte old/new) and TSCs are bigint.

/** Sentinel for Xen's INVALID_MFN (~0UL). Not a valid frame number; never do arithmetic on it. */
export const INVALID_MFN = -1;
/** The all-ones u64 as written into trace records for INVALID_MFN. */
export const INVALID_MFN_U64 = 0xffff_ffff_ffff_ffffn;

export function isInvalidMfn(mfn: number): boolean {
  return mfn === INVALID_MFN;
}

/** Arm `p2m_type_t` names without the `p2m_` prefix; index = value since Xen 4.12 (trace-formats §5.1). */
export const ARM_P2M_TYPES = [
  'invalid', 'ram_rw', 'ram_ro', 'mmio_direct_dev', 'mmio_direct_nc', 'mmio_direct_c',
  'map_foreign_rw', 'map_foreign_ro', 'grant_map_rw', 'grant_map_ro', 'iommu_map_rw', 'iommu_map_ro',
] as const;
export type ArmP2mType = (typeof ARM_P2M_TYPES)[number];

/** `p2m_access_t` names; index = Xen value (p2m-model §3.1). */
export const P2M_ACCESSES = ['n', 'r', 'w', 'rw', 'x', 'rx', 'wx', 'rwx', 'rx2rw', 'n2rwx', 'r_pw'] as const;
export type P2mAccess = (typeof P2M_ACCESSES)[number];

export function isArmP2mType(s: string): s is ArmP2mType {
  return (ARM_P2M_TYPES as readonly string[]).includes(s);
}
export function isP2mAccess(s: string): s is P2mAccess {
  return (P2M_ACCESSES as readonly string[]).includes(s);
}

/**
 * Where a record came from. Text formats: 1-based line and column plus the UTF-8 byte
 * offset of the line start + column. Binary: line = column = 0, byteOffset of the t_rec
 * header, and the CPU whose window held it.
 */
export interface TraceLoc {
  source: string;
  line: number;
  column: number;
  byteOffset: number;
  cpu?: number;
  /** Merge TSC (binary: own or inherited TSC) or console raw timestamp, when known. */
  tsc?: bigint;
  /** Seconds since trace start as printed by xenalyze or the console `boot` timestamp. */
  time?: number;
  /** xenalyze: the vCPU current on that CPU (`d<dom>v<vcpu>`); absent when printed as `?`. */
  curDomain?: number;
  curVcpu?: number;
}

/** Header directive: global replay configuration (must precede the first operation). */
export interface ConfigRecord {
  kind: 'config';
  ipaBits?: number;
  memAccess?: boolean;
  poolPages?: number | 'unlimited';
  cleanPte?: boolean;
  iommu?: boolean;
  arch?: 'arm64' | 'arm32';
  strategy?: string;
  loc: TraceLoc;
}

/** Declares or selects a domain; later lines without `d=` apply to it. One p2m per domid. */
export interface DomainRecord {
  kind: 'domain';
  domain: number;
  vmid?: number;
  poolPages?: number | 'unlimited';
  hardwareDomain?: boolean;
  loc: TraceLoc;
}

/** Where a type came from when it was translated (x86 xentrace → Arm name). */
export interface SourceType {
  arch: 'x86' | 'arm';
  value: number;
  name: string;
}

/** `p2m_set_entry(gfn, nr, mfn, t, a)`: one call under the p2m write lock. */
export interface SetEntryRecord {
  kind: 'setEntry';
  domain: number;
  gfn: number;
  nr: number;
  mfn: number; // INVALID_MFN for removals
  type: ArmP2mType;
  access: P2mAccess;
  /** Expected return code, when the source printed one (instrumented console line). */
  rc?: number;
  loc: TraceLoc;
}

/** One `__p2m_set_entry` chunk (xentrace: one record per chunk), in its own locked section. */
export interface SetAtOrderRecord {
  kind: 'setAtOrder';
  domain: number;
  gfn: number;
  order: number;
  mfn: number;
  type: ArmP2mType;
  access: P2mAccess;
  sourceType?: SourceType;
  loc: TraceLoc;
}

/** `lookup gfn=…`: query the p2m (p2m_get_entry) and show the result. */
export interface LookupRecord {
  kind: 'lookup';
  domain: number;
  gfn: number;
  loc: TraceLoc;
}

/** `expect gfn=… mfn=…`: assertion on p2m_get_entry's result at this point in the replay. */
export interface ExpectRecord {
  kind: 'expect';
  domain: number;
  gfn: number;
  mfn?: number;
  type?: ArmP2mType;
  access?: P2mAccess;
  order?: number;
  valid?: boolean;
  loc: TraceLoc;
}

/** `mem_access enable` or `mem_access gfn= nr= a=` (p2m_set_mem_access). */
export interface MemAccessRecord {
  kind: 'memAccess';
  domain: number;
  enable: boolean;
  gfn?: number;
  nr?: number;
  access?: P2mAccess;
  loc: TraceLoc;
}

export interface InvalidateRootRecord { kind: 'invalidateRoot'; domain: number; loc: TraceLoc }
export interface ResolveFaultRecord { kind: 'resolveFault'; domain: number; gfn: number; expect?: boolean; loc: TraceLoc }
export interface RelinquishRecord { kind: 'relinquish'; domain: number; loc: TraceLoc }

/** Low-level store into a table page (for checking a developer's own PTE write sequence). */
export interface WritePteRecord {
  kind: 'writePte';
  domain: number;
  table: number; // table page MFN
  index: number; // 0..511
  level?: number; // 0..3 when known
  old: bigint;
  new: bigint;
  loc: TraceLoc;
}
export interface TlbFlushRecord { kind: 'tlbFlush'; domain: number; vmid?: number; loc: TraceLoc }
export interface DsbRecord { kind: 'dsb'; domain: number; loc: TraceLoc }
export interface BeginLockRecord { kind: 'beginLock'; domain: number; loc: TraceLoc }
export interface EndLockRecord { kind: 'endLock'; domain: number; loc: TraceLoc }

/**
 * `p2m_dump_info` block: the engine's Xen counters must equal these at this point.
 * Arrays are indexed by level 0..3 like the engine's stats (level 0 is always 0 in the text).
 */
export interface CheckpointDumpInfoRecord {
  kind: 'checkpointDumpInfo';
  domain: number;
  vmid: number;
  mappings: [number, number, number, number];
  shattered: [number, number, number, number];
  loc: TraceLoc;
}

export interface LookupWalkLine {
  level: number;
  index: number;
  descriptor: bigint;
  loc: TraceLoc;
}

/** `dump_p2m_lookup` walk: the descriptors printed must equal the engine's walk. */
export interface CheckpointLookupRecord {
  kind: 'checkpointLookup';
  domain: number;
  ipa: bigint;
  rootMfn?: number;
  concatenatedRoot?: number;
  invalidRootOffset?: boolean;
  lines: LookupWalkLine[];
  loc: TraceLoc;
}

/** TRC_LOST_RECORDS / xenalyze `lost_records`: a gap the UI shows. */
export interface LostRecordsRecord {
  kind: 'lostRecords';
  cpu: number;
  count: number;
  domain: number;
  vcpu: number;
  firstTsc: bigint;
  loc: TraceLoc;
}

export type OtherMemEvent =
  | 'grantMap' | 'grantUnmap' | 'grantTransfer' | 'decreaseReservation'
  | 'podPopulate' | 'podZeroReclaim' | 'podSuperpageSplinter';

/** The other MEM-class records, kept for display; not replayed on the Arm model. */
export interface OtherMemRecord {
  kind: 'otherMem';
  event: OtherMemEvent;
  domain: number;
  gfn?: number;
  mfn?: number;
  order?: number;
  loc: TraceLoc;
}

/** Any other xentrace event, passed through undecoded. */
export interface OpaqueRecord {
  kind: 'opaque';
  event: number;
  words: number[];
  loc: TraceLoc;
}

export type TraceRecord =
  | ConfigRecord | DomainRecord | SetEntryRecord | SetAtOrderRecord | LookupRecord | ExpectRecord
  | MemAccessRecord | InvalidateRootRecord | ResolveFaultRecord | RelinquishRecord | WritePteRecord
  | TlbFlushRecord | DsbRecord | BeginLockRecord | EndLockRecord | CheckpointDumpInfoRecord
  | CheckpointLookupRecord | LostRecordsRecord | OtherMemRecord | OpaqueRecord;

export type TraceRecordKind = TraceRecord['kind'];

/** Replay configuration gathered from header directives (later values win). */
export interface TraceConfig {
  ipaBits?: number;
  memAccess?: boolean;
  poolPages?: number | 'unlimited';
  cleanPte?: boolean;
  iommu?: boolean;
  arch?: 'arm64' | 'arm32';
  strategy?: string;
}

/** Fold a config record into a config object. */
export function applyConfig(cfg: TraceConfig, r: ConfigRecord): TraceConfig {
  const out: TraceConfig = { ...cfg };
  if (r.ipaBits !== undefined) out.ipaBits = r.ipaBits;
  if (r.memAccess !== undefined) out.memAccess = r.memAccess;
  if (r.poolPages !== undefined) out.poolPages = r.poolPages;
  if (r.cleanPte !== undefined) out.cleanPte = r.cleanPte;
  if (r.iommu !== undefined) out.iommu = r.iommu;
  if (r.arch !== undefined) out.arch = r.arch;
  if (r.strategy !== undefined) out.strategy = r.strategy;
  return out;
}

/** Default domain for formats that do not name one (the spec's golden scenarios use domain 1). */
export const DEFAULT_DOMAIN = 1;
