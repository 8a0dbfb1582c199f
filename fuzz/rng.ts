// Seeded PRNG for the fuzz harness. Every input i of a run with seed S gets its own stream
// derived from (S, i), so one input can be regenerated alone (`--only i`) and a run with the
// same seed replays the same inputs regardless of how long it runs.

export type Rng = () => number;

/** xorshift32 over a non-zero state; returns floats in [0, 1). */
export function rng(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x1_0000_0000; };
}

/** Mixes the run seed and the input index into one 32-bit seed (integer hash, avalanche). */
export function inputSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export const int = (r: Rng, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];

/** FNV-1a over bytes: a short fingerprint of an input (run digests, fixture names). */
export function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}
