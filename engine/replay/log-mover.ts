// Moves one set of engines (one P2m per domain, its own log disabled) along the recorded
// event log instead of re-executing ops: forward over op i applies its events' effects
// (pteWrite new values through the core's store bookkeeping, table zero/alloc/free with the
// pool, stat deltas, mapped range, need_flush, flush counts, radix); backward over op i undoes
// them in reverse event order, taking what the log lacks from the LogJournal.
//
// Only the state the views read is kept exact: the `pages` list links, the drift-note
// counters and the diagnostics list are not moved, so an engine that was moved must be
// restored from a snapshot before it executes an op again (the seeker does so).
//
// `collect` mode is the one forward pass after the first pass that fills the journal's
// previous values; verify() then compares the moved engines with the recording ones.

import type { P2mCore } from '../p2m/core';
import { FLUSH_CAUSES, type EventLog, type RawEventSink, type TableAllocWhy } from '../p2m/event-log';
import type { FlushCause, OpKind } from '../p2m/events';
import type { LogJournal } from './log-journal';
import { opOfEvent } from './timeline';

const CAUSE_INDEX = new Map<FlushCause, number>(FLUSH_CAUSES.map((c, i) => [c, i]));
/** Events fed per batch of a backward move (its reverse buffer). */
const BATCH = 4096;
// Buffer event codes (only the kinds a move acts on).
const B_BEGIN = 1, B_PTE = 2, B_ALLOC = 3, B_ZERO = 4, B_FREE = 5, B_STAT = 6, B_RANGE = 7, B_FLUSH = 8, B_RADIX = 9;

export class LogMover implements RawEventSink {
  private cores: Map<number, P2mCore> = new Map();
  private c: P2mCore | undefined;
  /** Machine op of the event being fed (ops without events have no opBegin). */
  private m = 0;
  private collect = false;
  /** First disagreement between the journal/pool and the log (collect mode); undefined = none. */
  problem: string | undefined;
  private backward_ = false;
  // reverse buffer (backward moves)
  private n = 0;
  private readonly bk = new Uint8Array(BATCH);
  private readonly bc: (P2mCore | undefined)[] = new Array(BATCH);
  private readonly bi = new Uint32Array(BATCH);      // global event index
  private readonly ba = new Float64Array(BATCH);     // table / gfn / max / op
  private readonly bb = new Float64Array(BATCH);     // index / level / low / delta / access / cause
  private readonly bo = new Uint32Array(BATCH * 2);  // old lo, hi
  private readonly bn = new Uint32Array(BATCH * 2);  // new lo, hi

  constructor(private readonly log: EventLog, private readonly opStart: Uint32Array,
    cores: Map<number, P2mCore>, readonly journal: LogJournal,
    private readonly domainOfOp: (op: number) => number) {
    this.setCores(cores);
  }

  /** The machine replaced its engine set (a fresh scratch set): move that one from now on. */
  setCores(cores: Map<number, P2mCore>): void { this.cores = cores; }

  /**
   * Ops [from, to) forward: the engines go from "before op from" to "before op to". With
   * `collect`, also fills the journal (the one pass after the first pass, in op order).
   */
  forward(from: number, to: number, collect = false): void {
    if (to <= from) return;
    this.backward_ = false;
    this.collect = collect;
    this.m = from;
    this.c = undefined;
    try { this.log.feed(this, this.opStart[from], this.opStart[to]); } finally { this.collect = false; }
  }

  /** Back from "before op from" to "before op to" (to < from), undoing events in reverse. */
  backward(from: number, to: number): void {
    if (to >= from) return;
    const lo = this.opStart[to];
    let e = this.opStart[from];
    while (e > lo) {
      const s = Math.max(lo, e - BATCH);
      this.backward_ = true;
      this.n = 0;
      // The batch may start inside an op: its domain comes from the op table.
      this.m = opOfEvent(this.opStart, s, to, from);
      this.c = this.cores.get(this.domainOfOp(this.m));
      this.log.feed(this, s, e);
      this.undoBuffer();
      e = s;
    }
  }

  // ---- RawEventSink: forward applies, backward buffers ----------------------------------

  onOpBegin(i: number, _op: number, _k: OpKind, domain?: number): void {
    const os = this.opStart;
    while (os[this.m + 1] <= i) this.m++;
    const c = this.c = this.cores.get(domain ?? this.domainOfOp(this.m));
    if (this.backward_) { this.push(B_BEGIN, i, this.m, 0); return; }
    if (c === undefined) return;
    const j = this.journal;
    if (this.collect) j.setNeedFlushBefore(this.m, c.needFlush);
    const s = j.scalars.find(this.m);
    if (s >= 0) setScalars(c, j.scalars.value(s) >>> 2);
  }
  onOpEnd(): void { /* no state */ }

  onPteWrite(i: number, table: number, index: number, _level: number, oLo: number, oHi: number, nLo: number, nHi: number): void {
    const c = this.c;
    if (c === undefined) return;
    if (this.backward_) {
      const k = this.push(B_PTE, i, table, index);
      this.bo[2 * k] = oLo; this.bo[2 * k + 1] = oHi; this.bn[2 * k] = nLo; this.bn[2 * k + 1] = nHi;
      return;
    }
    c.storeEntry(c.pageIdUnminted(table), index, nLo, nHi);
  }
  onPteClean(): void { /* cache maintenance: no state */ }
  onTlbFlush(i: number, _vmid: number, cause: FlushCause): void {
    const c = this.c;
    if (c === undefined) return;
    const k = CAUSE_INDEX.get(cause) ?? 0;
    if (this.backward_) { this.push(B_FLUSH, i, k, 0); return; }
    c.flushes[k]++;
    c.needFlush = false;
  }
  onNeedFlushSet(): void { if (!this.backward_ && this.c !== undefined) this.c.needFlush = true; }
  onTableAlloc(i: number, table: number, level: number, why: TableAllocWhy): void {
    const c = this.c;
    // Root pages are not pool pages: p2m_alloc_table only logs them.
    if (c === undefined || why === 'root') return;
    if (this.backward_) { this.push(B_ALLOC, i, table, level); return; }
    const id = c.pageIdUnminted(table);
    const from = c.pool.allocSource();
    const had = c.store.has(id);
    const p0 = had ? c.store.page(id) : undefined;
    const prev = (p0 ? p0.level : 0) | (p0?.live ? 8 : 0) | (from << 4);
    const got = c.pool.alloc();
    if (got !== id && this.problem === undefined) this.problem = `event ${i}: pool gave page ${got}, the log says ${id}`;
    if (this.collect) this.journal.alloc.push(i, prev);
    const p = c.store.writable(id);
    p.level = level; p.live = false;
    if (p.count !== 0) p.leaves = c.leafCount(id, level);
    c.tablesAllocated++;
  }
  onTableZero(i: number, table: number): void {
    const c = this.c;
    // Only zeroTable calls that wiped entries are journaled; the others found an empty page
    // (or were p2m_alloc_table's log-only root zeroing).
    if (c === undefined || !this.journal.zeroed.has(i)) return;
    if (this.backward_) { this.push(B_ZERO, i, table, 0); return; }
    c.store.zero(c.pageIdUnminted(table));
  }
  onTableClean(): void { /* cache maintenance */ }
  onTableFree(i: number, table: number): void {
    const c = this.c;
    if (c === undefined) return;
    if (this.backward_) { this.push(B_FREE, i, table, 0); return; }
    c.pool.release(c.pageIdUnminted(table));
    c.tablesFreed++;
  }
  onStat(i: number, field: 0 | 1, level: number, delta: number): void {
    const c = this.c;
    if (c === undefined) return;
    if (this.backward_) { this.push(B_STAT, i, field, level); this.bo[2 * (this.n - 1)] = delta | 0; return; }
    (field === 0 ? c.mappings : c.shattered)[level] += delta;
  }
  onMappedRange(i: number, max: number, low: number): void {
    const c = this.c;
    if (c === undefined) return;
    if (this.backward_) { this.push(B_RANGE, i, max, low); return; }
    if (this.collect) { this.journal.rangeMax.push(i, c.maxMappedGfn); this.journal.rangeLow.push(i, c.lowestMappedGfn); }
    c.maxMappedGfn = max; c.lowestMappedGfn = low;
  }
  onRadixSet(i: number, gfn: number, access: number): void { this.radix(i, gfn, access); }
  onRadixDelete(i: number, gfn: number): void { this.radix(i, gfn, -1); }

  private radix(i: number, gfn: number, access: number): void {
    const c = this.c;
    if (c === undefined) return;
    if (this.backward_) { this.push(B_RADIX, i, gfn, access); return; }
    if (this.collect) this.journal.radix.push(i, c.radix.get(gfn) ?? -1);
    if (access < 0) c.radix.delete(gfn); else c.radix.set(gfn, access);
  }

  // ---- backward ----------------------------------------------------------------------

  /** One buffered event; a batch is at most BATCH events and each pushes at most once. */
  private push(kind: number, i: number, a: number, b: number): number {
    const k = this.n++;
    this.bk[k] = kind; this.bc[k] = this.c; this.bi[k] = i; this.ba[k] = a; this.bb[k] = b;
    return k;
  }

  private undoBuffer(): void {
    const j = this.journal;
    for (let k = this.n - 1; k >= 0; k--) {
      const c = this.bc[k];
      if (c === undefined) continue;
      const i = this.bi[k];
      switch (this.bk[k]) {
        case B_PTE: c.storeEntry(c.pageIdUnminted(this.ba[k]), this.bb[k], this.bo[2 * k], this.bo[2 * k + 1]); break;
        case B_FLUSH: c.flushes[this.ba[k]]--; break;
        case B_STAT: (this.ba[k] === 0 ? c.mappings : c.shattered)[this.bb[k]] -= this.bo[2 * k] | 0; break;
        case B_RANGE: {
          const r = j.rangeMax.find(i);
          c.maxMappedGfn = j.rangeMax.value(r); c.lowestMappedGfn = j.rangeLow.value(r);
          break;
        }
        case B_RADIX: {
          const prev = j.radix.value(j.radix.find(i));
          if (prev < 0) c.radix.delete(this.ba[k]); else c.radix.set(this.ba[k], prev);
          break;
        }
        case B_FREE: c.pool.unrelease(); c.tablesFreed--; break;
        case B_ALLOC: {
          const id = c.pageIdUnminted(this.ba[k]);
          const v = j.alloc.value(j.alloc.find(i));
          c.pool.unalloc(id, v >>> 4);
          c.tablesAllocated--;
          const p = c.store.writable(id);
          p.level = v & 7; p.live = (v & 8) !== 0;
          p.leaves = p.count === 0 ? 0 : c.leafCount(id, p.level);
          break;
        }
        case B_ZERO: {
          // Put back the stale entries the zeroing wiped: plain stores (the zeroing touched
          // neither liveness nor the true counts), then the page's own leaf count.
          const id = c.pageIdUnminted(this.ba[k]);
          const w = j.zeroed.get(i)!;
          for (let x = 0; x < w.length; x += 3) c.store.write(id, w[x], w[x + 1], w[x + 2]);
          const p = c.store.writable(id);
          p.leaves = c.leafCount(id, p.level);
          break;
        }
        case B_BEGIN: {
          // The op is fully undone: the scalars it changed without events, and need_flush.
          const op = this.ba[k];
          const s = j.scalars.find(op);
          if (s >= 0) setScalars(c, j.scalars.value(s) & 3);
          c.needFlush = j.needFlushAt(op);
          break;
        }
      }
    }
  }
}

function setScalars(c: P2mCore, bits: number): void {
  c.memAccessEnabled = (bits & 1) !== 0;
  c.isDying = (bits & 2) !== 0;
}

/** Scalar bits of a core (see LogJournal.scalars). */
export function scalarBits(c: P2mCore): number { return (c.memAccessEnabled ? 1 : 0) | (c.isDying ? 2 : 0); }
