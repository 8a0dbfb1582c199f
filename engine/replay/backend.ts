// The seam between the replay core and the p2m engine.
//
// The replay core (timeline, cursor, seeking, breakpoints) is written against these
// interfaces only; engine-machine.ts implements them over the real engine. Keeping the seam
// small lets the core be tested on its own and keeps engine internals out of the debugger.

import type { RawEventSink } from '../p2m/event-log';
import type { OpKind, P2mEvent, P2mEventKind } from '../p2m/events';
import type { TraceLoc } from '../trace/records';

/** Scalar argument values an operation shows in the Variables view and offers to conditions. */
export type OpArgValue = number | string | boolean | bigint;

/** One replayable operation of the loaded trace. */
export interface MachineOp {
  kind: OpKind;
  domain: number;
  loc: TraceLoc;
  /** Arguments (`gfn`, `nr`, `mfn`, `order`, `type`, `access`, …); INVALID_MFN is the string 'invalid'. */
  args: Readonly<Record<string, OpArgValue>>;
  /** Short human label, e.g. `p2m_set_entry gfn=0x40000 nr=0x40000 …`. */
  label: string;
}

/** Read-only view of the recorded event stream (the engine's columnar EventLog). */
export interface EventSource {
  readonly length: number;
  get(i: number): P2mEvent;
  kindAt(i: number): P2mEventKind;
  /** Raw fields of events [from, to) to a sink, no objects (the engine's log has it; consumers fall back to get). */
  feed?(sink: RawEventSink, from?: number, to?: number): void;
  /**
   * The op index of a log that numbers ops by their opBegin (the engine's EventLog has it): ops
   * begun so far, the event index of op's opBegin, and the index as opCount + 1 entries ending
   * at the event count (a view, no copy). A timeline whose opStart equals it shares it.
   */
  readonly opCount?: number;
  firstEventOfOp?(op: number): number;
  opIndexView?(): Uint32Array;
}

export interface LookupResult {
  /** Xen's get_entry result; mfn is -1 for INVALID_MFN. */
  mfn: number;
  type: string;
  access: string;
  order: number;
  valid: boolean;
}

export interface Region {
  gfn: number;
  count: number;
  mfn: number;
  type: string;
  access: string;
  level: number;
}

export interface PoolInfo { free: number; used: number; total: number | 'unlimited' }

/** State queries for one domain's p2m at the machine's current op boundary. */
export interface DomainView {
  readonly domain: number;
  readonly vmid: number;
  readonly rootLevel: number;
  /** MFNs of the (possibly concatenated) root pages, in order. */
  readonly rootMfns: readonly number[];
  /** Root page index for a GFN, or -1 when the coarse root check rejects it (callers get -EINVAL). */
  rootPageFor(gfn: number): number;
  /** The raw descriptor stored at `table[index]` (0n for an unknown page or an empty slot). */
  readEntry(table: number, index: number): bigint;
  /** Whether `mfn` is a table page (pool or root) currently in use. */
  isTablePage(mfn: number): boolean;
  lookup(gfn: number): LookupResult;
  regions(fromGfn: number, toGfn: number, limit: number): Region[];
  stats(): { mappings: number[]; shattered: number[] };
  trueCounts(): number[];
  maxMappedGfn(): number;
  /** -1 stands for ULONG_MAX (nothing mapped yet). */
  lowestMappedGfn(): number;
  needFlush(): boolean;
  pool(): PoolInfo;
  dumpInfo(): string;
}

/** Moves a machine's current state along the recorded event log (log-mover.ts). */
export interface LogMoves {
  /** opStart[i] = index of op i's first event (the timeline's). */
  readonly opStart: Uint32Array;
  /** From "before op from" to "before op to" (from < to), without executing. */
  forward(from: number, to: number): void;
  /** From "before op from" back to "before op to" (to < from). */
  backward(from: number, to: number): void;
}

/** How the seeker reaches any op: checkpoints to restore, and log moves when the machine has them. */
export interface SeekPlan<Snap> {
  snapshots: Snap[];
  /** Op of each snapshot, ascending; snapshots[0] is at op 0. */
  snapshotOps: Uint32Array;
  /** Absent: seek by restore + re-execution only. */
  moves?: LogMoves;
}

/**
 * A deterministic p2m machine over one loaded trace. `execute(i)` must be called with
 * consecutive op indices after `reset()` or `restore()` of a snapshot taken before op i.
 */
export interface ReplayMachine<Snap = unknown> {
  readonly ops: readonly MachineOp[];
  readonly events: EventSource;
  readonly domains: readonly number[];
  reset(): void;
  /** Run op `i`. With `record` its events are appended to `events`; without, nothing is logged. */
  execute(i: number, record: boolean): void;
  snapshot(): Snap;
  restore(s: Snap): void;
  view(domain: number): DomainView;
  /**
   * Findings of checkers that observed the recording pass (BBM checker, TLB model), with
   * the global event index where each was detected and its evidence events.
   */
  findings?(): readonly ExternalFinding[];
  /**
   * Log-driven seeking: when true, the first pass takes no periodic snapshots and
   * `prepareSeekingSteps` (run once right after it, yielding every few milliseconds so a load
   * can go in event-loop slices) returns the checkpoints and the log moves or time index.
   */
  readonly logSeek?: boolean;
  prepareSeekingSteps?(opStart: Uint32Array, fallbackInterval: number): Generator<void, SeekPlan<Snap>>;
}

export interface ExternalFinding {
  filter: 'bbm-violation' | 'stale-tlb';
  event: number;
  evidence: readonly number[];
  rule: string;
  message: string;
}
