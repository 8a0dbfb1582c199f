// Byte-level helpers of the event log's encoding (event-log.ts): unsigned LEB128 varints (a
// loop for appends, unrolled reads up to 28 bits), zigzag for signed values, u32 fields through
// a DataView, and the masking the former u32-word log applied to 53-bit fields. Split from
// event-log.ts to keep it one concern; these are its hot-path primitives, small enough for V8
// to inline into the append methods and the feed loop.

export const TWO32 = 0x1_0000_0000;

/** Position after the last getN (a module register: no tuple or object per read); read it with after(). */
let rp = 0;
export function after(): number { return rp; }

/**
 * Unsigned LEB128 of a u32 `v` at c[p]; returns the next position. A loop, not unrolled: every
 * append method inlines it, and V8 inlines the append methods into the engine only while their
 * bytecode stays small.
 */
export function putU(c: Uint8Array, p: number, v: number): number {
  while (v > 0x7f) { c[p++] = v | 0x80; v >>>= 7; } // byte stores keep the low 8 bits
  c[p] = v;
  return p + 1;
}
/** LEB128 of a non-negative integer below 2^53 (GFNs, MFNs). */
export function putN(c: Uint8Array, p: number, v: number): number {
  return v < TWO32 ? putU(c, p, v) : putBig(c, p, v);
}
/** LEB128 of an integer below 2^53 that may not fit a u32. */
export function putBig(c: Uint8Array, p: number, v: number): number {
  while (v >= TWO32) { c[p++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
  return putU(c, p, v);
}
/** LEB128 at c[p] (up to 2^53); the next position is left in `rp`. Unrolled up to 28 bits. */
export function getN(c: Uint8Array, p: number): number {
  let b = c[p];
  if (b < 0x80) { rp = p + 1; return b; }
  let v = b & 0x7f;
  b = c[p + 1];
  if (b < 0x80) { rp = p + 2; return v | (b << 7); }
  v |= (b & 0x7f) << 7;
  b = c[p + 2];
  if (b < 0x80) { rp = p + 3; return v | (b << 14); }
  v |= (b & 0x7f) << 14;
  b = c[p + 3];
  if (b < 0x80) { rp = p + 4; return v | (b << 21); }
  return getLong(c, p + 4, v | ((b & 0x7f) << 21));
}
/** The rest of a LEB128 of 28 bits or more (doubles: up to 2^53). */
function getLong(c: Uint8Array, p: number, v: number): number {
  let b: number, m = 0x10000000;
  do { b = c[p++]; v += (b & 0x7f) * m; m *= 128; } while (b > 0x7f);
  rp = p;
  return v;
}
/** Position after the LEB128 at c[p]. */
export function skipV(c: Uint8Array, p: number): number {
  while (c[p++] > 0x7f) { /* continuation byte */ }
  return p;
}
/** A u32 field, little-endian. */
export function put32(v: DataView, p: number, x: number): void { v.setUint32(p, x, true); }
/** Zigzag of an int32 (small magnitudes → small unsigned), and back. */
export function zz(x: number): number { return ((x << 1) ^ (x >> 31)) >>> 0; }
export function unzz(v: number): number { return (v >>> 1) ^ -(v & 1); }
/**
 * The value the word-based log gave back for a field whose high word had `mask` bits (a GFN's
 * 20, a DFN's 24, an MFN's 27): same masking, so every reader sees what it saw before.
 */
export function wrapHi(x: number, mask: number): number {
  if ((x >>> 0) === x) return x;
  return (Math.floor(x / TWO32) & mask) * TWO32 + (x >>> 0);
}
