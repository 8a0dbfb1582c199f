// Deterministic seeking: restore the nearest earlier snapshot and re-execute, unrecorded, up
// to the target op. Cost is bounded by one snapshot interval in either direction, so any
// position (backwards included) is reachable in at most `interval` op executions + 1 restore.

import type { ReplayMachine } from './backend';

export class Seeker<Snap> {
  /** Ops the machine has executed: its state is "before op `at`". */
  private at: number;
  /** Counters for the benchmark and tests. */
  stats = { restores: 0, executed: 0 };

  private readonly snapOps: Uint32Array;

  /** `snapshotOps` (from Timeline.build) locates each snapshot; without it snapshot k is at k * interval. */
  constructor(private readonly machine: ReplayMachine<Snap>, private readonly snapshots: readonly Snap[],
              readonly interval: number, machineAt: number, snapshotOps?: Uint32Array) {
    this.at = machineAt;
    this.snapOps = snapshotOps ?? Uint32Array.from(snapshots, (_s, k) => k * interval);
  }

  /** Index of the last snapshot at or before `op`. */
  private snapshotBefore(op: number): number {
    let lo = 0, hi = this.snapOps.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >>> 1;
      if (this.snapOps[m] <= op) lo = m; else hi = m - 1;
    }
    return lo;
  }

  get machineOp(): number { return this.at; }
  get snapshotCount(): number { return this.snapshots.length; }

  /** Bring the machine to the state before op `op` (0 ≤ op ≤ opCount). */
  seek(op: number): void {
    const n = this.machine.ops.length;
    const target = Math.max(0, Math.min(op, n));
    const k = this.snapshotBefore(target);
    const base = this.snapOps[k];
    // Run forward when the machine is already inside [base, target]; otherwise restore.
    if (!(this.at >= base && this.at <= target)) {
      this.machine.restore(this.snapshots[k]);
      this.stats.restores++;
      this.at = base;
    }
    while (this.at < target) {
      this.machine.execute(this.at, false);
      this.at++;
      this.stats.executed++;
    }
  }
}
