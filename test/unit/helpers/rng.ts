// A small seeded PRNG (mulberry32) for the randomised tests: the same seed gives the same
// workload on every run, so a failure can be replayed from its seed.
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * xorshift32 (shifts 13, 17, 5) giving u32 values (a zero seed becomes 1: the generator would
 * stay at 0). The replay, session and event-log tests draw their cases from it; kept bit for
 * bit so a seed still names the same case.
 */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** xorshift32's values scaled to [0, 1). */
export function xorshift32Unit(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 4294967296;
}
