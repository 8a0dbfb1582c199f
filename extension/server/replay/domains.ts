// The set of per-domain p2ms a replay drives, created the way the CLI's replay creates them
// (engine/cli/run-trace.ts) so the editor and `p2m replay` agree on every descriptor: one P2m
// per domain id, made on its `domain` line or first operation, VMIDs handed out from 1,
// each domain with its own table-page MFN range, defaults ipa_bits 40 / unlimited pool, and
// `config strategy=` honoured through the engine's createP2m.
import type { P2m, P2mStats } from '../../../engine/p2m/p2m';
import type { P2mConfig } from '../../../engine/p2m/config';
import type { P2mSnapshot } from '../../../engine/p2m/snapshot';
import { createP2m } from '../../../engine/strategy/create-p2m';
import { parseStrategy } from '../../../engine/strategy/registry';
import type { DomainRecord, TraceConfig } from '../../../engine/trace/records';

export interface DomainSetSnapshot {
  /** The instance each engine snapshot belongs to: it can only be restored into that one. */
  p2ms: Map<number, { p2m: P2m; snap: P2mSnapshot }>;
  nextVmid: number;
}

export class DomainSet {
  readonly p2ms = new Map<number, P2m>();
  /**
   * Each domain's stats() after its last observed op: the next op's "before", so stats() runs
   * once per op, not twice (it allocates, and a 1e5-op replay is GC-bound). Any state change
   * not observed (restore, a query's seek) clears it.
   */
  readonly lastStats = new Map<number, P2mStats>();
  private nextVmid = 1;
  private readonly base: Partial<P2mConfig>;
  /** Unknown `strategy=` names fall back to upstream (the parser already accepted the word). */
  private readonly strategy: ReturnType<typeof parseStrategy>;

  /** `record`: keep the engines' event logs on (the BBM pass feeds them to the checker). */
  constructor(readonly config: TraceConfig, private readonly record = false) {
    this.base = {
      arch: config.arch ?? 'arm64',
      ipaBits: config.ipaBits ?? 40,
      poolPages: config.poolPages ?? 'unlimited',
      memAccess: config.memAccess ?? false,
      cleanPte: config.cleanPte ?? false,
      iommuEnabled: config.iommu ?? false,
    };
    this.strategy = parseStrategy(config.strategy);
  }

  /** A `domain` line: creates the domain with its vmid / pool / hwdom on first sight. */
  declare(r: DomainRecord): void {
    this.get(r.domain, {
      ...(r.vmid !== undefined ? { vmid: r.vmid } : {}),
      ...(r.poolPages !== undefined ? { poolPages: r.poolPages } : {}),
      ...(r.hardwareDomain ? { isHardwareDomain: true } : {}),
    });
  }

  get(domain: number, extra: Partial<P2mConfig> = {}): P2m {
    let p = this.p2ms.get(domain);
    if (p) return p;
    const vmid = extra.vmid ?? this.nextVmid;
    this.nextVmid = Math.max(this.nextVmid, vmid + 1);
    const k = this.p2ms.size;
    p = createP2m({
      ...this.base, domid: domain, vmid, poolBaseMfn: 0x80010 + k * 0x100000, rootBaseMfn: 0x40000 + k * 0x100, ...extra,
      ...(this.strategy !== undefined ? { strategy: this.strategy } : {}),
    });
    // Recording off: the live replay re-executes ops on every edit and the log is append-only.
    // Effects are measured through the query API instead (op-observer.ts).
    p.log.enabled = this.record;
    this.p2ms.set(domain, p);
    this.onCreate?.(domain, p);
    return p;
  }

  /** Called when a domain's P2m is created (the BBM pass attaches its checker). */
  onCreate?: (domain: number, p2m: P2m) => void;

  /** Strategy the domains run ('upstream' unless `config strategy=` names another). */
  get strategyName(): string {
    return this.strategy ?? 'upstream';
  }

  domains(): number[] {
    return [...this.p2ms.keys()].sort((a, b) => a - b);
  }

  snapshot(): DomainSetSnapshot {
    const p2ms = new Map<number, { p2m: P2m; snap: P2mSnapshot }>();
    for (const [d, p] of this.p2ms) p2ms.set(d, { p2m: p, snap: p.snapshot() });
    return { p2ms, nextVmid: this.nextVmid };
  }

  /** Back to a snapshot of this same set (engine snapshots restore into their own P2m only). */
  restore(s: DomainSetSnapshot): void {
    // Exactly the snapshot's instances: domains created after it disappear, and an instance
    // dropped by an earlier (cancelled) pass comes back.
    this.p2ms.clear();
    this.lastStats.clear();
    for (const [d, { p2m, snap }] of s.p2ms) {
      p2m.restore(snap);
      this.p2ms.set(d, p2m);
    }
    this.nextVmid = s.nextVmid;
  }
}
