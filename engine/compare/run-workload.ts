// Replays one typed record stream (engine/trace/records.ts) under ONE strategy, one P2m per
// domain, and feeds each domain's events to its own BBM checker (table MFNs are per domain).
// The strategy comparison calls this once per strategy; nothing here prints.
import { INVALID_MFN, typeName } from '../arch/types';
import { EventLog } from '../p2m/event-log';
import type { P2m } from '../p2m/p2m';
import { createP2m } from '../strategy/create-p2m';
import type { StrategyName } from '../strategy/registry';
import { BbmChecker } from '../tlb/bbm-checker';
import { applyConfig, DEFAULT_DOMAIN, type TraceConfig, type TraceRecord } from '../trace/records';

export interface WorkloadOptions {
  /** Configuration read from the trace's header (readers that do not emit `config` records). */
  traceConfig?: TraceConfig;
  /** Overrides of the trace's config (win over `config` lines). */
  ipaBits?: number;
  poolPages?: number | 'unlimited';
  memAccess?: boolean;
  /** xen-4.8: reproduce the RFC's missing `else`. */
  rfcMissingElse?: boolean;
  /** Armv8.4 FEAT_BBM level given to the checker (relaxes block-size changes). */
  featBbm?: 0 | 1 | 2;
}

export interface DomainRun { domain: number; p2m: P2m; checker: BbmChecker }

export interface WorkloadRun {
  strategy: StrategyName;
  domains: DomainRun[];
  /** rc of every set_entry / set_at_order record, in order. */
  rc: number[];
  /** `expect` / `expect_stats` lines that did not hold under this strategy. */
  expectMismatches: { line: number; message: string }[];
  /** Records the comparison does not replay (low-level writes, unknown kinds). */
  skipped: number;
  /** What the last operation alone cost (the §6.2 table measures one call after its setup). */
  lastOp?: OpCost;
}

/** Cost of one operation: checker and engine counters after minus before. */
export interface OpCost {
  line: number;
  domain: number;
  tlbFlushes: number;
  bbmViolations: number;
  inPlaceValidWrites: number;
  livePteWrites: number;
  freshPteWrites: number;
  tablePages: { allocated: number; freed: number };
}

function costNow(d: DomainRun, line: number): OpCost {
  const c = d.checker.counts, s = d.p2m.stats();
  return {
    line, domain: d.domain, tlbFlushes: s.tlbFlushes, bbmViolations: c.violations, inPlaceValidWrites: c.inPlaceValidWrites,
    livePteWrites: c.livePteWrites, freshPteWrites: c.freshPteWrites, tablePages: { allocated: s.tablePages.allocated, freed: s.tablePages.freed },
  };
}

function costDelta(a: OpCost, b: OpCost): OpCost {
  return {
    line: b.line, domain: b.domain, tlbFlushes: b.tlbFlushes - a.tlbFlushes, bbmViolations: b.bbmViolations - a.bbmViolations,
    inPlaceValidWrites: b.inPlaceValidWrites - a.inPlaceValidWrites, livePteWrites: b.livePteWrites - a.livePteWrites,
    freshPteWrites: b.freshPteWrites - a.freshPteWrites,
    tablePages: { allocated: b.tablePages.allocated - a.tablePages.allocated, freed: b.tablePages.freed - a.tablePages.freed },
  };
}

/** Replays `records` under `strategy`. Never throws on bad input: odd records are skipped. */
export function runWorkload(records: readonly TraceRecord[], strategy: StrategyName, opts: WorkloadOptions = {}): WorkloadRun {
  let cfg: TraceConfig = { ...opts.traceConfig };
  for (const r of records) if (r.kind === 'config') cfg = applyConfig(cfg, r);
  const base = {
    arch: cfg.arch ?? 'arm64',
    ipaBits: opts.ipaBits ?? cfg.ipaBits ?? 40,
    poolPages: opts.poolPages ?? cfg.poolPages ?? 'unlimited',
    memAccess: opts.memAccess ?? cfg.memAccess ?? false,
    cleanPte: cfg.cleanPte ?? false,
    iommuEnabled: cfg.iommu ?? false,
  } as const;
  const run: WorkloadRun = { strategy, domains: [], rc: [], expectMismatches: [], skipped: 0 };
  const byId = new Map<number, DomainRun>();
  let nextVmid = 1;
  const domain = (id: number, extra: { vmid?: number; poolPages?: number | 'unlimited'; isHardwareDomain?: boolean } = {}): DomainRun => {
    let d = byId.get(id);
    if (!d) {
      const vmid = extra.vmid ?? nextVmid;
      nextVmid = Math.max(nextVmid, vmid + 1);
      const k = byId.size;
      // Same per-domain MFN ranges as `p2m replay`, so table MFNs agree with its output.
      const p2m = createP2m({
        ...base, ...extra, strategy, rfcMissingElse: opts.rfcMissingElse, domid: id, vmid,
        poolBaseMfn: 0x80010 + k * 0x100000, rootBaseMfn: 0x40000 + k * 0x100, log: new EventLog(),
      });
      d = { domain: id, p2m, checker: new BbmChecker({ cleanPte: base.cleanPte, recordWaste: false, featBbm: opts.featBbm ?? 0 }) };
      byId.set(id, d);
      run.domains.push(d);
    }
    return d;
  };
  const fed = new Map<number, number>();
  const feed = (d: DomainRun): void => {
    const log = d.p2m.log;
    const from = fed.get(d.domain) ?? 0;
    if (from === log.length) return;
    // Straight from the columns: no event objects (a 1G shatter is ~500k events).
    log.feed(d.checker, from);
    fed.set(d.domain, log.length);
  };
  /** Runs one mutating operation and remembers its cost. */
  const op = <T>(d: DomainRun, line: number, fn: () => T): T => {
    feed(d);
    const before = costNow(d, line);
    const r = fn();
    feed(d);
    run.lastOp = costDelta(before, costNow(d, line));
    return r;
  };
  for (const r of records) {
    switch (r.kind) {
      case 'config': break;
      case 'domain':
        domain(r.domain, {
          ...(r.vmid !== undefined ? { vmid: r.vmid } : {}),
          ...(r.poolPages !== undefined ? { poolPages: r.poolPages } : {}),
          ...(r.hardwareDomain ? { isHardwareDomain: true } : {}),
        });
        break;
      case 'setEntry': { const d = domain(r.domain); run.rc.push(op(d, r.loc.line, () => d.p2m.setEntry(r.gfn, r.nr, r.mfn, r.type, r.access))); break; }
      case 'setAtOrder': { const d = domain(r.domain); run.rc.push(op(d, r.loc.line, () => d.p2m.setAtOrder(r.gfn, r.order, r.mfn, r.type, r.access))); break; }
      case 'lookup': { const d = domain(r.domain); d.p2m.lookupOp(r.gfn); feed(d); break; }
      case 'memAccess': {
        const d = domain(r.domain);
        if (r.enable && r.gfn === undefined) d.p2m.enableMemAccess();
        else op(d, r.loc.line, () => d.p2m.setMemAccess(r.gfn ?? 0, r.nr ?? 1, r.access ?? 'rwx'));
        break;
      }
      case 'invalidateRoot': { const d = domain(r.domain); op(d, r.loc.line, () => d.p2m.invalidateRoot()); break; }
      case 'resolveFault': { const d = domain(r.domain); op(d, r.loc.line, () => d.p2m.resolveTranslationFault(r.gfn)); break; }
      case 'relinquish': { const d = domain(r.domain); d.p2m.setDying(true); op(d, r.loc.line, () => d.p2m.relinquish()); break; }
      case 'expect': {
        const e = domain(r.domain).p2m.lookup(r.gfn);
        const bad: string[] = [];
        if (r.mfn !== undefined && r.mfn !== e.mfn) bad.push(`mfn ${fmt(e.mfn)} (expected ${fmt(r.mfn)})`);
        if (r.order !== undefined && r.order !== e.order) bad.push(`order ${e.order} (expected ${r.order})`);
        if (r.type !== undefined && r.type !== typeName(e.type)) bad.push(`type ${typeName(e.type)} (expected ${r.type})`);
        if (bad.length) run.expectMismatches.push({ line: r.loc.line, message: `expect gfn=0x${r.gfn.toString(16)}: ${bad.join(', ')}` });
        break;
      }
      case 'checkpointDumpInfo': {
        const s = domain(r.domain).p2m.stats();
        const bad: string[] = [];
        for (let l = 1; l < 4; l++) {
          if (s.mappings[l] !== r.mappings[l]) bad.push(`mappings[${l}] ${s.mappings[l]} (expected ${r.mappings[l]})`);
          if (l < 3 && s.shattered[l] !== r.shattered[l]) bad.push(`shattered[${l}] ${s.shattered[l]} (expected ${r.shattered[l]})`);
        }
        if (bad.length) run.expectMismatches.push({ line: r.loc.line, message: `stats: ${bad.join('; ')}` });
        break;
      }
      default: run.skipped++; break;
    }
  }
  if (run.domains.length === 0) domain(DEFAULT_DOMAIN);
  for (const d of run.domains) { feed(d); d.checker.finish(d.p2m.log.length); }
  return run;
}

function fmt(m: number): string { return m === INVALID_MFN ? 'INVALID' : '0x' + m.toString(16); }
