// Candidate stop positions for runs, as one sorted array of integer keys.
//
// Position (op, k) maps to a key that orders like the position itself:
//   (op, 0)      → 2 * opStart[op] + 1      (the op's line, before opBegin)
//   (op, k > 0)  → 2 * (opStart[op] + k)    (just after the op's k-th event)
// so (op, count) sorts before (op + 1, 0) even though both follow the same event.
// Runs binary-search the next (or previous) key instead of visiting every operation, so a
// continue over a 1M-op trace with a few breakpoints costs microseconds.

import type { Timeline } from './timeline';
import type { Position } from './position';

export function keyOf(tl: Timeline, p: Position): number {
  if (p.op >= tl.opCount) return 2 * tl.eventCount + 1;
  return p.event === 0 ? 2 * tl.opStart[p.op] + 1 : 2 * (tl.opStart[p.op] + p.event);
}

/** Inverse of keyOf; `event` is the global index of the event just executed, or -1 at an op's line. */
export function positionOfKey(tl: Timeline, key: number): { pos: Position; event: number } {
  if (key % 2 === 1) {
    const g = (key - 1) / 2;
    if (g >= tl.eventCount) return { pos: { op: tl.opCount, event: 0 }, event: -1 };
    // The first op starting at g (ops are never empty in practice: opBegin/opEnd at least).
    let op = tl.opOfEvent(g);
    while (op > 0 && tl.opStart[op - 1] === g) op--;
    return { pos: { op, event: 0 }, event: -1 };
  }
  const e = key / 2 - 1;
  const op = tl.opOfEvent(e);
  return { pos: { op, event: e - tl.opStart[op] + 1 }, event: e };
}

/** Keys of op lines and of "just after event e" positions, merged, sorted and de-duplicated. */
export class CandidateSet {
  private keys = new Float64Array(0);

  static build(tl: Timeline, ops: Iterable<number>, events: Iterable<number>): CandidateSet {
    const arr: number[] = [];
    for (const op of ops) arr.push(2 * tl.opStart[op] + 1);
    for (const e of events) arr.push(2 * (e + 1));
    const c = new CandidateSet();
    const sorted = Float64Array.from(arr).sort();
    let n = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i];
    c.keys = sorted.slice(0, n);
    return c;
  }

  static empty(): CandidateSet { return new CandidateSet(); }

  get size(): number { return this.keys.length; }

  /** Smallest key > k, or undefined. */
  after(k: number): number | undefined {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.keys[m] <= k) lo = m + 1; else hi = m; }
    return lo < this.keys.length ? this.keys[lo] : undefined;
  }

  /** Largest key < k, or undefined. */
  before(k: number): number | undefined {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.keys[m] < k) lo = m + 1; else hi = m; }
    return lo > 0 ? this.keys[lo - 1] : undefined;
  }
}
