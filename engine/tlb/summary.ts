// The per-replay figures the strategy comparison (`p2m compare`, issue 4 §4) needs from the
// checker, in the shape of its JSON contract where the names overlap. Pure function of the
// checker's counters, so the compare command stays a thin driver.
import type { FlushCause } from '../p2m/events';
import type { BbmRule } from './bbm-rules';
import type { BbmChecker } from './bbm-checker';

export interface BbmSummary {
  tlbFlushes: number;
  flushesByCause: Record<FlushCause, number>;
  /** Flushes with nothing to invalidate, total and by cause. */
  wastedFlushes: number;
  wastedByCause: Record<FlushCause, number>;
  bbmViolations: number;
  violationsByRule: Record<Exclude<BbmRule, 'wasted-flush'>, number>;
  livePteWrites: number;
  freshPteWrites: number;
  /** Live valid→valid stores (the legacy "in-place overwrites"). */
  inPlaceValidWrites: number;
  tablePages: { allocated: number; freed: number };
}

export function summarize(c: BbmChecker): BbmSummary {
  const k = c.counts;
  const { ['wasted-flush']: _w, ...byRule } = k.violationsByRule;
  return {
    tlbFlushes: k.flushes,
    flushesByCause: { ...k.flushesByCause },
    wastedFlushes: k.wastedFlushes,
    wastedByCause: { ...k.wastedByCause },
    bbmViolations: k.violations,
    violationsByRule: byRule,
    livePteWrites: k.livePteWrites,
    freshPteWrites: k.freshPteWrites,
    inPlaceValidWrites: k.inPlaceValidWrites,
    tablePages: { allocated: k.tablesAllocated, freed: k.tablesFreed },
  };
}
