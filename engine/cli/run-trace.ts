// Applies a typed trace record stream (engine/trace/records.ts) to p2m engines, one P2m per
// domain sharing one event log, and remembers which source line each engine op came from
// so diagnostics can be reported as {op, line, kind, message}. Used by `p2m replay|dump|lookup`.
import { hex64 } from '../arch/descriptor';
import { EventLog } from '../p2m/event-log';
import type { P2m } from '../p2m/p2m';
import { createP2m } from '../strategy/create-p2m';
import { parseStrategy, type StrategyName } from '../strategy/registry';
import type { P2mConfig } from '../p2m/config';
import type { TraceConfig, TraceRecord } from '../trace/records';
import { INVALID_MFN, typeName } from '../arch/types';

export interface RunOptions {
  /** Command-line overrides (win over the trace's config line). */
  ipaBits?: number;
  poolPages?: number | 'unlimited';
  memAccess?: boolean;
  /** Stop after this many operation records (p2m dump/lookup --at N). */
  stopAfterOps?: number;
  /** Algorithm (p2m replay --strategy); wins over the trace's `config strategy=`. */
  strategy?: StrategyName;
  /** xen-4.8 only: the RFC's missing `else`. */
  rfcMissingElse?: boolean;
}

export interface RunDiagnostic { op: number; line: number; kind: string; message: string; domain: number }

export class TraceRun {
  readonly log = new EventLog();
  readonly domains = new Map<number, P2m>();
  /** rc of each p2m_set_entry / __p2m_set_entry record, in order. */
  readonly rc: number[] = [];
  /** Source line of every engine op (index = op number). */
  readonly opLine: number[] = [];
  /** Diagnostics raised by the replay itself (checkpoint mismatches, unsupported records). */
  private readonly own: RunDiagnostic[] = [];
  opsApplied = 0;
  private readonly base: Partial<P2mConfig>;
  private nextVmid = 1;
  private warnedLowLevel = false;
  /** The strategy every domain runs. */
  readonly strategy: StrategyName;

  constructor(traceConfig: TraceConfig, private readonly opts: RunOptions = {}) {
    const fromTrace = parseStrategy(traceConfig.strategy);
    this.strategy = opts.strategy ?? fromTrace ?? 'upstream';
    if (!opts.strategy && traceConfig.strategy !== undefined && fromTrace === undefined) {
      this.note(0, 0, 'trace', `unknown strategy '${traceConfig.strategy}' in the config line; replaying with 'upstream'`, 0);
    }
    this.base = {
      arch: traceConfig.arch ?? 'arm64',
      ipaBits: opts.ipaBits ?? traceConfig.ipaBits ?? 40,
      poolPages: opts.poolPages ?? traceConfig.poolPages ?? 'unlimited',
      memAccess: opts.memAccess ?? traceConfig.memAccess ?? false,
      cleanPte: traceConfig.cleanPte ?? false,
      iommuEnabled: traceConfig.iommu ?? false,
      log: this.log,
    };
  }

  /** The P2m of a domain, created on first use (VMIDs lowest-free from 1). */
  domain(id: number, extra: Partial<P2mConfig> = {}): P2m {
    let p = this.domains.get(id);
    if (!p) {
      const vmid = extra.vmid ?? this.nextVmid;
      this.nextVmid = Math.max(this.nextVmid, vmid + 1);
      // Give each domain its own MFN range for table pages so descriptors stay distinct.
      const k = this.domains.size;
      p = createP2m({
        ...this.base, domid: id, vmid, poolBaseMfn: 0x80010 + k * 0x100000, rootBaseMfn: 0x40000 + k * 0x100, ...extra,
        strategy: this.strategy, rfcMissingElse: this.opts.rfcMissingElse,
      });
      this.domains.set(id, p);
    }
    return p;
  }

  /** The domain reported at top level: the first one used (domain 1 when the trace has none). */
  primary(): P2m { return this.domains.values().next().value ?? this.domain(1); }

  get done(): boolean { return this.opts.stopAfterOps !== undefined && this.opsApplied >= this.opts.stopAfterOps; }

  apply(r: TraceRecord): void {
    if (this.done) return;
    const line = r.loc.line;
    const first = this.log.opCount;
    const isOp = this.applyRecord(r, line);
    for (let op = first; op < this.log.opCount; op++) this.opLine[op] = line;
    if (isOp) this.opsApplied++;
  }

  private note(op: number, line: number, kind: string, message: string, domain: number): void {
    this.own.push({ op, line, kind, message, domain });
  }

  /** Returns true when the record is an operation (counted by --at). */
  private applyRecord(r: TraceRecord, line: number): boolean {
    switch (r.kind) {
      case 'config': return false;
      case 'domain':
        this.domain(r.domain, {
          ...(r.vmid !== undefined ? { vmid: r.vmid } : {}),
          ...(r.poolPages !== undefined ? { poolPages: r.poolPages } : {}),
          ...(r.hardwareDomain ? { isHardwareDomain: true } : {}),
        });
        return false;
      case 'setEntry': {
        const p = this.domain(r.domain);
        const rc = p.setEntry(r.gfn, r.nr, r.mfn, r.type, r.access);
        this.rc.push(rc);
        if (r.rc !== undefined && r.rc !== rc) this.note(p.opCount - 1, line, 'checkpoint-mismatch', `p2m_set_entry returned ${rc}, trace says ${r.rc}`, r.domain);
        return true;
      }
      case 'setAtOrder': {
        this.rc.push(this.domain(r.domain).setAtOrder(r.gfn, r.order, r.mfn, r.type, r.access));
        return true;
      }
      case 'lookup': this.domain(r.domain).lookupOp(r.gfn); return true;
      case 'expect': {
        const p = this.domain(r.domain);
        const e = p.lookup(r.gfn);
        const bad: string[] = [];
        if (r.mfn !== undefined && r.mfn !== e.mfn) bad.push(`mfn ${fmtMfn(e.mfn)} (expected ${fmtMfn(r.mfn)})`);
        if (r.order !== undefined && r.order !== e.order) bad.push(`order ${e.order} (expected ${r.order})`);
        if (r.valid !== undefined && r.valid !== e.valid) bad.push(`valid ${e.valid} (expected ${r.valid})`);
        if (r.type !== undefined && r.type !== typeName(e.type)) bad.push(`type ${typeName(e.type)} (expected ${r.type})`);
        if (bad.length) this.note(p.opCount - 1, line, 'checkpoint-mismatch', `expect gfn=0x${r.gfn.toString(16)}: ${bad.join(', ')}`, r.domain);
        return false;
      }
      case 'memAccess': {
        const p = this.domain(r.domain);
        if (r.enable && r.gfn === undefined) { p.enableMemAccess(); return false; }
        p.setMemAccess(r.gfn ?? 0, r.nr ?? 1, r.access ?? 'rwx');
        return true;
      }
      case 'invalidateRoot': this.domain(r.domain).invalidateRoot(); return true;
      case 'resolveFault': {
        const p = this.domain(r.domain);
        const ok = p.resolveTranslationFault(r.gfn);
        if (r.expect !== undefined && r.expect !== ok) this.note(p.opCount - 1, line, 'checkpoint-mismatch', `resolve_fault returned ${ok}, expected ${r.expect}`, r.domain);
        return true;
      }
      case 'relinquish': {
        const p = this.domain(r.domain);
        p.setDying(true);
        p.relinquish();
        return true;
      }
      case 'checkpointDumpInfo': {
        const p = this.domain(r.domain);
        const s = p.stats();
        const bad: string[] = [];
        for (let l = 1; l < 4; l++) {
          if (s.mappings[l] !== r.mappings[l]) bad.push(`mappings[${l}] engine ${s.mappings[l]} vs log ${r.mappings[l]}`);
          if (l < 3 && s.shattered[l] !== r.shattered[l]) bad.push(`shattered[${l}] engine ${s.shattered[l]} vs log ${r.shattered[l]}`);
        }
        if (bad.length) this.note(Math.max(0, this.log.opCount - 1), line, 'checkpoint-mismatch', `p2m_dump_info: ${bad.join('; ')}`, r.domain);
        return false;
      }
      case 'checkpointLookup': {
        const p = this.domain(r.domain);
        const walk = p.walk(Number(r.ipa >> 12n));
        for (const l of r.lines) {
          const step = walk.find(w => w.level === l.level);
          if (!step || step.descriptor !== l.descriptor) {
            this.note(Math.max(0, this.log.opCount - 1), l.loc.line, 'checkpoint-mismatch',
              `dump_p2m_lookup L${l.level}[0x${l.index.toString(16)}]: engine ${step ? hex64(step.descriptor) : 'none'} vs log ${hex64(l.descriptor)}`, r.domain);
          }
        }
        return false;
      }
      case 'lostRecords':
        this.note(Math.max(0, this.log.opCount - 1), line, 'lost-records', `${r.count} trace records lost on CPU ${r.cpu}`, r.domain);
        return false;
      case 'writePte': case 'tlbFlush': case 'dsb': case 'beginLock': case 'endLock':
        if (!this.warnedLowLevel) {
          this.warnedLowLevel = true;
          this.note(Math.max(0, this.log.opCount - 1), line, 'trace', 'low-level write_pte/tlb_flush/dsb lines are not replayed by the p2m model (use the BBM checker)', r.domain);
        }
        return false;
      default: return false;
    }
  }

  /** Engine diagnostics of every domain plus the replay's own, as {op, line, kind, message}. */
  diagnostics(): RunDiagnostic[] {
    const out: RunDiagnostic[] = [...this.own];
    for (const [dom, p] of this.domains) {
      for (const d of p.diagnostics) out.push({ op: d.op, line: this.opLine[d.op] ?? 0, kind: d.code, message: d.message, domain: dom });
    }
    return out.sort((a, b) => a.op - b.op || a.line - b.line);
  }
}

function fmtMfn(m: number): string { return m === INVALID_MFN ? 'INVALID' : '0x' + m.toString(16); }
