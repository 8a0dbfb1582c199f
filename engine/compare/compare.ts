// `p2m compare`: one workload replayed under several strategies, with what each one costs
// (TLB flushes by cause, live vs fresh PTE stores, table pages, BBM violations, final stats and
// true counts) and whether the final translations agree. `CompareJson` is the `--json`
// contract (issue §4); extra fields are allowed, the listed ones never change shape.
import type { FlushCause } from '../p2m/events';
import type { StrategyName } from '../strategy/registry';
import type { BbmRule } from '../tlb/bbm-rules';
import type { TraceRecord } from '../trace/records';
import { type OpCost, runWorkload, type WorkloadOptions, type WorkloadRun } from './run-workload';
import { firstDifferingGfn, type TranslationAt, translationAt, translationRuns, type TranslationRun } from './translation';

export interface StrategyJson {
  tlbFlushes: number;
  flushesByCause: Record<FlushCause, number>;
  bbmViolations: number;
  violationsByRule: Record<BbmRule, number>;
  /** Live stores that replaced a hw-valid entry by another hw-valid one. */
  inPlaceValidWrites: number;
  livePteWrites: number;
  freshPteWrites: number;
  /** Flushes with nothing to invalidate (counted, not errors). */
  wastedFlushes: number;
  tablePages: { allocated: number; freed: number };
  /** Xen's counters of the first domain (drift included). */
  stats: { mappings: number[]; shattered: number[] };
  /** True p2m-valid leaf counts per level of the first domain. */
  leafCounts: number[];
  maxMappedGfn: string;
  lowestMappedGfn: string;
  /** Calls that returned an error. */
  failedCalls: number;
  expectMismatches: number;
  /** First violations (rule, message, event indices) for a quick look. */
  firstViolations: { rule: BbmRule; message: string; events: number[] }[];
  /** The cost of the last operation alone (its source line included), null when none ran. */
  lastOp: OpCost | null;
}

export interface FirstDifference {
  domain: number;
  gfn: string;
  /** What each strategy maps there (null = nothing). */
  translations: Record<string, TranslationAt | null>;
}

export interface CompareJson {
  strategies: Record<string, StrategyJson>;
  sameTranslation: boolean;
  firstDifference: FirstDifference | null;
}

export interface CompareResult { json: CompareJson; runs: WorkloadRun[] }

const gfnHex = (g: number) => (g < 0 ? '0xffffffffffffffff' : '0x' + g.toString(16));

function strategyJson(run: WorkloadRun): StrategyJson {
  const first = run.domains[0];
  const s = first.p2m.stats();
  let tlbFlushes = 0, allocated = 0, freed = 0, viol = 0, live = 0, fresh = 0, inPlace = 0, wasted = 0;
  const byCause = {} as Record<FlushCause, number>;
  const byRule = {} as Record<BbmRule, number>;
  const firstViolations: StrategyJson['firstViolations'] = [];
  for (const d of run.domains) {
    const ds = d.p2m.stats(), c = d.checker.counts;
    tlbFlushes += ds.tlbFlushes; allocated += ds.tablePages.allocated; freed += ds.tablePages.freed;
    for (const [k, v] of Object.entries(ds.flushesByCause) as [FlushCause, number][]) byCause[k] = (byCause[k] ?? 0) + v;
    viol += c.violations; live += c.livePteWrites; fresh += c.freshPteWrites; inPlace += c.inPlaceValidWrites; wasted += c.wastedFlushes;
    for (const [k, v] of Object.entries(c.violationsByRule) as [BbmRule, number][]) if (k !== 'wasted-flush') byRule[k] = (byRule[k] ?? 0) + v;
    for (const f of d.checker.violations) if (firstViolations.length < 5) firstViolations.push({ rule: f.rule, message: f.message, events: f.events });
  }
  return {
    tlbFlushes, flushesByCause: byCause, bbmViolations: viol, violationsByRule: byRule, inPlaceValidWrites: inPlace,
    livePteWrites: live, freshPteWrites: fresh, wastedFlushes: wasted, tablePages: { allocated, freed },
    stats: { mappings: s.mappings, shattered: s.shattered }, leafCounts: s.leafCounts,
    maxMappedGfn: gfnHex(s.maxMappedGfn), lowestMappedGfn: gfnHex(s.lowestMappedGfn),
    failedCalls: run.rc.filter(rc => rc !== 0).length, expectMismatches: run.expectMismatches.length, firstViolations,
    lastOp: run.lastOp ?? null,
  };
}

/** The lowest (domain, GFN) where any strategy's translation differs from the first one's. */
function findDifference(runs: WorkloadRun[]): FirstDifference | null {
  const domains = [...new Set(runs.flatMap(r => r.domains.map(d => d.domain)))].sort((a, b) => a - b);
  for (const dom of domains) {
    const per = runs.map(r => {
      const d = r.domains.find(x => x.domain === dom);
      return d ? translationRuns(d.p2m) : [] as TranslationRun[];
    });
    let best: number | undefined;
    for (let k = 1; k < per.length; k++) {
      const g = firstDifferingGfn(per[0], per[k]);
      if (g !== undefined && (best === undefined || g < best)) best = g;
    }
    if (best !== undefined) {
      const translations: Record<string, TranslationAt | null> = {};
      runs.forEach((r, k) => { translations[r.strategy] = translationAt(per[k], best!); });
      return { domain: dom, gfn: gfnHex(best), translations };
    }
  }
  return null;
}

/** Replays `records` under each strategy (in the order given) and compares them. */
export function compareRecords(records: readonly TraceRecord[], strategies: readonly StrategyName[], opts: WorkloadOptions = {}): CompareResult {
  const runs = strategies.map(s => runWorkload(records, s, opts));
  const strategiesJson: Record<string, StrategyJson> = {};
  for (const r of runs) strategiesJson[r.strategy] = strategyJson(r);
  const firstDifference = runs.length > 1 ? findDifference(runs) : null;
  return { json: { strategies: strategiesJson, sameTranslation: firstDifference === null, firstDifference }, runs };
}

/**
 * One row per strategy in the shape of the UI's comparison table (extension/session/view-data.ts
 * `StrategyResult`), so the trace-log panel can show engine results without knowing the JSON.
 */
export interface StrategyRow {
  strategy: string;
  available: boolean;
  note?: string;
  tlbFlushes?: number;
  liveWrites?: number;
  tableAllocs?: number;
  tableFrees?: number;
  violations?: number;
  stats?: string;
}

export function compareRows(records: readonly TraceRecord[], strategies: readonly StrategyName[], opts: WorkloadOptions = {}): StrategyRow[] {
  const { json } = compareRecords(records, strategies, opts);
  return strategies.map(name => {
    const s = json.strategies[name];
    const row: StrategyRow = {
      strategy: name, available: true, tlbFlushes: s.tlbFlushes, liveWrites: s.livePteWrites,
      tableAllocs: s.tablePages.allocated, tableFrees: s.tablePages.freed, violations: s.bbmViolations,
      stats: s.stats.mappings.slice(1).join('/'),
    };
    if (!json.sameTranslation && json.firstDifference) row.note = `final translation differs first at GFN ${json.firstDifference.gfn}`;
    return row;
  });
}
