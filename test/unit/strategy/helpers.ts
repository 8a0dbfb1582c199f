// Shared helpers for the strategy tests: build a p2m under a strategy with a BBM checker fed
// from its event log, and measure what an "act" phase did (engine counters and checker counts
// after minus before), so each §6.2 / §9 number is checked on the act alone.
import type { P2m } from '../../../engine/p2m/p2m';
import type { P2mEvent } from '../../../engine/p2m/events';
import { createP2m, type StrategyP2mConfig } from '../../../engine/strategy/create-p2m';
import type { StrategyName } from '../../../engine/strategy/registry';
import { BbmChecker } from '../../../engine/tlb/bbm-checker';
import { dispatchEvent } from '../../../engine/tlb/event-sink';

export { rng } from '../helpers/rng';

export const R0 = 0x40000;
export const P = (n: number) => 0x80010 + n;
export const INVALID = -1;

export class Harness {
  readonly p: P2m;
  readonly checker: BbmChecker;
  private fed = 0;
  constructor(strategy: StrategyName, cfg: Omit<StrategyP2mConfig, 'strategy'> = {}, cleanPte = false) {
    this.p = createP2m({ ...cfg, strategy });
    this.checker = new BbmChecker({ recordWaste: false, cleanPte });
  }
  feed(): void {
    for (; this.fed < this.p.log.length; this.fed++) dispatchEvent(this.checker, this.p.log.get(this.fed), this.fed);
  }
}

export interface Act {
  rc: number[];
  flushes: number;
  byCause: Record<string, number>;
  violations: number;
  inPlace: number;
  live: number;
  fresh: number;
  allocated: number;
  freed: number;
  /** The act's events (materialised on first use: a 1G remap has ~300k). */
  readonly events: P2mEvent[];
}

export function act(h: Harness, fn: (p: P2m) => number[]): Act {
  h.feed();
  const s0 = h.p.stats(), c0 = { ...h.checker.counts }, e0 = h.p.log.length, log = h.p.log;
  const rc = fn(h.p);
  h.feed();
  const s1 = h.p.stats(), c1 = h.checker.counts;
  const byCause: Record<string, number> = {};
  for (const [k, v] of Object.entries(s1.flushesByCause)) byCause[k] = v - (s0.flushesByCause as Record<string, number>)[k];
  return {
    rc, flushes: s1.tlbFlushes - s0.tlbFlushes, byCause,
    violations: c1.violations - c0.violations, inPlace: c1.inPlaceValidWrites - c0.inPlaceValidWrites,
    live: c1.livePteWrites - c0.livePteWrites, fresh: c1.freshPteWrites - c0.freshPteWrites,
    allocated: s1.tablePages.allocated - s0.tablePages.allocated, freed: s1.tablePages.freed - s0.tablePages.freed,
    get events() { return log.toArray(e0); },
  };
}

export { entry, entryCount } from '../engine/helpers';

/** Xen counters [1G, 2M, 4K] and shattered [1G, 2M]. */
export function stats(p: P2m): { m: number[]; sh: number[] } {
  const s = p.stats();
  return { m: [s.mappings[1], s.mappings[2], s.mappings[3]], sh: [s.shattered[1], s.shattered[2]] };
}

/** 2016 table entry (type 0, read, xn) and current typed forms, base OR-ed in. */
export const oldTable = (mfn: number) => 0x0040_0000_0000_077fn | (BigInt(mfn) << 12n);
export const newTable = (mfn: number) => 0x0080_0000_0000_07ffn | (BigInt(mfn) << 12n);
export const page4k = (mfn: number) => 0x0080_0000_0000_07ffn | (BigInt(mfn) << 12n);
export const block = (mfn: number) => 0x0080_0000_0000_07fdn | (BigInt(mfn) << 12n);
