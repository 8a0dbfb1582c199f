// One place that decides how a loaded trace is sought: periodic snapshots + re-execution, or
// (machines with `logSeek`, see engine-machine.ts) a first pass without periodic snapshots and
// then log moves between a few checkpoints. Used by the debugger runtime and the UI session.

import type { ReplayMachine, SeekPlan } from './backend';
import { drain } from './drain';
import { Seeker } from './seeker';
import type { TimelineBuild } from './timeline';

/**
 * Snapshot every 1024 ops or 8192 events, whichever comes first. Measured with bench/seek.ts
 * on the current engine (~30–100 µs per re-executed op including copy-on-write page clones):
 * 2048/16384 gave a 90 ms worst seek, 1024/8192 about 43 ms, 512/4096 about 24 ms at +20%
 * memory. Seek cost scales with the engine's per-op speed, so these can grow when it improves.
 */
export const DEFAULT_SNAPSHOT_INTERVAL = 1024;
export const DEFAULT_MAX_EVENTS_PER_SNAPSHOT = 8192;
/**
 * At most 1024 snapshots whatever the trace length (each retains the table pages written in
 * its interval, ~1 MB on the 1M-op bench workload with the current table store).
 */
export const DEFAULT_MAX_SNAPSHOTS = 1024;

/** Snapshot bounds a caller asks for (the debugger's launch options, the UI session's settings). */
export interface FirstPassOptions {
  snapshotInterval?: number;
  maxEventsPerSnapshot?: number;
  /** Memory bound: snapshots are thinned (spacing doubled) beyond this count. */
  maxSnapshots?: number;
}

/**
 * The first pass's bounds for `opts` (defaults filled in): `interval` is the spacing asked for
 * (the seeker's), `passInterval` / `maxEvents` what the recording pass snapshots by — none
 * beyond op 0 when the machine seeks along its log.
 */
export function firstPassOf(machine: ReplayMachine<unknown>, opts: FirstPassOptions):
  { interval: number; passInterval: number; maxEvents: number; maxSnapshots: number } {
  const interval = Math.max(1, Math.floor(opts.snapshotInterval ?? DEFAULT_SNAPSHOT_INTERVAL));
  const onLog = logSeeking(machine);
  return {
    interval,
    passInterval: onLog ? 0x7fffffff : interval,
    maxEvents: onLog ? Infinity : opts.maxEventsPerSnapshot ?? DEFAULT_MAX_EVENTS_PER_SNAPSHOT,
    maxSnapshots: opts.maxSnapshots ?? DEFAULT_MAX_SNAPSHOTS,
  };
}

function logSeeking(machine: ReplayMachine<unknown>): boolean {
  return machine.logSeek === true && machine.prepareSeekingSteps !== undefined;
}

/** The seeker over a finished first pass (`interval` as asked by the caller). */
export function createSeeker<S>(machine: ReplayMachine<S>, b: TimelineBuild<S>, interval: number): Seeker<S> {
  return drain(createSeekerSteps(machine, b, interval));
}

/** `createSeeker` yielding every few milliseconds of preparation (ReplayRuntime.load's slices). */
export function* createSeekerSteps<S>(machine: ReplayMachine<S>, b: TimelineBuild<S>, interval: number): Generator<void, Seeker<S>> {
  const n = b.timeline.opCount;
  // The first pass's own snapshots (re-execution), or the machine's plan for seeking along its log.
  const plan: SeekPlan<S> = logSeeking(machine) ? yield* machine.prepareSeekingSteps!(b.timeline.opStart, interval) : b;
  // After thinning the real spacing can be wider than `interval`: the seeker keys fine snapshots off the real one.
  const spacing = Math.max(interval, Math.ceil(n / Math.max(1, plan.snapshots.length)));
  return new Seeker(machine, plan.snapshots, spacing, n, plan.snapshotOps, plan.moves);
}
