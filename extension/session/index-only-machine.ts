// The p2m side of an index-only session: one engine P2m per domain created on its first record
// (the file is read once, so domains are not known up front), records run straight into the
// engine (no TraceRecord array, no event log unless a caller enables it for one op), sparse
// snapshots restored into a separate set, and the DomainView the tree and regions read.
// Records run through engine/replay/run-record.ts, as in the full session: checkpoints
// (expect, p2m_dump_info, dump_p2m_lookup) are compared and lost records reported.

import { EventLog } from '../../engine/p2m/event-log';
import type { P2m } from '../../engine/p2m/p2m';
import type { P2mSnapshot } from '../../engine/p2m/snapshot';
import { createDomainP2m, type DomainSpec } from '../../engine/replay/domain-config';
import type { StrategyName } from '../../engine/strategy/registry';
import { ARM_P2M_TYPES, P2M_ACCESSES, type TraceConfig, type TraceRecord } from '../../engine/trace/records';
import { OP_KIND_NAMES } from '../../engine/replay/op-table';


/** Domains in order of first appearance (vmids like the full session's machine). */
export class DomainSpecs {
  readonly byId = new Map<number, DomainSpec>();
  private nextVmid = 1;
  spec(d: number): DomainSpec {
    let s = this.byId.get(d);
    if (!s) this.byId.set(d, s = { domain: d, vmid: this.nextVmid++ });
    return s;
  }
  noteDomainRecord(r: Extract<TraceRecord, { kind: 'domain' }>): void {
    const s = this.spec(r.domain);
    if (r.vmid !== undefined) s.vmid = r.vmid;
    if (r.poolPages !== undefined) s.poolPages = r.poolPages;
    if (r.hardwareDomain !== undefined) s.hardwareDomain = r.hardwareDomain;
  }
  get ids(): number[] { return [...this.byId.keys()].sort((a, b) => a - b); }
}

export type DomainSnap = Map<number, P2mSnapshot>;

/** One P2m per domain sharing one EventLog (disabled unless a caller records one op). */
export class DomainSet {
  readonly log = new EventLog();
  readonly p2ms = new Map<number, P2m>();
  constructor(private readonly specs: DomainSpecs, private readonly cfg: TraceConfig, private readonly strategy: StrategyName) {
    this.log.enabled = false;
  }

  get(domain: number): P2m {
    let p = this.p2ms.get(domain);
    if (!p) this.p2ms.set(domain, p = createDomainP2m(this.cfg, this.specs.spec(domain), this.log, this.strategy));
    return p;
  }

  snapshot(): DomainSnap {
    const s: DomainSnap = new Map();
    for (const [d, p] of this.p2ms) s.set(d, p.snapshot());
    return s;
  }

  /** Put every domain in the snapshot's state; domains it lacks did not exist yet: fresh ones. */
  restore(s: DomainSnap): void {
    for (const d of [...this.p2ms.keys()]) if (!s.has(d)) this.p2ms.delete(d);
    for (const [d, x] of s) {
      // Safe across stores: table-store epochs are process-wide and restore() starts a new one.
      this.get(d).restore(x);
    }
  }

  /** Diagnostics the engine kept since the last call (then dropped: they would pile up). */
  takeDiagnostics(p: P2m): number {
    const n = p.core.diagnostics.length;
    if (n) p.core.diagnostics.length = 0;
    return n;
  }
}

/** The op kind code a record becomes (as in the full session), or -1 for records that do not replay. */
export { opKindCodeOf as opKindCode } from '../../engine/replay/op-table';
export const SET_ENTRY_CODE = OP_KIND_NAMES.indexOf('set_entry');

/** GFN and page count an op record addresses (NaN gfn when none), for the index columns. */
export function recordRange(r: TraceRecord): [number, number] {
  switch (r.kind) {
    case 'setEntry': return [r.gfn, r.nr];
    case 'setAtOrder': return [r.gfn, 2 ** r.order];
    case 'lookup': case 'resolveFault': case 'expect': return [r.gfn, 1];
    case 'memAccess': return r.gfn === undefined ? [NaN, 0] : [r.gfn, r.nr ?? 0];
    default: return [NaN, 0];
  }
}

export function runSetEntry(p: P2m, gfn: number, nr: number, mfn: number, type: number, access: number): number {
  return p.setEntry(gfn, nr, mfn, ARM_P2M_TYPES[type] ?? 'ram_rw', P2M_ACCESSES[access] ?? 'rwx');
}

/** Records run exactly as in the full session (checkpoints compared, lost records reported). */
export { runRecord } from '../../engine/replay/run-record';
export { P2mDomainView } from '../../engine/replay/p2m-domain-view';
