// Deterministic seeking: restore the nearest earlier snapshot and re-execute, unrecorded, up
// to the target op. Cost is bounded by one snapshot interval in either direction, so any
// position (backwards included) is reachable in at most `interval` op executions + 1 restore.
//
// Stepping back one op at a time would pay a whole interval per step, so while re-executing
// for a short backward move the seeker also keeps a few *fine* snapshots (every interval/8
// ops) in a small LRU: the next step back restores from the closest one. They cost memory
// only while cached.

import type { ReplayMachine } from './backend';

const FINE_PER_INTERVAL = 8;
const FINE_CACHE = 48;

export class Seeker<Snap> {
  /** Ops the machine has executed: its state is "before op `at`". */
  private at: number;
  /** Counters for the benchmark and tests. */
  stats = { restores: 0, executed: 0, fineRestores: 0 };

  private readonly snapOps: Uint32Array;
  private readonly fineEvery: number;
  /** op → snapshot, in LRU order (Map iteration order = insertion order). */
  private readonly fine = new Map<number, Snap>();

  /** `snapshotOps` (from Timeline.build) locates each snapshot; without it snapshot k is at k * interval. */
  constructor(private readonly machine: ReplayMachine<Snap>, private readonly snapshots: readonly Snap[],
              readonly interval: number, machineAt: number, snapshotOps?: Uint32Array) {
    this.at = machineAt;
    this.snapOps = snapshotOps ?? Uint32Array.from(snapshots, (_s, k) => k * interval);
    this.fineEvery = Math.max(16, Math.floor(interval / FINE_PER_INTERVAL));
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

  /** First op of the snapshot interval holding `op` (reverse runs scan one interval at a time). */
  intervalStart(op: number): number { return this.snapOps[this.snapshotBefore(Math.max(0, op))]; }

  get machineOp(): number { return this.at; }
  get snapshotCount(): number { return this.snapshots.length; }

  /** Bring the machine to the state before op `op` (0 ≤ op ≤ opCount). */
  seek(op: number): void {
    const n = this.machine.ops.length;
    const target = Math.max(0, Math.min(op, n));
    // Fine snapshots pay off only for stepping back (the next target is just before this one).
    // A far jump does not take them: each one makes every page written after it clone again,
    // which doubled a random seek's garbage and with it the full-GC pauses.
    const stepping = target < this.at && this.at - target <= this.interval;
    const k = this.snapshotBefore(target);
    let base = this.snapOps[k];
    let snap: Snap = this.snapshots[k];
    // A cached fine snapshot between the coarse one and the target starts closer.
    let fineAt = -1;
    for (const f of this.fine.keys()) if (f <= target && f > base && f > fineAt) fineAt = f;
    if (fineAt >= 0) { base = fineAt; snap = this.fine.get(fineAt)!; }
    // Run forward when the machine is already inside [base, target]; otherwise restore.
    if (!(this.at >= base && this.at <= target)) {
      this.machine.restore(snap);
      this.stats.restores++;
      if (fineAt >= 0) {
        this.stats.fineRestores++;
        this.fine.delete(fineAt); this.fine.set(fineAt, snap); // most recently used
      }
      this.at = base;
    }
    while (this.at < target) {
      this.machine.execute(this.at, false);
      this.at++;
      this.stats.executed++;
      if (stepping && this.at % this.fineEvery === 0 && this.at < target && !this.fine.has(this.at)) this.keepFine();
    }
  }

  private keepFine(): void {
    this.fine.set(this.at, this.machine.snapshot());
    if (this.fine.size > FINE_CACHE) this.fine.delete(this.fine.keys().next().value as number);
  }
}
