// The set of per-domain p2ms a replay drives: one engine P2m per domain id, created on the
// domain's first operation from the trace's `config` and the domain's first `domain` line
// (vmid, pool size, hardware domain). VMIDs default to creation order (lowest free first, as
// Xen hands them out), so the first domain gets VMID 1.
import { P2m, P2mStats } from '../../../engine/p2m/p2m';
import type { P2mConfig } from '../../../engine/p2m/config';
import type { P2mSnapshot } from '../../../engine/p2m/snapshot';
import type { DomainRecord, TraceConfig } from '../../../engine/trace/records';

export interface DomainSetSnapshot {
  /** The instance each engine snapshot belongs to: it can only be restored into that one. */
  p2ms: Map<number, { p2m: P2m; snap: P2mSnapshot }>;
  declared: Map<number, DomainRecord>;
}

export class DomainSet {
  readonly p2ms = new Map<number, P2m>();
  /**
   * Each domain's stats() after its last observed op: the next op's "before", so stats() runs
   * once per op, not twice (it allocates, and a 1e5-op replay is GC-bound). Any state change
   * not observed (restore, a query's seek) clears it.
   */
  readonly lastStats = new Map<number, P2mStats>();
  private declared = new Map<number, DomainRecord>();

  constructor(readonly config: TraceConfig) {}

  declare(r: DomainRecord): void {
    // The first declaration configures the domain; later `domain N` lines only select it.
    if (!this.declared.has(r.domain)) this.declared.set(r.domain, r);
  }

  get(domain: number): P2m {
    let p = this.p2ms.get(domain);
    if (p) return p;
    const d = this.declared.get(domain);
    const used = new Set([...this.p2ms.values()].map(x => x.config.vmid));
    let vmid = d?.vmid ?? 1;
    if (d?.vmid === undefined) while (used.has(vmid)) vmid++;
    const c = this.config;
    p = new P2m({
      domid: domain, vmid,
      ...(c.ipaBits !== undefined ? { ipaBits: c.ipaBits } : {}),
      ...(c.arch !== undefined ? { arch: c.arch } : {}),
      ...(c.memAccess !== undefined ? { memAccess: c.memAccess } : {}),
      ...(c.cleanPte !== undefined ? { cleanPte: c.cleanPte } : {}),
      ...(c.iommu !== undefined ? { iommuEnabled: c.iommu } : {}),
      ...((d?.poolPages ?? c.poolPages) !== undefined ? { poolPages: d?.poolPages ?? c.poolPages } : {}),
      ...(d?.hardwareDomain !== undefined ? { isHardwareDomain: d.hardwareDomain } : {}),
      // `config strategy=` selects the algorithm variant; the engine owns the list of names.
      ...(c.strategy !== undefined ? { strategy: c.strategy as P2mConfig['strategy'] } : {}),
    });
    // Recording off: the live replay re-executes ops on every edit and the log is append-only.
    // Effects are measured through the query API instead (op-observer.ts).
    p.log.enabled = false;
    this.p2ms.set(domain, p);
    return p;
  }

  domains(): number[] {
    return [...this.p2ms.keys()].sort((a, b) => a - b);
  }

  snapshot(): DomainSetSnapshot {
    const p2ms = new Map<number, { p2m: P2m; snap: P2mSnapshot }>();
    for (const [d, p] of this.p2ms) p2ms.set(d, { p2m: p, snap: p.snapshot() });
    return { p2ms, declared: new Map(this.declared) };
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
    this.declared = new Map(s.declared);
  }

}
