// The timeline over one loaded trace: operations, their source lines and their event ranges.
//
// Built by one full recording pass over the machine (the "first pass"), which also takes the
// periodic snapshots the seeker restores from. Per-op data lives in typed arrays so a
// 1M-operation trace costs a few MB here; the events themselves stay in the engine's log.

import type { MachineOp, ReplayMachine } from './backend';
import { drain } from './drain';
import { tableOf } from './op-table';

export interface TimelineBuild<Snap> {
  timeline: Timeline;
  /** snapshots[k] is the machine state before op snapshotOps[k]. */
  snapshots: Snap[];
  /** Op index of each snapshot, ascending (k * interval unless `maxEvents` cut an interval short). */
  snapshotOps: Uint32Array;
}

/**
 * The op among [lo, hi) (default: all; `opStart` has one more entry than there are ops) whose
 * events contain global event `e`: the last one starting at or before it (binary search).
 */
export function opOfEvent(opStart: Uint32Array, e: number, lo = 0, hi = opStart.length - 1): number {
  hi--;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (opStart[mid] <= e) lo = mid; else hi = mid - 1;
  }
  return Math.max(0, lo);
}

export class Timeline {
  /** opStart[i] = index of op i's first event; opStart[opCount] = total events. */
  readonly opStart: Uint32Array;
  private byLine?: Map<string, Map<number, number[]>>;

  private constructor(readonly ops: readonly MachineOp[], opStart: Uint32Array) {
    this.opStart = opStart;
  }

  get opCount(): number { return this.ops.length; }
  get eventCount(): number { return this.opStart[this.ops.length]; }
  eventCountOf(op: number): number { return op >= this.ops.length ? 0 : this.opStart[op + 1] - this.opStart[op]; }

  /** Op containing global event index `e` (binary search over opStart). */
  opOfEvent(e: number): number { return opOfEvent(this.opStart, e); }

  /** Ops whose record starts on `line` (1-based) of `source`, in trace order. */
  opsOnLine(source: string, line: number): readonly number[] {
    return this.lineIndex().get(source)?.get(line) ?? [];
  }

  /** Every line of `source` that holds at least one operation, ascending. */
  linesOf(source: string): number[] {
    return [...(this.lineIndex().get(source)?.keys() ?? [])].sort((a, b) => a - b);
  }

  sources(): string[] { return [...this.lineIndex().keys()]; }

  private lineIndex(): Map<string, Map<number, number[]>> {
    if (this.byLine) return this.byLine;
    const m = new Map<string, Map<number, number[]>>();
    // Engine-machine ops read source and line from their columns (no loc object per op).
    const t = tableOf(this.ops);
    for (let i = 0; i < this.ops.length; i++) {
      const source = t ? t.sourceOf(i) : this.ops[i].loc.source;
      const line = t ? t.lineOf(i) : this.ops[i].loc.line;
      let lines = m.get(source);
      if (!lines) m.set(source, lines = new Map());
      const arr = lines.get(line);
      if (arr) arr.push(i); else lines.set(line, [i]);
    }
    return this.byLine = m;
  }

  /**
   * Record every op once, taking a snapshot at least every `interval` ops and, when given,
   * as soon as `maxEvents` events were recorded since the last one. Re-executing costs about
   * the same per event, so the event bound keeps the worst seek flat when a stretch of the
   * trace is split-heavy (a 1G split is ~1,000 events).
   */
  static build<Snap>(machine: ReplayMachine<Snap>, interval: number, maxEvents = Infinity, maxSnapshots = Infinity): TimelineBuild<Snap> {
    return drain(Timeline.buildSteps(machine, interval, maxEvents, 4096, maxSnapshots));
  }

  /**
   * `build` as a generator yielding the number of ops done every `slice` ops (progress,
   * event-loop turns). `maxSnapshots` bounds memory: when the count would pass it, every
   * other snapshot is dropped and the spacing (ops and events) doubles, so a trace of any
   * length keeps between max/2 and max evenly spread snapshots.
   */
  static *buildSteps<Snap>(machine: ReplayMachine<Snap>, interval: number, maxEvents = Infinity, slice = 4096,
    maxSnapshots = Infinity): Generator<number, TimelineBuild<Snap>> {
    const n = machine.ops.length;
    let snapshots: Snap[] = [];
    let snapOps: number[] = [];
    let snapEvs: number[] = [];
    const cap = Math.max(2, maxSnapshots);
    machine.reset();
    // When every op's events start with its own opBegin, the log's op index holds exactly the
    // opStart values: share it (opIndexView) rather than keep a second 4 MB array on a 1M-op
    // trace. Checked op by op; at the first op that breaks it (no opBegin, two, or events
    // before it) the timeline takes its own array from there on. The recording log takes no
    // events after this pass (seeks run on unrecorded engines), so the view stays as built.
    const log = machine.events;
    // With no ops nothing is checked below, so the log must hold none either.
    const shared = log.opCount !== undefined && log.firstEventOfOp !== undefined && log.opIndexView !== undefined
      && (n > 0 || log.opCount === 0);
    let opStart: Uint32Array | undefined = shared ? undefined : new Uint32Array(n + 1);
    let lastOp = -Infinity, lastEv = 0;
    for (let i = 0; i < n; i++) {
      const ev = machine.events.length;
      if (i - lastOp >= interval || ev - lastEv >= maxEvents) {
        if (snapshots.length >= cap) {
          snapshots = snapshots.filter((_s, k) => k % 2 === 0);
          snapOps = snapOps.filter((_o, k) => k % 2 === 0);
          snapEvs = snapEvs.filter((_o, k) => k % 2 === 0);
          interval *= 2; maxEvents *= 2;
          // Space the next one from the last snapshot kept, not from a dropped one.
          lastOp = snapOps[snapOps.length - 1]; lastEv = snapEvs[snapEvs.length - 1];
        }
        if (i - lastOp >= interval || ev - lastEv >= maxEvents) {
          snapshots.push(machine.snapshot()); snapOps.push(i); snapEvs.push(ev); lastOp = i; lastEv = ev;
        }
      }
      if (opStart) opStart[i] = ev;
      machine.execute(i, true);
      if (!opStart && !(log.opCount === i + 1 && log.firstEventOfOp!(i) === ev)) {
        // Ops [0, i) matched the log's index: copy them, then record as before.
        opStart = new Uint32Array(n + 1);
        for (let k = 0; k < i; k++) opStart[k] = log.firstEventOfOp!(k);
        opStart[i] = ev;
      }
      if ((i + 1) % slice === 0) yield i + 1;
    }
    if (opStart) opStart[n] = machine.events.length;
    // Every op matched (so opCount === n): the view has n + 1 entries, the last the event count.
    else opStart = log.opIndexView!();
    if (n === 0 || (n - lastOp >= interval && maxEvents === Infinity && snapshots.length < cap)) { snapshots.push(machine.snapshot()); snapOps.push(n); }
    return { timeline: new Timeline(machine.ops, opStart), snapshots, snapshotOps: Uint32Array.from(snapOps) };
  }
}
