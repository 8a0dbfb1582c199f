// One place that decides how a loaded trace is sought: periodic snapshots + re-execution, or
// (machines with `logSeek`, see engine-machine.ts) a first pass without periodic snapshots and
// then log moves between a few checkpoints. Used by the debugger runtime and the UI session.

import type { ReplayMachine } from './backend';
import { Seeker } from './seeker';
import type { TimelineBuild } from './timeline';

function logSeeking(machine: ReplayMachine<unknown>): boolean {
  return machine.logSeek === true && machine.prepareSeekingSteps !== undefined;
}

/** Snapshot spacing of the first pass: none beyond op 0 when the machine seeks along its log. */
export function firstPassInterval(machine: ReplayMachine<unknown>, interval: number): number {
  return logSeeking(machine) ? 0x7fffffff : interval;
}
/** The first pass's event bound between snapshots (none when seeking along the log). */
export function firstPassMaxEvents(machine: ReplayMachine<unknown>, maxEvents: number): number {
  return logSeeking(machine) ? Infinity : maxEvents;
}

/** The seeker over a finished first pass (`interval` as asked by the caller). */
export function createSeeker<S>(machine: ReplayMachine<S>, b: TimelineBuild<S>, interval: number): Seeker<S> {
  const g = createSeekerSteps(machine, b, interval);
  for (;;) { const r = g.next(); if (r.done) return r.value; }
}

/** `createSeeker` yielding every few milliseconds of preparation (ReplayRuntime.load's slices). */
export function* createSeekerSteps<S>(machine: ReplayMachine<S>, b: TimelineBuild<S>, interval: number): Generator<void, Seeker<S>> {
  const n = b.timeline.opCount;
  if (logSeeking(machine)) {
    const plan = yield* machine.prepareSeekingSteps!(b.timeline.opStart, interval);
    const spacing = Math.max(interval, Math.ceil(n / Math.max(1, plan.snapshots.length)));
    return new Seeker(machine, plan.snapshots, spacing, n, plan.snapshotOps, plan.moves);
  }
  // After thinning the real spacing can be wider than `interval`: the seeker keys fine snapshots off the real one.
  const spacing = Math.max(interval, Math.ceil(n / Math.max(1, b.snapshots.length)));
  return new Seeker(machine, b.snapshots, spacing, n, b.snapshotOps);
}
