// The physical floor a parser is compared with (issue 9, "reference lines"): the same file
// read from disk and summed by a minimal Node loop (u32 words for binary, bytes for text).
// Nothing can parse a file faster than it can read and touch every word of it.
import * as fs from 'node:fs';

export interface Timing { wall: number; cpu: number }

/** Wall and CPU seconds of fn(), plus its result. */
export function timed<T>(fn: () => T): Timing & { value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  return { wall, cpu: (cu.user + cu.system) / 1e6, value };
}

/** Read `file` and sum it as little-endian u32 words (the tail bytes too). */
export function readAndSumWords(file: string): number {
  const b = fs.readFileSync(file);
  const words = Math.floor(b.length / 4);
  const u32 = b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, words) : new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + words * 4));
  let s = 0;
  for (let i = 0; i < words; i++) s = (s + u32[i]) >>> 0;
  for (let i = words * 4; i < b.length; i++) s = (s + b[i]) >>> 0;
  return s;
}

/** Read `file` and sum its bytes (a text file's floor: every byte is looked at once). */
export function readAndSumBytes(file: string): number {
  const b = fs.readFileSync(file);
  let s = 0;
  for (let i = 0; i < b.length; i++) s = (s + b[i]) | 0;
  return s;
}

/** Best of `n` timings (the floor is a lower bound: its noise only goes up). */
export function floorOf(n: number, fn: () => unknown): Timing {
  let best: Timing = { wall: Infinity, cpu: Infinity };
  for (let k = 0; k < n; k++) {
    const t = timed(fn);
    if (t.wall < best.wall) best = { wall: t.wall, cpu: t.cpu };
  }
  return best;
}
