// Scalar state of one domain's engine as a function of the op boundary k ("before op k"),
// recorded from the recording engine's core after every op (exact by construction: nothing is
// derived from events). One column per field: a sparse change list (op key, value) for fields
// that rarely change; a field that changes on most ops is turned into a dense per-op Int32
// column at the end (4 B/op instead of 12 B/change), when all its values fit.

import type { P2mCore } from '../p2m/core';

/** Field order of the recorded scalars (see `readScalars`). */
export const F_MAPPINGS = 0, F_SHATTERED = 4, F_TRUE = 8, F_MAX = 12, F_LOW = 13, F_NEED_FLUSH = 14,
  F_POOL_SIZE = 15, F_MINTED = 16, F_RESERVE = 17, F_ALLOCATED = 18, F_FREED = 19, F_MEM_ACCESS = 20,
  F_DYING = 21, F_DEFAULT_ACCESS = 22, FIELDS = 23;

/** Reads every recorded scalar of `c` into `out` (FIELDS values). */
export function readScalars(c: P2mCore, out: Float64Array): void {
  for (let l = 0; l < 4; l++) { out[F_MAPPINGS + l] = c.mappings[l]; out[F_SHATTERED + l] = c.shattered[l]; out[F_TRUE + l] = c.trueLeaves[l]; }
  const pool = c.pool;
  out[F_MAX] = c.maxMappedGfn; out[F_LOW] = c.lowestMappedGfn; out[F_NEED_FLUSH] = c.needFlush ? 1 : 0;
  out[F_POOL_SIZE] = pool.queuedCount; out[F_MINTED] = pool.mintedCount; out[F_RESERVE] = pool.reserveCount;
  out[F_ALLOCATED] = c.tablesAllocated; out[F_FREED] = c.tablesFreed;
  out[F_MEM_ACCESS] = c.memAccessEnabled ? 1 : 0; out[F_DYING] = c.isDying ? 1 : 0; out[F_DEFAULT_ACCESS] = c.defaultAccess;
}

/** Sets a view core's scalars from `v` (FIELDS values); its pool holds counts only (views never allocate). */
export function writeScalars(c: P2mCore, v: Float64Array): void {
  for (let l = 0; l < 4; l++) { c.mappings[l] = v[F_MAPPINGS + l]; c.shattered[l] = v[F_SHATTERED + l]; c.trueLeaves[l] = v[F_TRUE + l]; }
  c.maxMappedGfn = v[F_MAX]; c.lowestMappedGfn = v[F_LOW]; c.needFlush = v[F_NEED_FLUSH] !== 0;
  c.pool.setCounts(v[F_POOL_SIZE], v[F_MINTED], v[F_RESERVE]);
  c.tablesAllocated = v[F_ALLOCATED]; c.tablesFreed = v[F_FREED];
  c.memAccessEnabled = v[F_MEM_ACCESS] !== 0; c.isDying = v[F_DYING] !== 0; c.defaultAccess = v[F_DEFAULT_ACCESS];
}

/** One field: value at boundary k = the last change keyed ≤ k. */
class Column {
  keys = new Uint32Array(64);
  vals = new Float64Array(64);
  n = 0;
  /** Dense per-boundary values once finished (when the field changes on most ops). */
  dense: Int32Array | undefined;

  push(key: number, v: number): void {
    if (this.n === this.keys.length) {
      const k = new Uint32Array(this.n * 2), x = new Float64Array(this.n * 2);
      k.set(this.keys); x.set(this.vals); this.keys = k; this.vals = x;
    }
    this.keys[this.n] = key; this.vals[this.n] = v; this.n++;
  }

  finish(boundaries: number): void {
    let int = true;
    for (let i = 0; i < this.n; i++) if ((this.vals[i] | 0) !== this.vals[i] || Object.is(this.vals[i], -0)) { int = false; break; }
    if (int && this.n * 12 > boundaries * 4) {
      const d = new Int32Array(boundaries);
      let j = 0, v = this.vals[0];
      for (let k = 0; k < boundaries; k++) { while (j < this.n && this.keys[j] <= k) v = this.vals[j++]; d[k] = v; }
      this.dense = d;
      this.keys = new Uint32Array(0); this.vals = new Float64Array(0);
      return;
    }
    this.keys = this.keys.slice(0, this.n); this.vals = this.vals.slice(0, this.n);
  }

  at(k: number): number {
    if (this.dense) return this.dense[Math.min(k, this.dense.length - 1)];
    let lo = 0, hi = this.n - 1;
    while (lo < hi) { const m = (lo + hi + 1) >>> 1; if (this.keys[m] <= k) lo = m; else hi = m - 1; }
    return this.vals[lo];
  }

  get bytes(): number { return this.dense ? this.dense.byteLength : this.keys.byteLength + this.vals.byteLength; }
}

export class ScalarColumns {
  private readonly cols: Column[] = [];
  private readonly last = new Float64Array(FIELDS);

  /** Starts with the engine's state before op 0. */
  constructor(c: P2mCore) {
    for (let f = 0; f < FIELDS; f++) this.cols.push(new Column());
    readScalars(c, this.last);
    for (let f = 0; f < FIELDS; f++) this.cols[f].push(0, this.last[f]);
  }

  /**
   * After op `op` of this domain ran on `c`: the state at boundary op + 1. Runs once per op of
   * the first pass, so the fields are compared in place (no copy into a buffer first); the
   * same fields as readScalars.
   */
  record(op: number, c: P2mCore): void {
    const k = op + 1;
    for (let l = 0; l < 4; l++) {
      this.put(k, F_MAPPINGS + l, c.mappings[l]); this.put(k, F_SHATTERED + l, c.shattered[l]); this.put(k, F_TRUE + l, c.trueLeaves[l]);
    }
    const p = c.pool;
    this.put(k, F_MAX, c.maxMappedGfn); this.put(k, F_LOW, c.lowestMappedGfn); this.put(k, F_NEED_FLUSH, c.needFlush ? 1 : 0);
    this.put(k, F_POOL_SIZE, p.queuedCount); this.put(k, F_MINTED, p.mintedCount); this.put(k, F_RESERVE, p.reserveCount);
    this.put(k, F_ALLOCATED, c.tablesAllocated); this.put(k, F_FREED, c.tablesFreed);
    this.put(k, F_MEM_ACCESS, c.memAccessEnabled ? 1 : 0); this.put(k, F_DYING, c.isDying ? 1 : 0); this.put(k, F_DEFAULT_ACCESS, c.defaultAccess);
  }

  private put(k: number, f: number, v: number): void {
    const old = this.last[f];
    // A -0 / +0 change counts too (1 / ±0 = ±Infinity): the views get the engine's exact values.
    if (v !== old || (v === 0 && 1 / v !== 1 / old)) { this.cols[f].push(k, v); this.last[f] = v; }
  }

  /** Drops spare capacity; `boundaries` = op count + 1. */
  finish(boundaries: number): void { for (const c of this.cols) c.finish(boundaries); }

  /** The scalars at boundary k into `out`. */
  at(k: number, out: Float64Array): void { for (let f = 0; f < FIELDS; f++) out[f] = this.cols[f].at(k); }

  get bytes(): number { let b = 0; for (const c of this.cols) b += c.bytes; return b; }
}
