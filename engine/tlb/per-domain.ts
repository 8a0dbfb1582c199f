// Routes one shared event stream (several domains replayed into one log) to one sink per domain,
// so each TLB model caches for its own VMID and each checker mirrors its own table pages (MFNs of
// different domains' tables may coincide in a simulation). The domain comes from opBegin; events
// between ops go to the domain of the last op. A tlbFlush also teaches the router the domain's
// VMID, available through vmidOf().
import type { FlushCause, FrameName, OpKind } from '../p2m/events';
import type { TableAllocWhy, TlbEventSink } from './event-sink';

export class PerDomainSinks<S extends TlbEventSink> implements TlbEventSink {
  readonly sinks = new Map<number, S>();
  private readonly vmids = new Map<number, number>();
  private cur: S;
  private curDomain: number;

  constructor(private readonly make: (domain: number) => S, firstDomain = 1) {
    this.curDomain = firstDomain;
    this.cur = this.sinkFor(firstDomain);
  }

  sinkFor(domain: number): S {
    let s = this.sinks.get(domain);
    if (!s) this.sinks.set(domain, s = this.make(domain));
    return s;
  }

  vmidOf(domain: number): number | undefined { return this.vmids.get(domain); }

  onOpBegin(i: number, op: number, opKind: OpKind, domain?: number): void {
    if (domain !== undefined && domain !== this.curDomain) { this.curDomain = domain; this.cur = this.sinkFor(domain); }
    this.cur.onOpBegin(i, op, opKind);
  }
  onOpEnd(i: number, op: number, rc: number): void { this.cur.onOpEnd(i, op, rc); }
  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void {
    this.cur.onPteWrite(i, table, index, level, oldLo, oldHi, newLo, newHi, live, raw);
  }
  onPteClean(i: number, table: number, index: number): void { this.cur.onPteClean(i, table, index); }
  onTlbFlush(i: number, vmid: number, cause: FlushCause): void {
    this.vmids.set(this.curDomain, vmid);
    this.cur.onTlbFlush(i, vmid, cause);
  }
  onNeedFlushSet(i: number): void { this.cur.onNeedFlushSet(i); }
  onTableAlloc(i: number, table: number, level: number, why: TableAllocWhy): void { this.cur.onTableAlloc(i, table, level, why); }
  onTableZero(i: number, table: number): void { this.cur.onTableZero(i, table); }
  onTableClean(i: number, table: number): void { this.cur.onTableClean(i, table); }
  onTableFree(i: number, table: number): void { this.cur.onTableFree(i, table); }
  onFrameEnter(i: number, frame: FrameName, level: number, gfn: number): void { this.cur.onFrameEnter?.(i, frame, level, gfn); }
}
