// TLB flushes up to any position, by VMID and cause, in O(log n): the flush events are
// indexed once (lazily) so the debugger's TLB scope does not rescan the log on every stop.

import type { FlushCause } from '../p2m/events';
import type { EventSource } from './backend';

export interface FlushSummary { total: number; byCause: Map<FlushCause, number>; lastEvent: number }

export class FlushIndex {
  private readonly ev: number[] = [];
  private readonly vmid: number[] = [];
  private readonly cause: FlushCause[] = [];

  constructor(events: EventSource) {
    for (let e = 0; e < events.length; e++) {
      if (events.kindAt(e) !== 'tlbFlush') continue;
      const x = events.get(e);
      if (x.kind !== 'tlbFlush') continue;
      this.ev.push(e); this.vmid.push(x.vmid); this.cause.push(x.cause);
    }
  }

  /** Flushes of `vmid` among events [0, end). */
  summary(vmid: number, end: number): FlushSummary {
    let lo = 0, hi = this.ev.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.ev[m] < end) lo = m + 1; else hi = m; }
    const byCause = new Map<FlushCause, number>();
    let total = 0, lastEvent = -1;
    // Flushes are a small fraction of events; counting the prefix linearly is fine for views.
    for (let i = 0; i < lo; i++) {
      if (this.vmid[i] !== vmid) continue;
      total++; lastEvent = this.ev[i];
      byCause.set(this.cause[i], (byCause.get(this.cause[i]) ?? 0) + 1);
    }
    return { total, byCause, lastEvent };
  }
}
