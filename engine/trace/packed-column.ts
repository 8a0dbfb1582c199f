// A record-store column of non-negative integers that mostly grow row by row (byte offsets
// and line numbers of a text trace), kept as a base per block of 128 rows plus a 1- or
// 2-byte delta per row instead of a Float64 / Uint32 per row: a 1M-line .p2mtrace keeps
// ~2 B per offset (lines up to ~500 bytes) and ~1 B per line number, for the session's
// life. The first value that does not fit (smaller than its block's base, too far above it,
// not an integer) widens the deltas to 16 bits and then the column to plain Float64 values,
// so any sequence is stored exactly; binary traces, whose offsets jump between per-CPU
// windows, widen within their first rows.
//
// Rows are written once, in any order inside a block; a block's base is its first written
// value. Rows never written read as an unspecified number (callers only read rows they wrote).

import { resized } from './narrow-column';

const BLOCK_BITS = 7;

export class PackedColumn {
  private cap: number;
  private base: Float64Array;
  private rel: Uint8Array | Uint16Array | null;
  private full: Float64Array | null = null;

  /**
   * `wide`: start with 16-bit deltas (byte offsets: 128 lines span more than 255 bytes), so
   * the column does not change representation, and its writers' compiled code, right away.
   */
  constructor(capacity: number, wide = false) {
    this.cap = capacity;
    this.base = new Float64Array(blocksOf(capacity)).fill(NaN);
    this.rel = wide ? new Uint16Array(capacity) : new Uint8Array(capacity);
  }

  /** Bytes held (for memory reports and tests). */
  get byteLength(): number { return this.base.byteLength + (this.rel?.byteLength ?? 0) + (this.full?.byteLength ?? 0); }
  /** 1 or 2 (bytes per row of delta), or 8 once the column holds plain values. */
  get width(): number { return this.full !== null ? 8 : this.rel!.BYTES_PER_ELEMENT; }

  get(i: number): number {
    const f = this.full;
    return f !== null ? f[i] : this.base[i >>> BLOCK_BITS] + this.rel![i];
  }

  set(i: number, v: number): void {
    const f = this.full;
    if (f !== null) { f[i] = v; return; }
    // Store, then read back: a delta that is negative, too large, not an integer or NaN (the
    // block has no base yet) does not survive the typed array, and takes the slow path. One
    // compare instead of a range and integer test on every row of a parse.
    const rel = this.rel!;
    const d = v - this.base[i >>> BLOCK_BITS];
    rel[i] = d;
    if (rel[i] !== d) this.setSlow(i, v);
  }

  private setSlow(i: number, v: number): void {
    const b = i >>> BLOCK_BITS;
    const base = this.base[b];
    if (base !== base && v === v) { this.base[b] = v; this.rel![i] = 0; return; } // the block's first written row
    const d = v - base;
    this.widen(d >= 0 && d <= 0xffff && Number.isInteger(d));
    this.set(i, v);
  }

  /** Copy into `capacity` rows (≥ the rows in use, `used`). */
  resize(capacity: number, used: number): void {
    if (this.full !== null) {
      this.full = resized(this.full, capacity, used);
    } else {
      this.rel = resized(this.rel!, capacity, used);
      const nb = blocksOf(capacity);
      const b = new Float64Array(nb).fill(NaN); b.set(this.base.subarray(0, Math.min(nb, this.base.length))); this.base = b;
    }
    this.cap = capacity;
  }

  /** To 16-bit deltas when `to16`, else to plain values (every row so far rebuilt exactly). */
  private widen(to16: boolean): void {
    const old = this.rel!;
    if (to16 && old instanceof Uint8Array) {
      const r = new Uint16Array(this.cap); r.set(old); this.rel = r;
      return;
    }
    const f = new Float64Array(this.cap);
    for (let i = 0; i < this.cap; i++) {
      const base = this.base[i >>> BLOCK_BITS];
      if (base === base) f[i] = base + old[i];
    }
    this.full = f; this.rel = null; this.base = new Float64Array(0);
  }
}

function blocksOf(rows: number): number { return (rows + (1 << BLOCK_BITS) - 1) >>> BLOCK_BITS; }
