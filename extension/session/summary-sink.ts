// The raw-event sink behind the per-op summary (op-summary.ts): forwards every event to the
// current domain's BBM checker and keeps the op's rc, flush count and highest BBM phase, all
// from EventLog.feed's numeric fields. Going through `get(i)` + dispatchEvent built an object
// (and bigints) per event and was ~3.5× slower on a 1M-op session load.

import type { RawEventSink } from '../../engine/p2m/event-log';
import type { FlushCause, OpKind, P2mEvent } from '../../engine/p2m/events';
import type { BbmChecker } from '../../engine/tlb/bbm-checker';
import { dispatchEvent, SINK_KINDS, type TlbEventSink } from '../../engine/tlb/event-sink';

/** Ranks in PHASES order (op-summary.ts): none 0, prepare 1, make 2, flush 3, break 4. */
const R_PREPARE = 1, R_MAKE = 2, R_FLUSH = 3, R_BREAK = 4;

/** What the summary reads from the recorded log; `feed` is optional so plain sources still work. */
export interface SummarySource {
  readonly length: number;
  get(i: number): P2mEvent;
  kindAt(i: number): string;
  feed?(sink: RawEventSink, from?: number, to?: number): void;
  /** Every diagnostic the log holds (EventLog): when empty the diagnostic scan is skipped. */
  diagnosticsList?(): readonly unknown[];
  /** How many diagnostic events the log holds, compact `rc-error`s included (EventLog). */
  diagnosticCount?(): number;
}

export class SummarySink implements RawEventSink {
  checker!: BbmChecker;
  rc = 0;
  flushes = 0;
  rank = 0;

  /** Reset the per-op fields and select the checker of the op's domain. */
  begin(checker: BbmChecker): void {
    this.checker = checker; this.rc = 0; this.flushes = 0; this.rank = 0;
  }

  onOpBegin(i: number, op: number, opKind: OpKind): void { this.checker.onOpBegin(i, op, opKind); }
  onOpEnd(i: number, op: number, rc: number): void { this.rc = rc; this.checker.onOpEnd(i, op, rc); }
  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void {
    // Same phase rule as eventPhase(): unlinked tables are "prepare"; valid→invalid is the break.
    const r = !live ? R_PREPARE : (oldLo & 1) !== 0 && (newLo & 1) === 0 ? R_BREAK : (newLo & 1) !== 0 ? R_MAKE : 0;
    if (r > this.rank) this.rank = r;
    this.checker.onPteWrite(i, table, index, level, oldLo, oldHi, newLo, newHi, live, raw);
  }
  onPteClean(i: number, table: number, index: number): void { this.checker.onPteClean(i, table, index); }
  onTlbFlush(i: number, vmid: number, cause: FlushCause): void {
    this.flushes++;
    if (R_FLUSH > this.rank) this.rank = R_FLUSH;
    this.checker.onTlbFlush(i, vmid, cause);
  }
  onNeedFlushSet(i: number): void { this.checker.onNeedFlushSet(i); }
  onTableAlloc(i: number, table: number, level: number, why: 'table' | 'split' | 'root'): void { this.checker.onTableAlloc(i, table, level, why); }
  onTableZero(i: number, table: number): void { this.checker.onTableZero(i, table); }
  onTableClean(i: number, table: number): void { this.checker.onTableClean(i, table); }
  onTableFree(i: number, table: number): void { this.checker.onTableFree(i, table); }
  // No onFrameEnter: the summary's checker never looked at frames (dispatch skipped them too).
}

/** events [from, to) to `sink`: the log's raw feed when it has one, else object dispatch. */
export function feedRange(events: SummarySource, sink: RawEventSink, from: number, to: number): void {
  if (events.feed !== undefined) { events.feed(sink, from, to); return; }
  const s: TlbEventSink = sink;
  for (let i = from; i < to; i++) {
    const k = events.kindAt(i);
    if (k !== 'frameEnter' && SINK_KINDS.has(k as P2mEvent['kind'])) dispatchEvent(s, events.get(i), i);
  }
}
