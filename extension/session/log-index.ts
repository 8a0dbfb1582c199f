// Filtering of the trace log: turns a LogFilter into the ascending list of matching op
// indices (an Int32Array), which the webview then pages through, or undefined when every op
// matches (no filter): a session then keeps no per-op index array. LogIndex pages and
// positions over either. Runs in the session worker; a linear scan over typed columns
// handles a million ops in tens of milliseconds.

import type { MachineOp } from '../../engine/replay/backend';
import { columnGfnRange, tableOf } from '../../engine/replay/op-table';
import type { OpSummary } from './op-summary';
import type { LogFilter } from './view-data';

/** Inclusive GFN range an op addresses, from its arguments (gfn + nr or order). */
export function opGfnRange(op: MachineOp): [number, number] | undefined {
  // Ops of the engine machine answer from their record's columns (no args object).
  const c = columnGfnRange(op);
  if (c !== null) return c;
  const g = op.args.gfn;
  if (typeof g !== 'number') return undefined;
  const nr = op.args.nr;
  const order = op.args.order;
  const count = typeof nr === 'number' ? nr : typeof order === 'number' ? 2 ** order : 1;
  return [g, g + Math.max(1, count) - 1];
}

export interface FilterContext {
  ops: readonly MachineOp[];
  summary: OpSummary;
  /** Ops whose live writes touched [first, last] of a domain (for `touched`). */
  touchedOps?: (domain: number, first: number, last: number) => Set<number>;
  /** Row texts that replace an op's label (write-trace ops). */
  labels?: ReadonlyMap<number, string>;
  /** The engine diagnostics' texts of an op with some (read from the log on demand). */
  diagnosticsOf?: (op: number) => readonly string[];
}

/** Matching ops, ascending; undefined when every op matches. */
export function filterOps(ctx: FilterContext, f: LogFilter): Int32Array | undefined {
  const { ops, summary } = ctx;
  const n = ops.length;
  if (restrictsNothing(ctx, f, n)) return undefined;
  const from = Math.max(0, f.opFrom ?? 0);
  const to = Math.min(n - 1, f.opTo ?? n - 1);
  const kinds = f.kinds && f.kinds.length ? new Set(f.kinds) : undefined;
  const gFirst = f.gfnFirst !== undefined ? Number(f.gfnFirst) : undefined;
  const gLast = f.gfnLast !== undefined ? Number(f.gfnLast) : gFirst;
  const text = f.text?.trim().toLowerCase();
  const touched = f.touched && ctx.touchedOps
    ? ctx.touchedOps(f.touched.domain, Number(f.touched.gfnFirst), Number(f.touched.gfnLast)) : undefined;
  const out = new Int32Array(Math.max(0, to - from + 1));
  // Engine-machine ops: read the columns, not an op object per row (a million per query).
  const t = tableOf(ops);
  let k = 0;
  // "Only violations" visits just the ops with some (a walk over the column's non-zero ops,
  // not a lookup per op: a binary search each in the usual sparse column); else every op.
  const viol = f.onlyViolations ? summary.violations.nonZeroFrom(from) : undefined;
  for (let i = viol ? viol.next() : from; i <= to; i = viol ? viol.next() : i + 1) {
    if (f.domain !== undefined && (t ? t.domainOf(i) : ops[i].domain) !== f.domain) continue;
    if (kinds && !kinds.has(t ? t.kindOf(i) : ops[i].kind)) continue;
    if (touched && !touched.has(i)) continue;
    if (gFirst !== undefined && gLast !== undefined) {
      const r = t ? t.gfnRange(i) : opGfnRange(ops[i]);
      if (!r || r[1] < gFirst || r[0] > gLast) continue;
    }
    if (text && !matchesText(ctx, ops[i], i, summary, text)) continue;
    out[k++] = i;
  }
  // n distinct ascending ops out of n are all of them.
  return k === n ? undefined : out.slice(0, k);
}

/** True when `f` can reject no op (each test below mirrors one `continue` of filterOps). */
function restrictsNothing(ctx: FilterContext, f: LogFilter, n: number): boolean {
  return !f.onlyViolations && f.domain === undefined && !(f.kinds && f.kinds.length) && f.gfnFirst === undefined &&
    !f.text?.trim() && !(f.touched && ctx.touchedOps) &&
    (f.opFrom === undefined || f.opFrom <= 0) && (f.opTo === undefined || f.opTo >= n - 1);
}

function matchesText(ctx: FilterContext, op: MachineOp, i: number, summary: OpSummary, text: string): boolean {
  // Labels are built lower-case by the machine (hex, Xen names), so no per-row toLowerCase:
  // that alone cost seconds on a million rows.
  if (op.label.includes(text) || op.kind.includes(text)) return true;
  const alt = ctx.labels?.get(i);
  if (alt && alt.includes(text)) return true;
  if (`rc ${summary.rc.at(i)}` === text) return true;
  const msgs = summary.messages.get(i);
  if (msgs && msgs.some(m => m.toLowerCase().includes(text))) return true;
  return summary.diagnostics.at(i) > 0 && ctx.diagnosticsOf !== undefined && ctx.diagnosticsOf(i).some(m => m.toLowerCase().includes(text));
}

/** Most rows one log page returns. */
export const MAX_PAGE_ROWS = 1000;

/**
 * The log's rows after a query: the matching ops (filterOps' list), or every op when the
 * filter restricts nothing (no list, so an unfiltered log costs no per-op array). Both
 * session kinds page and position through this one class, so they agree on the edge cases.
 */
export class LogIndex {
  /** `list`: matching ops ascending, or undefined for all `opCount` ops. */
  constructor(private readonly list: Int32Array | undefined, private readonly opCount: number) {}

  /** Rows of the log. */
  get total(): number { return this.list ? this.list.length : this.opCount; }

  /** Op of row `k` (0 ≤ k < total). */
  at(k: number): number { return this.list ? this.list[k] : k; }

  /** Row of `op`, or of the nearest earlier matching op; -1 when none (or `op` is not a number ≥ 0). */
  indexOf(op: number): number {
    if (!(op >= 0)) return -1;
    const o = Math.floor(op);
    const list = this.list;
    if (!list) return Math.min(o, this.opCount - 1);
    // The first row whose op is past `o`, less one: the last row at or before it.
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (list[m] <= o) lo = m + 1; else hi = m;
    }
    return lo - 1;
  }

  /**
   * Rows [from, to) of a page request: a negative (or non-numeric) offset reads from row 0,
   * and up to `count` rows (at most MAX_PAGE_ROWS) are returned from there; an offset past
   * the end gives none.
   */
  page(offset: number, count: number): { from: number; to: number } {
    const from = Math.max(0, Math.floor(offset) || 0);
    const n = Math.max(0, Math.min(MAX_PAGE_ROWS, Math.floor(count) || 0));
    return { from, to: Math.max(from, Math.min(this.total, from + n)) };
  }
}
