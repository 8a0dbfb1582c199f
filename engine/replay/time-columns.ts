// Scalar state of one domain's engine as a function of the op boundary k ("before op k"),
// recorded from the recording engine's core after every op (exact by construction: nothing is
// derived from events). One delta-coded change list per field (DeltaColumn): a field that
// rarely changes costs next to nothing, a counter moving by a few on most ops about a byte per
// change, so the columns stay small while they are recorded as well as afterwards.

import type { P2mCore } from '../p2m/core';
import { putN } from '../p2m/event-bytes';

/** Field order of the recorded scalars (see `readScalars`). */
export const F_MAPPINGS = 0, F_SHATTERED = 4, F_TRUE = 8, F_MAX = 12, F_LOW = 13, F_NEED_FLUSH = 14,
  F_POOL_SIZE = 15, F_MINTED = 16, F_RESERVE = 17, F_ALLOCATED = 18, F_FREED = 19, F_MEM_ACCESS = 20,
  F_DYING = 21, F_DEFAULT_ACCESS = 22, FIELDS = 23;

/** Reads every recorded scalar of `c` into `out` (FIELDS values). */
function readScalars(c: P2mCore, out: Float64Array): void {
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

/** Changes between two checkpoints of a DeltaColumn: a read decodes at most CK − 1 of them. */
const CK = 32;
/** Stream codes: a byte below ONE_BYTE is a change one boundary on by (byte − 64). */
const ONE_BYTE = 0x80, INT_DELTA = 0x80, RAW = 0x81;
/** Integer deltas up to this size are varint-coded (zigzag stays below 2^53, exact in a double). */
const MAX_DELTA = 2 ** 50;

/**
 * One field: value at boundary k = the last change keyed ≤ k. The changes are a byte stream,
 * each coded against the previous one: most of them are a counter moving by a few at the next
 * boundary (one byte), others a varint key step and a varint zigzag delta, and a value that is
 * not a plain integer (−0, a fraction, huge) is stored raw (8 bytes). Every CK-th change is also
 * a checkpoint (key, value, stream position after it), so a read is a binary search over the
 * checkpoints and then at most CK − 1 decodes. About 1.5 B per change against the 12 B of a
 * (u32 key, f64 value) list; the stream grows by doubling but stays a few MB on 1M ops.
 */
export class DeltaColumn {
  private buf = new Uint8Array(64);
  private pos = 0;
  private n = 0;
  private lastKey = 0;
  private lastVal = 0;
  private ckKey = new Uint32Array(4);
  private ckVal = new Float64Array(4);
  private ckPos = new Uint32Array(4);

  /** Changes held. */
  get length(): number { return this.n; }

  /** A change to `v` first seen at boundary `key` (keys ascending; the first change is the initial value). */
  push(key: number, v: number): void {
    if (this.pos + 24 > this.buf.length) { const b = new Uint8Array(Math.max(64, this.buf.length * 2)); b.set(this.buf); this.buf = b; }
    const dk = key - this.lastKey, pv = this.lastVal;
    const d = v - pv;
    // Plain: both integers (not −0) whose difference is exact and small enough to varint.
    const plain = Number.isInteger(v) && Number.isInteger(pv) && !Object.is(v, -0) && !Object.is(pv, -0) && Math.abs(d) < MAX_DELTA && Math.abs(v) < MAX_DELTA;
    if (plain && dk === 1 && this.n > 0 && d >= -64 && d < 64) this.buf[this.pos++] = d + 64;
    else if (plain) { this.buf[this.pos++] = INT_DELTA; this.varint(dk); this.varint(d < 0 ? -2 * d - 1 : 2 * d); }
    else {
      this.buf[this.pos++] = RAW; this.varint(dk);
      raw[0] = v;
      this.buf.set(rawBytes, this.pos); this.pos += 8;
    }
    if (this.n % CK === 0) {
      const c = this.n / CK;
      if (c === this.ckKey.length) {
        // (finish() trims to c checkpoints, 0 on an empty column: grow from at least 4.)
        const m = Math.max(4, c * 2);
        const k = new Uint32Array(m), x = new Float64Array(m), p = new Uint32Array(m);
        k.set(this.ckKey); x.set(this.ckVal); p.set(this.ckPos); this.ckKey = k; this.ckVal = x; this.ckPos = p;
      }
      this.ckKey[c] = key; this.ckVal[c] = v; this.ckPos[c] = this.pos;
    }
    this.n++; this.lastKey = key; this.lastVal = v;
  }

  private varint(x: number): void { this.pos = putN(this.buf, this.pos, x); }

  /** Drops the spare capacity (no change is pushed afterwards). */
  finish(): void {
    const c = Math.ceil(this.n / CK);
    this.buf = this.buf.slice(0, this.pos);
    this.ckKey = this.ckKey.slice(0, c); this.ckVal = this.ckVal.slice(0, c); this.ckPos = this.ckPos.slice(0, c);
  }

  /** The value at boundary k (the first change's value before it). */
  at(k: number): number {
    const ck = this.ckKey, nc = Math.ceil(this.n / CK);
    if (nc === 0) return 0;
    let lo = 0, hi = nc - 1;
    while (lo < hi) { const m = (lo + hi + 1) >>> 1; if (ck[m] <= k) lo = m; else hi = m - 1; }
    let key = ck[lo], v = this.ckVal[lo], p = this.ckPos[lo];
    const buf = this.buf, end = Math.min(this.n, (lo + 1) * CK);
    for (let c = lo * CK + 1; c < end; c++) {
      const b = buf[p++];
      let nk: number, nv: number;
      if (b < ONE_BYTE) { nk = key + 1; nv = v + b - 64; }
      else {
        let x = 0, s = 1, y: number;
        do { y = buf[p++]; x += (y & 127) * s; s *= 128; } while (y >= 128);
        nk = key + x;
        if (b === INT_DELTA) {
          x = 0; s = 1;
          do { y = buf[p++]; x += (y & 127) * s; s *= 128; } while (y >= 128);
          nv = v + (x % 2 === 1 ? -(x + 1) / 2 : x / 2);
        } else {
          for (let i = 0; i < 8; i++) rawBytes[i] = buf[p + i];
          p += 8;
          nv = raw[0];
        }
      }
      if (nk > k) break;
      key = nk; v = nv;
    }
    return v;
  }

  get bytes(): number { return this.buf.byteLength + this.ckKey.byteLength + this.ckVal.byteLength + this.ckPos.byteLength; }
}

const raw = new Float64Array(1), rawBytes = new Uint8Array(raw.buffer);

export class ScalarColumns {
  private readonly cols: DeltaColumn[] = [];
  private readonly last = new Float64Array(FIELDS);
  /** record's read of the current values (one buffer, not one per op). */
  private readonly scratch = new Float64Array(FIELDS);

  /** Starts with the engine's state before op 0. */
  constructor(c: P2mCore) {
    for (let f = 0; f < FIELDS; f++) this.cols.push(new DeltaColumn());
    readScalars(c, this.last);
    for (let f = 0; f < FIELDS; f++) this.cols[f].push(0, this.last[f]);
  }

  /** After op `op` of this domain ran on `c`: the state at boundary op + 1. */
  record(op: number, c: P2mCore): void {
    const k = op + 1, v = this.scratch, last = this.last;
    readScalars(c, v);
    for (let f = 0; f < FIELDS; f++) {
      // Object.is: a -0 / +0 change counts (the views get the engine's exact values), and a NaN
      // that stays NaN is no change (v !== old would push one every op).
      if (!Object.is(v[f], last[f])) { this.cols[f].push(k, v[f]); last[f] = v[f]; }
    }
  }

  /** Drops spare capacity (after the last op is recorded). */
  finish(): void { for (const c of this.cols) c.finish(); }

  /** The scalars at boundary k into `out`. */
  at(k: number, out: Float64Array): void { for (let f = 0; f < FIELDS; f++) out[f] = this.cols[f].at(k); }

  get bytes(): number { let b = 0; for (const c of this.cols) b += c.bytes; return b; }
}
