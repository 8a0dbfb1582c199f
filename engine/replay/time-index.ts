// The time index of a loaded trace (issue 9, part D): per domain, every table entry's write
// history (time-history.ts), the scalars after every op (time-columns.ts, recorded during the
// first pass), when each pool page came into existence, and the mem_access radix's changes.
// Built by two passes over the recorded log right after the first pass; with it any op boundary
// is answered directly (time-store.ts), with nothing to move and no checkpoint.

import { baseOf } from '../arch/descriptor';
import type { P2mCore } from '../p2m/core';
import type { EventLog, RawEventSink, TableAllocWhy } from '../p2m/event-log';
import type { OpKind } from '../p2m/events';
import type { LogJournal } from './log-journal';
import { drain } from './drain';
import type { EntryHistory } from './time-history';
import { HistoryBuilder } from './time-history-builder';
import { ScalarColumns } from './time-columns';

/** Boundary keys: a change inside op m is first seen at boundary m + 1; NEVER = not yet. */
export const NEVER = 0xffffffff;

/** One GFN's radix history: boundary keys ascending, access (-1 = no entry) at each. */
export interface RadixHistory { keys: number[]; vals: number[] }

export interface DomainTimeIndex {
  readonly history: EntryHistory;
  readonly scalars: ScalarColumns;
  /** Per page id: first boundary at which the page exists in the store (root pages: 0). */
  readonly born: Uint32Array;
  readonly radix: Map<number, RadixHistory>;
}

interface Building { core: P2mCore; hist: HistoryBuilder; born: Uint32Array; radix: Map<number, RadixHistory> }

/**
 * The passes over the log: the first collects page births, radix changes and problems and has
 * the history builders count; the second (`placing`) only hands the same writes to the
 * builders again (see time-history-builder.ts).
 */
class IndexSink implements RawEventSink {
  private m = 0;
  private d: Building | undefined;
  problem: string | undefined;
  private placing = false;

  constructor(private readonly opStart: Uint32Array, private readonly doms: Map<number, Building>,
    private readonly domainOfOp: (op: number) => number, private readonly journal: LogJournal) {}

  private get key(): number { return this.m + 1; }

  /**
   * Starts the second pass (only run when the first found no problem). It hands the same writes
   * to the builders, which check that they are the same; the few checks here that still run
   * (a store or zeroing outside any op) can only fire if the log changed between the passes.
   */
  startPlacing(): void { this.placing = true; this.m = 0; this.d = undefined; }

  onOpBegin(i: number, _op: number, _k: OpKind, domain?: number): void {
    const os = this.opStart;
    while (this.m + 1 < os.length && os[this.m + 1] <= i) this.m++;
    this.d = this.doms.get(domain ?? this.domainOfOp(this.m));
  }
  onOpEnd(): void { /* no state */ }
  onPteWrite(i: number, table: number, index: number, level: number, _ol: number, _oh: number, lo: number, hi: number): void {
    const d = this.d;
    if (d === undefined) { this.problem ??= `event ${i}: a store outside any op`; return; }
    // pageId's bound is the recording core's final minted count: every page the log names.
    const id = d.core.pageId(table);
    if (this.placing) { d.hist.add(id, index, this.key, lo, hi); return; }
    if (id < 0) { this.problem ??= `event ${i}: store into unknown table ${table}`; return; }
    // A page exists from its first allocation on (`born`). A store into a page never allocated
    // yet, or a table descriptor (level < 3, bit 1) pointing at one, creates the page in the
    // engine's store earlier than that: `has` would be wrong before its allocation, so such a
    // trace keeps the log-mover mode (conservative: any such store, live or not).
    if (d.born[id] === NEVER) { this.problem ??= `event ${i}: store into page ${id} before its allocation`; return; }
    if (level >= 0 && level < 3 && (lo & 2) !== 0) {
      const t = d.core.pageId(baseOf(lo, hi));
      if (t >= 0 && d.born[t] === NEVER) { this.problem ??= `event ${i}: table entry pointing at page ${t} before its allocation`; return; }
    }
    d.hist.add(id, index, this.key, lo, hi);
  }
  onPteClean(): void { /* cache maintenance */ }
  onTlbFlush(): void { /* scalars come from the columns */ }
  onNeedFlushSet(): void { /* idem */ }
  onTableAlloc(i: number, table: number, _level: number, why: TableAllocWhy): void {
    const d = this.d;
    if (d === undefined || why === 'root' || this.placing) return;
    const id = d.core.pageId(table);
    if (id < 0) { this.problem ??= `event ${i}: unknown page ${table}`; return; }
    if (d.born[id] === NEVER) d.born[id] = this.key;
  }
  onTableZero(i: number, table: number): void {
    const z = this.journal.zeroed.get(i);
    if (z === undefined) return;
    const d = this.d;
    if (d === undefined) { this.problem ??= `event ${i}: a zeroing outside any op`; return; }
    const id = d.core.pageId(table);
    if (id < 0) { this.problem ??= `event ${i}: zeroing of unknown page ${table}`; return; }
    // The wiped stale entries each get a write of 0 at this time.
    for (let k = 0; k < z.length; k += 3) d.hist.add(id, z[k], this.key, 0, 0);
  }
  onTableClean(): void { /* cache maintenance */ }
  onTableFree(): void { /* the pool counts come from the columns */ }
  onRadixSet(_i: number, gfn: number, access: number): void { this.radix(gfn, access); }
  onRadixDelete(_i: number, gfn: number): void { this.radix(gfn, -1); }
  private radix(gfn: number, access: number): void {
    if (this.placing) return;
    const d = this.d;
    if (d === undefined) { this.problem ??= 'a radix change outside any op'; return; }
    let h = d.radix.get(gfn);
    if (!h) d.radix.set(gfn, h = { keys: [], vals: [] });
    const key = this.key;
    if (h.keys.length && h.keys[h.keys.length - 1] === key) h.vals[h.vals.length - 1] = access;
    else { h.keys.push(key); h.vals.push(access); }
  }
}

/**
 * Builds every domain's index from the log and the first pass's recording cores (their page
 * count sizes the tables) and scalar columns. `problem` is set when the log holds something the
 * index cannot place; the caller then keeps the log-mover mode.
 */
export function buildTimeIndex(log: EventLog, opStart: Uint32Array, rec: Map<number, P2mCore>,
  scalars: Map<number, ScalarColumns>, journal: LogJournal, domainOfOp: (op: number) => number): BuiltIndex {
  return drain(buildTimeIndexSteps(log, opStart, rec, scalars, journal, domainOfOp));
}

export interface BuiltIndex { index: Map<number, DomainTimeIndex>; problem?: string }

/** Events fed between two yields of buildTimeIndexSteps (a few tens of ms of decoding). */
const SLICE_EVENTS = 1 << 20;

/**
 * `buildTimeIndex` yielding every `sliceEvents` events of each pass (ReplayRuntime.load's slices).
 */
export function* buildTimeIndexSteps(log: EventLog, opStart: Uint32Array, rec: Map<number, P2mCore>,
  scalars: Map<number, ScalarColumns>, journal: LogJournal, domainOfOp: (op: number) => number,
  sliceEvents = SLICE_EVENTS): Generator<void, BuiltIndex> {
  const slice = Math.max(1, sliceEvents);
  const doms = new Map<number, Building>();
  for (const [d, c] of rec) {
    const pages = c.geo.rootPages + c.pool.totalMinted;
    const born = new Uint32Array(pages).fill(NEVER);
    born.fill(0, 0, c.geo.rootPages);
    doms.set(d, { core: c, hist: new HistoryBuilder(), born, radix: new Map() });
  }
  const sink = new IndexSink(opStart, doms, domainOfOp, journal);
  const index = new Map<number, DomainTimeIndex>();
  // The sink keeps its op and domain across slices: a slice may end inside an op.
  for (let at = 0; at < log.length; at += slice) { log.feed(sink, at, Math.min(log.length, at + slice)); yield; }
  if (sink.problem !== undefined) return { index, problem: sink.problem };
  for (const b of doms.values()) b.hist.place(b.born.length);
  sink.startPlacing();
  for (let at = 0; at < log.length; at += slice) { log.feed(sink, at, Math.min(log.length, at + slice)); yield; }
  if (sink.problem !== undefined) return { index, problem: `pass 2: ${sink.problem}` };
  for (const [d, b] of doms) {
    const s = scalars.get(d);
    if (!s) return { index, problem: `domain ${d}: no scalar columns` };
    s.finish();
    const history = b.hist.build();
    if (b.hist.problem !== undefined) return { index, problem: `domain ${d}: ${b.hist.problem}` };
    index.set(d, { history, scalars: s, born: b.born, radix: b.radix });
    yield;
  }
  return { index };
}

/** Bytes held by an index (typed arrays; radix histories estimated at 16 B per change). */
export function indexBytes(index: Map<number, DomainTimeIndex>): { histories: number; scalars: number; writes: number } {
  let h = 0, s = 0, w = 0;
  for (const x of index.values()) {
    h += x.history.bytes + x.born.byteLength;
    for (const r of x.radix.values()) h += 16 * r.keys.length + 64;
    s += x.scalars.bytes;
    w += x.history.writes;
  }
  return { histories: h, scalars: s, writes: w };
}
