// Deterministic seeking: restore the nearest earlier snapshot and re-execute, unrecorded, up
// to the target op. Cost is bounded by one snapshot interval in either direction, so any
// position (backwards included) is reachable in at most `interval` op executions + 1 restore.
//
// Stepping back one op at a time would pay a whole interval per step, so while re-executing
// for a short backward move the seeker also keeps a few *fine* snapshots (every interval/8
// ops) in a small LRU: the next step back restores from the closest one. They cost memory
// only while cached.

//
// With log moves (a SeekPlan's `moves`, see log-mover.ts) there are only a few checkpoints: the
// machine's one engine state is moved along the recorded log from wherever is fewer events
// away, the current position or the nearest checkpoint before or after the target. Stepping
// back one op undoes that op's events. The fine-snapshot cache is then unused.

import type { LogMoves, ReplayMachine } from './backend';

const FINE_PER_INTERVAL = 8;
const FINE_CACHE = 48;
/** A restore's fixed cost in events of moving (it drops the store's flat index). */
const RESTORE_EVENTS = 20_000;
/**
 * After a restore every page is shared with the checkpoint: the first store into each one
 * clones it, so an event moved after a restore costs several times one moved in place.
 */
const AFTER_RESTORE_WEIGHT = 4;
/** Moving back costs about this much more per event than forward (buffered, then undone). */
const BACKWARD_WEIGHT = 1.3;
/** Block of ops a reverse run scans at a time when any op is cheap to reach (log moves). */
const MOVE_BLOCK = 1024;

export class Seeker<Snap> {
  /** Ops the machine has executed: its state is "before op `at`". */
  private at: number;
  /** Counters for the benchmark and tests. */
  stats = { restores: 0, executed: 0, fineRestores: 0, moved: 0 };

  private readonly snapOps: Uint32Array;
  private readonly fineEvery: number;
  /** op → snapshot, in LRU order (Map iteration order = insertion order). */
  private readonly fine = new Map<number, Snap>();

  /** `snapshotOps` (from Timeline.build) locates each snapshot; without it snapshot k is at k * interval. */
  constructor(private readonly machine: ReplayMachine<Snap>, private readonly snapshots: readonly Snap[],
              readonly interval: number, machineAt: number, snapshotOps?: Uint32Array, private readonly moves?: LogMoves) {
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
  intervalStart(op: number): number {
    if (this.moves) { const o = Math.max(0, op); return o - (o % MOVE_BLOCK); }
    return this.snapOps[this.snapshotBefore(Math.max(0, op))];
  }

  /** Whether seeking moves along the log (few checkpoints) rather than re-executing. */
  get movesAlongLog(): boolean { return this.moves !== undefined; }

  get machineOp(): number { return this.at; }
  get snapshotCount(): number { return this.snapshots.length; }

  /** Bring the machine to the state before op `op` (0 ≤ op ≤ opCount). */
  seek(op: number): void {
    const n = this.machine.ops.length;
    const target = Math.max(0, Math.min(op, n));
    if (this.moves) { this.move(target); return; }
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

  /** Log moves: from the current position or the cheapest checkpoint around the target. */
  private move(target: number): void {
    const mv = this.moves!;
    const os = mv.opStart;
    const cost = (from: number) => from <= target ? os[target] - os[from] : (os[from] - os[target]) * BACKWARD_WEIGHT;
    let best = cost(this.at), k = -1;
    const kb = this.snapshotBefore(target);
    for (let kk = kb; kk <= kb + 1 && kk < this.snapOps.length; kk++) {
      const c = RESTORE_EVENTS + cost(this.snapOps[kk]) * AFTER_RESTORE_WEIGHT;
      if (c < best) { best = c; k = kk; }
    }
    if (k >= 0) {
      this.machine.restore(this.snapshots[k]);
      this.stats.restores++;
      this.at = this.snapOps[k];
    }
    if (target > this.at) mv.forward(this.at, target);
    else if (target < this.at) mv.backward(this.at, target);
    this.stats.moved += Math.abs(target - this.at);
    this.at = target;
  }

  private keepFine(): void {
    this.fine.set(this.at, this.machine.snapshot());
    if (this.fine.size > FINE_CACHE) this.fine.delete(this.fine.keys().next().value as number);
  }
}
