// The TLB model and BBM checker as the debugger sees them: both are pure consumers of the
// event stream (engine/tlb), driven here over the recorded log of one domain, either to a
// cursor position (the TLB scope) or over the whole trace (exception filters).

import type { EventSource, ExternalFinding } from './backend';
import { BbmChecker } from '../tlb/bbm-checker';
import { TlbModel } from '../tlb/tlb-model';
import { dispatchEvent, type TlbEventSink } from '../tlb/event-sink';

/** Events the engine/tlb sinks do not consume: skipped without materialising them. */
const SKIP = new Set(['frameEnter', 'frameLeave', 'stat', 'diagnostic', 'mappedRange', 'radixSet', 'radixDelete', 'putPage', 'mapcacheInvalidate', 'xenheapGfnClear', 'iommuFlush']);

/** Feed the events of `domain`'s ops among [0, end) to `sink`. */
export function driveDomain(events: EventSource, domain: number, end: number, sink: TlbEventSink): void {
  // The engine's EventLog feeds raw fields (no event objects, no bigint): ~3× faster on 1M ops.
  if (events.feed !== undefined) { events.feed(new DomainFilter(domain, sink), 0, end); return; }
  let mine = false;
  for (let e = 0; e < end; e++) {
    const k = events.kindAt(e);
    if (k === 'opBegin') { const ev = events.get(e); mine = ev.kind === 'opBegin' && ev.domain === domain; }
    if (!mine || SKIP.has(k)) continue;
    dispatchEvent(sink, events.get(e), e);
  }
}

/** The TLB model of `domain` (VMID `vmid`) after events [0, end). */
export function tlbModelAt(events: EventSource, domain: number, vmid: number, end: number): TlbModel {
  const m = new TlbModel({ vmid });
  driveDomain(events, domain, end, m);
  return m;
}

/** BBM violations and stale-TLB hazards over the whole log, per domain. */
export function checkerFindings(events: EventSource, domains: ReadonlyArray<{ domain: number; vmid: number; cleanPte: boolean }>): ExternalFinding[] {
  const out: ExternalFinding[] = [];
  for (const d of domains) {
    const bbm = new BbmChecker({ cleanPte: d.cleanPte, recordWaste: false, vmid: d.vmid });
    const tlb = new TlbModel({ vmid: d.vmid });
    driveDomain(events, d.domain, events.length, new FanOut([bbm, tlb]));
    for (const f of bbm.findings) {
      if (f.severity !== 'error' || f.events.length === 0) continue;
      out.push({ filter: 'bbm-violation', event: f.events[f.events.length - 1], evidence: f.events, rule: f.rule, message: f.message });
    }
    for (const h of tlb.hazards) {
      if (h.events.length === 0) continue;
      out.push({ filter: 'stale-tlb', event: h.events[h.events.length - 1], evidence: h.events, rule: h.kind, message: h.message });
    }
  }
  return out.sort((a, b) => a.event - b.event);
}

/**
 * Passes on the events of one domain's ops (the domain comes with opBegin), frames excluded
 * like driveDomain's object path (no onFrameEnter: the feed then skips frames).
 */
class DomainFilter implements TlbEventSink {
  private mine = false;
  constructor(private readonly domain: number, private readonly sink: TlbEventSink) {}
  onOpBegin(i: number, op: number, opKind: Parameters<TlbEventSink['onOpBegin']>[2], domain?: number) {
    this.mine = domain === this.domain;
    if (this.mine) this.sink.onOpBegin(i, op, opKind, domain);
  }
  onOpEnd(...a: Parameters<TlbEventSink['onOpEnd']>) { if (this.mine) this.sink.onOpEnd(...a); }
  onPteWrite(i: number, table: number, index: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean) {
    if (this.mine) this.sink.onPteWrite(i, table, index, level, oldLo, oldHi, newLo, newHi, live, raw);
  }
  onPteClean(...a: Parameters<TlbEventSink['onPteClean']>) { if (this.mine) this.sink.onPteClean(...a); }
  onTlbFlush(...a: Parameters<TlbEventSink['onTlbFlush']>) { if (this.mine) this.sink.onTlbFlush(...a); }
  onNeedFlushSet(...a: Parameters<TlbEventSink['onNeedFlushSet']>) { if (this.mine) this.sink.onNeedFlushSet(...a); }
  onTableAlloc(...a: Parameters<TlbEventSink['onTableAlloc']>) { if (this.mine) this.sink.onTableAlloc(...a); }
  onTableZero(...a: Parameters<TlbEventSink['onTableZero']>) { if (this.mine) this.sink.onTableZero(...a); }
  onTableClean(...a: Parameters<TlbEventSink['onTableClean']>) { if (this.mine) this.sink.onTableClean(...a); }
  onTableFree(...a: Parameters<TlbEventSink['onTableFree']>) { if (this.mine) this.sink.onTableFree(...a); }
}

/** One pass over the log feeding several sinks. */
class FanOut implements TlbEventSink {
  constructor(private readonly sinks: readonly TlbEventSink[]) {}
  onOpBegin(...a: Parameters<TlbEventSink['onOpBegin']>) { for (const s of this.sinks) s.onOpBegin(...a); }
  onOpEnd(...a: Parameters<TlbEventSink['onOpEnd']>) { for (const s of this.sinks) s.onOpEnd(...a); }
  onPteWrite(...a: Parameters<TlbEventSink['onPteWrite']>) { for (const s of this.sinks) s.onPteWrite(...a); }
  onPteClean(...a: Parameters<TlbEventSink['onPteClean']>) { for (const s of this.sinks) s.onPteClean(...a); }
  onTlbFlush(...a: Parameters<TlbEventSink['onTlbFlush']>) { for (const s of this.sinks) s.onTlbFlush(...a); }
  onNeedFlushSet(...a: Parameters<TlbEventSink['onNeedFlushSet']>) { for (const s of this.sinks) s.onNeedFlushSet(...a); }
  onTableAlloc(...a: Parameters<TlbEventSink['onTableAlloc']>) { for (const s of this.sinks) s.onTableAlloc(...a); }
  onTableZero(...a: Parameters<TlbEventSink['onTableZero']>) { for (const s of this.sinks) s.onTableZero(...a); }
  onTableClean(...a: Parameters<TlbEventSink['onTableClean']>) { for (const s of this.sinks) s.onTableClean(...a); }
  onTableFree(...a: Parameters<TlbEventSink['onTableFree']>) { for (const s of this.sinks) s.onTableFree(...a); }
}
