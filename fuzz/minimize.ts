// Shrinks a failing input while it keeps failing the same way (same target and failure
// kind): first whole lines, then byte spans of halving size (a simple ddmin). Bounded by a
// time budget so one stubborn input cannot stall the run.

function without(b: Uint8Array, s: number, e: number): Uint8Array {
  const out = new Uint8Array(b.length - (e - s));
  out.set(b.subarray(0, s), 0);
  out.set(b.subarray(e), s);
  return out;
}

export function minimize(input: Uint8Array, stillFails: (b: Uint8Array) => boolean, budgetMs = 20_000): Uint8Array {
  const deadline = Date.now() + budgetMs;
  let best = input;
  // Pass 1: lines (text inputs shrink much faster this way).
  let changed = true;
  while (changed && Date.now() < deadline) {
    changed = false;
    const starts = [0];
    for (let i = 0; i < best.length; i++) if (best[i] === 10) starts.push(i + 1);
    for (let k = starts.length - 1; k >= 0 && Date.now() < deadline; k--) {
      const s = starts[k], e = k + 1 < starts.length ? starts[k + 1] : best.length;
      if (e <= s || e > best.length) continue;
      const cand = without(best, s, e);
      if (stillFails(cand)) { best = cand; changed = true; }
    }
  }
  // Pass 2: byte spans, halving.
  for (let size = Math.max(1, best.length >> 1); size >= 1 && Date.now() < deadline; size >>= 1) {
    for (let s = 0; s + size <= best.length && Date.now() < deadline;) {
      const cand = without(best, s, s + size);
      if (stillFails(cand)) best = cand; else s += size;
    }
  }
  return best;
}
