// Narrow record-store columns that widen on demand. A record store's gfn, mfn, nr and domain
// columns start as the narrowest typed array that holds the usual values (GFNs and MFNs
// below 2^32 / 2^31 with -1 for INVALID_MFN, nr below 2^32, 16-bit domain ids) and are
// replaced by a wider copy (Uint16 → Uint32 → Float64) the first time a value does not read
// back exactly. Readers index them like any typed array and always get the value written:
// a 1M-op text trace keeps 14 B per op less for the session's life, and a trace with 64-bit
// frame numbers just ends up with the Float64 columns it had before.

export type NumColumn = Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * `c` after `c[i] = v` read back as something else (`c[i] !== v`): the same column when it is
 * already Float64 (only NaN reads back unequal, and it is stored), else a wider copy holding
 * rows [0, i) and `v` at `i`. Rows after `i` are not copied: stores append, so they are
 * unused (a presized 1M-row column widened at its 5th row copies 5 values, not 1M). Called
 * on the rare mismatch only, so writers pay one compare per value.
 */
export function refit(c: NumColumn, i: number, v: number): NumColumn {
  if (c instanceof Float64Array) return c;
  const wider = c instanceof Uint16Array && Number.isInteger(v) && v >= 0 && v < 2 ** 32 ? new Uint32Array(c.length) : new Float64Array(c.length);
  wider.set(c.subarray(0, i));
  wider[i] = v;
  return wider;
}

/** A copy of `c`'s first `used` rows in a column of the same type with `capacity` rows. */
export function resized<T extends NumColumn | Uint8Array | Int8Array | Int16Array>(c: T, capacity: number, used: number): T {
  const make = c.constructor as new (n: number) => T;
  const out = new make(capacity);
  out.set(c.subarray(0, Math.min(used, capacity)) as unknown as ArrayLike<number>);
  return out;
}
