// Plot series over replay time. Flushes and violations per bucket come from the per-op
// summary; mapping counts (Xen's counters and true counts) and table pages in use are state,
// so they are sampled by seeking forward through the trace once (sequential seeks run the
// machine forward without restoring, so the whole pass costs about one unrecorded replay).

import type { ReplayMachine } from '../../engine/replay/backend';
import type { Seeker } from '../../engine/replay/seeker';
import type { OpSummary } from './op-summary';
import type { PlotData, PlotSeries, PlotSeriesId } from './view-data';

const LABELS: Record<PlotSeriesId, string> = {
  xen1G: 'Xen 1G', xen2M: 'Xen 2M', xen4K: 'Xen 4K', true1G: 'true 1G', true2M: 'true 2M', true4K: 'true 4K',
  flushes: 'TLB flushes', tablePages: 'table pages', violations: 'violations',
};

export function bucketStarts(opCount: number, buckets: number): number[] {
  const n = Math.max(1, Math.min(buckets, opCount));
  const starts: number[] = [];
  for (let b = 0; b < n; b++) starts.push(Math.floor((b * opCount) / n));
  return starts;
}

export function samplePlots<S>(machine: ReplayMachine<S>, seeker: Seeker<S>, summary: OpSummary, buckets: number): PlotData {
  const opCount = machine.ops.length;
  const starts = opCount === 0 ? [] : bucketStarts(opCount, buckets);
  const series = new Map<PlotSeriesId, number[]>();
  for (const id of Object.keys(LABELS) as PlotSeriesId[]) series.set(id, []);
  const push = (id: PlotSeriesId, v: number) => series.get(id)?.push(v);
  for (let b = 0; b < starts.length; b++) {
    const from = starts[b];
    const to = b + 1 < starts.length ? starts[b + 1] : opCount; // ops [from, to)
    let fl = 0, vi = 0;
    for (let i = from; i < to; i++) { fl += summary.flushes[i]; vi += summary.violations[i]; }
    push('flushes', fl);
    push('violations', vi);
    seeker.seek(to); // state after the bucket's last op
    const xen = [0, 0, 0, 0], real = [0, 0, 0, 0];
    let pages = 0;
    for (const d of machine.domains) {
      const v = machine.view(d);
      const st = v.stats();
      const tc = v.trueCounts();
      for (let l = 1; l <= 3; l++) { xen[l] += st.mappings[l] ?? 0; real[l] += tc[l] ?? 0; }
      pages += v.pool().used;
    }
    push('xen1G', xen[1]); push('xen2M', xen[2]); push('xen4K', xen[3]);
    push('true1G', real[1]); push('true2M', real[2]); push('true4K', real[3]);
    push('tablePages', pages);
  }
  const out: PlotSeries[] = [...series.entries()].map(([id, values]) => ({ id, label: LABELS[id], values }));
  return { bucketStart: starts, opCount, series: out };
}
