// The event-by-event interface the TLB model and the BBM checker implement, and the one
// dispatcher from `P2mEvent` objects to it. A columnar EventLog driver calls the `on*` methods
// directly with numbers (descriptors as u32 halves), so the hot path builds no objects; object
// streams (tests, views) go through `dispatchEvent`.
import { hiOf, loOf } from '../arch/descriptor';
import type { RawEventSink } from '../p2m/event-log';
import type { P2mEvent, P2mEventKind } from '../p2m/events';

// One interface for both feeds: the log's raw `feed` and `dispatchEvent` below.
export type { TableAllocWhy } from '../p2m/event-log';
export type TlbEventSink = RawEventSink;

/** Feed one event object to a sink; kinds the sinks do not need are ignored. */
export function dispatchEvent(sink: TlbEventSink, ev: P2mEvent, i: number): void {
  switch (ev.kind) {
    case 'opBegin': sink.onOpBegin(i, ev.op, ev.opKind, ev.domain); break;
    case 'opEnd': sink.onOpEnd(i, ev.op, ev.rc); break;
    case 'pteWrite':
      sink.onPteWrite(i, ev.table, ev.index, ev.level, loOf(ev.old), hiOf(ev.old), loOf(ev.new), hiOf(ev.new), ev.live, ev.raw);
      break;
    case 'pteClean': sink.onPteClean(i, ev.table, ev.index); break;
    case 'tlbFlush': sink.onTlbFlush(i, ev.vmid, ev.cause); break;
    case 'needFlushSet': sink.onNeedFlushSet(i); break;
    case 'tableAlloc': sink.onTableAlloc(i, ev.table, ev.level, ev.why); break;
    case 'tableZero': sink.onTableZero(i, ev.table); break;
    case 'tableClean': sink.onTableClean(i, ev.table); break;
    case 'tableFree': sink.onTableFree(i, ev.table); break;
    case 'frameEnter': sink.onFrameEnter?.(i, ev.frame, ev.level, ev.gfn); break;
    default: break;
  }
}

/** Feed a whole array of events (index = position in the array). */
export function dispatchAll(sink: TlbEventSink, events: readonly P2mEvent[], firstIndex = 0): void {
  for (let i = 0; i < events.length; i++) dispatchEvent(sink, events[i], firstIndex + i);
}

/** The kinds a TLB sink reacts to; everything else can be skipped without materialising it. */
export const SINK_KINDS: ReadonlySet<P2mEventKind> = new Set<P2mEventKind>([
  'opBegin', 'opEnd', 'pteWrite', 'pteClean', 'tlbFlush', 'needFlushSet', 'tableAlloc', 'tableZero', 'tableClean', 'tableFree',
  'frameEnter',
]);

/** What feedLog needs from a recorded log (the engine's EventLog fits). */
export interface EventSource {
  readonly length: number;
  kindAt(i: number): P2mEventKind;
  get(i: number): P2mEvent;
  /** Optional raw-field feed (EventLog.feed): events [from, to) straight from the columns. */
  feed?(sink: TlbEventSink, from?: number, to?: number): void;
}

/**
 * Feed events [from, to) of a recorded log to sinks, materialising only the kinds they use
 * (about 70% of a replay's events are pteWrites, so this saves the frames/stats/radix objects;
 * a raw-column accessor on EventLog would remove the rest).
 */
export function feedLog(log: EventSource, sinks: readonly TlbEventSink[], from = 0, to = log.length): void {
  // The engine's EventLog has a raw-field feed (no objects, no bigint): one pass per sink.
  if (log.feed !== undefined) { for (const s of sinks) log.feed(s, from, to); return; }
  for (let i = from; i < to; i++) {
    if (!SINK_KINDS.has(log.kindAt(i))) continue;
    const e = log.get(i);
    for (const s of sinks) dispatchEvent(s, e, i);
  }
}
