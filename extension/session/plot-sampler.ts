// Plot series over replay time. Flushes and violations per bucket come from the per-op
// summary; Xen's mapping counters and table pages in use are rebuilt from the event stream
// (stat, tableAlloc/tableFree events) in one pass; the true leaf counts are state only the
// engine knows, so they are sampled by seeking at no more than TRUE_SAMPLES points (held
// between samples), which bounds the cost on a 1M-op trace to a few snapshot intervals.

import type { ReplayMachine } from '../../engine/replay/backend';
import type { Seeker } from '../../engine/replay/seeker';
import type { OpSummary } from './op-summary';
import type { PlotData, PlotSeries, PlotSeriesId } from './view-data';

const LABELS: Record<PlotSeriesId, string> = {
  xen1G: 'Xen 1G', xen2M: 'Xen 2M', xen4K: 'Xen 4K', true1G: 'true 1G', true2M: 'true 2M', true4K: 'true 4K',
  flushes: 'TLB flushes', tablePages: 'table pages', violations: 'violations',
};
const TRUE_SAMPLES = 64;

export function bucketStarts(opCount: number, buckets: number): number[] {
  const n = Math.max(1, Math.min(buckets, opCount));
  const starts: number[] = [];
  for (let b = 0; b < n; b++) starts.push(Math.floor((b * opCount) / n));
  return starts;
}

export function samplePlots<S>(machine: ReplayMachine<S>, seeker: Seeker<S>, summary: OpSummary, opStart: Uint32Array, buckets: number): PlotData {
  const opCount = machine.ops.length;
  const starts = opCount === 0 ? [] : bucketStarts(opCount, buckets);
  const series = new Map<PlotSeriesId, number[]>();
  for (const id of Object.keys(LABELS) as PlotSeriesId[]) series.set(id, []);
  const push = (id: PlotSeriesId, v: number) => series.get(id)?.push(v);
  const ev = machine.events;
  const xen = [0, 0, 0, 0];
  let pages = 0;
  const trueAt = new Map<number, number[]>();
  const every = Math.max(1, Math.ceil(starts.length / TRUE_SAMPLES));
  let held = [0, 0, 0, 0];
  for (let b = 0; b < starts.length; b++) {
    const from = starts[b];
    const to = b + 1 < starts.length ? starts[b + 1] : opCount; // ops [from, to)
    // Range sums from the columns' prefix totals: no per-op loop over the bucket.
    push('flushes', summary.flushes.before(to) - summary.flushes.before(from));
    push('violations', summary.violations.before(to) - summary.violations.before(from));
    for (let e = opStart[from]; e < opStart[to]; e++) {
      const k = ev.kindAt(e);
      if (k !== 'stat' && k !== 'tableAlloc' && k !== 'tableFree') continue;
      const x = ev.get(e);
      if (x.kind === 'stat') { if (x.field === 'mappings' && x.level >= 0 && x.level <= 3) xen[x.level] += x.delta; }
      else if (x.kind === 'tableAlloc') { if (x.why !== 'root') pages++; }
      else if (x.kind === 'tableFree') pages--;
    }
    push('xen1G', xen[1]); push('xen2M', xen[2]); push('xen4K', xen[3]);
    push('tablePages', pages);
    if (b % every === 0 || b === starts.length - 1) {
      seeker.seek(to); // state after the bucket's last op
      held = [0, 0, 0, 0];
      for (const d of machine.domains) {
        const tc = machine.view(d).trueCounts();
        for (let l = 1; l <= 3; l++) held[l] += tc[l] ?? 0;
      }
      trueAt.set(b, held);
    }
    push('true1G', held[1]); push('true2M', held[2]); push('true4K', held[3]);
  }
  const out: PlotSeries[] = [...series.entries()].map(([id, values]) => ({ id, label: LABELS[id], values }));
  return { bucketStart: starts, opCount, series: out };
}
