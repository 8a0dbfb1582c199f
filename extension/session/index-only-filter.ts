// Trace-log filtering for index-only sessions: the same LogFilter as log-index.ts, over the
// op index columns. Returns undefined for "every op" so an unfiltered 30M-op log costs no
// list at all. What the index cannot know is answered conservatively: no op has violations
// (the checker did not run), `touched` means "addressed the range" (no live-write index), and
// text matches the op kind, "rc N" or a hex GFN inside the op's range.

import type { LogFilter } from './view-data';
import type { OpColumns } from './index-only-columns';

export function indexOnlyFilter(ops: OpColumns, f: LogFilter): Int32Array | undefined {
  const n = ops.length;
  const kinds = f.kinds && f.kinds.length ? new Set(f.kinds) : undefined;
  const text = f.text?.trim().toLowerCase() || undefined;
  const range = f.touched ? { d: f.touched.domain, a: Number(f.touched.gfnFirst), b: Number(f.touched.gfnLast) }
    : f.gfnFirst !== undefined ? { d: undefined, a: Number(f.gfnFirst), b: Number(f.gfnLast ?? f.gfnFirst) } : undefined;
  const from = Math.max(0, f.opFrom ?? 0);
  const to = Math.min(n - 1, f.opTo ?? n - 1);
  if (!kinds && !text && !range && f.domain === undefined && !f.onlyViolations && from === 0 && to === n - 1) return undefined;
  if (f.onlyViolations) return new Int32Array(0);
  const rcText = text && /^rc -?\d+$/.test(text) ? Number(text.slice(3)) : undefined;
  const gfnText = text && /^0x[0-9a-f]+$/.test(text) ? Number(text) : undefined;
  // Two passes (count, then fill) so the list is allocated once at its exact size.
  const match = (i: number): boolean => {
    if (f.domain !== undefined && ops.domain(i) !== f.domain) return false;
    if (kinds && !kinds.has(ops.kind(i))) return false;
    if (range) {
      if (range.d !== undefined && ops.domain(i) !== range.d) return false;
      const r = ops.gfnRange(i);
      if (!r || r[1] < range.a || r[0] > range.b) return false;
    }
    if (text) {
      if (rcText !== undefined) return ops.rc(i) === rcText;
      if (gfnText !== undefined) { const r = ops.gfnRange(i); return !!r && r[0] <= gfnText && gfnText <= r[1]; }
      return ops.kind(i).includes(text);
    }
    return true;
  };
  let count = 0;
  for (let i = from; i <= to; i++) if (match(i)) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = from; i <= to && k < count; i++) if (match(i)) out[k++] = i;
  return out;
}
