// Append-only recording of the engine's event stream (events.ts) as a byte stream. The hot path
// writes a few bytes per event into fixed-size chunks (no per-event object, no copy on growth);
// `get(i)` materialises one P2mEvent for views that page through the log, `feed` streams raw
// fields to a sink.
//
// Encoding (why bytes: the u32-word log took 8 B per event, ~72 MB for a 1M-op replay; this
// takes ~5 B, and the check streams that much less memory). Each event is a header byte (bits
// 0–4 kind, 5–7 small flags) and kind-specific fields: unsigned LEB128 varints (signed values
// zigzagged), a few fixed bytes, and for a pteWrite u32 fields: its table MFN only when it
// differs from the previous pteWrite's (a split fill writes one table 512 times), and each
// non-zero descriptor's lo half, with hi bits 0–15 as a u16 and hi bits 16–31 (attributes:
// a handful of distinct values per log) as a 4-bit code into a 15-entry dictionary. The "same
// table" state restarts at every 64th event, where the index holds the event's byte address, so
// random access decodes at most 63 events. A split fill's stores (next index of the same table,
// same level/live/raw, old 0, new = previous new + a fixed lo step, hi unchanged: 7.8M of a 1M-op
// trace's 9.1M stores) take a one-byte "run" event instead (pteRun below; 6.9 → 4.0 B per event
// on that trace); its state restarts at the index points too. Events never straddle chunks. Ops are implicit:
// opBegin events are numbered in order; `opAt(i)` binary-searches the op → first-event table.
// The varint / zigzag / u32 primitives are in event-bytes.ts.
import { toBig } from '../arch/descriptor';
import type { DiagnosticCode, EngineDiagnostic, P2mEvent, P2mEventKind } from './events';
import {
  CHUNK, F5, FE_BIG, FLUSH_CAUSES, FRAMES, HI_LITERAL, K, KIND_NAMES, NEW_ZERO, nextKey, OLD_ZERO, OP_KINDS, PW_RAW,
  PW_SAME_TABLE, rcErrorDiagnostic, RUN_LIVE, WHY, type RawEventSink,
} from './event-codes';
import { EventLogWriter } from './event-log-writer';
import { after, getN, skipV, unzz } from './event-bytes';

export {
  Cause, FLUSH_CAUSES, Fr, FRAMES, K, OP_KINDS, rcErrorDiagnostic, type RawEventSink, type TableAllocWhy,
} from './event-codes';

export type EventListener = (log: EventLog, index: number) => void;

export class EventLog extends EventLogWriter {
  // ---- random access ---------------------------------------------------------------

  /** Position after the event at c[p]; moves the "same table" and run state (aT…aD) over a pteWrite. */
  private skip(c: Uint8Array, p: number): number {
    const h = c[p++];
    switch (h & 31) {
      case K.pteRun: {
        if ((h & F5) !== 0) { this.aD = u32(c, p); p += 4; }
        this.aLo = (this.aLo + this.aD) >>> 0; this.aN = nextKey(this.aN);
        return p;
      }
      case K.opEnd: return (h & F5) !== 0 ? p : skipV(c, p);
      case K.frameLeave: {
        if ((h & 0xc0) === 0) p++;
        return (h & F5) !== 0 ? p : skipV(c, p);
      }
      case K.pteWrite: {
        const f = c[p] | (c[p + 1] << 8) | (c[p + 2] << 16);
        p += 3;
        if ((f & PW_SAME_TABLE) === 0) { this.aT = u32(c, p); p += 4; }
        if ((h & OLD_ZERO) === 0) p += ((f >>> 13) & 15) === HI_LITERAL ? 8 : 6;
        this.aN = nextKey((f & 0xfff) | ((h & F5) << 7)); this.aLo = 0; this.aHi = 0;
        if ((h & NEW_ZERO) === 0) {
          const code = (f >>> 17) & 15;
          this.aLo = u32(c, p);
          this.aHi = code === HI_LITERAL ? u32(c, p + 4) : (this.hiDict[code] | c[p + 4] | (c[p + 5] << 8)) >>> 0;
          p += code === HI_LITERAL ? 8 : 6;
        }
        return p;
      }
      case K.needFlushSet: case K.mapcacheInvalidate: return p;
      case K.frameEnter: return (c[p] & FE_BIG) !== 0 ? skipV(c, p + 1) : p + 5;
      case K.tableAlloc: case K.radixSet: return skipV(c, p + 1);
      case K.pteClean: case K.iommuFlush: case K.putPage: return skipV(c, skipV(c, p));
      case K.mappedRange: return (h & F5) !== 0 ? skipV(c, p) : skipV(c, skipV(c, p));
      case K.diagnostic: return skipV(c, (h & F5) !== 0 ? p + 1 : p);
      default: return skipV(c, p); // opBegin, tlbFlush, tableZero/Clean/Free, radixDelete, stat, xenheapGfnClear
    }
  }

  /** Byte address of event i; leaves the "same table" state before it in aT. */
  private addrOf(i: number): number {
    if (i < 0 || i >= this.n) throw new RangeError(`event ${i} out of range (0..${this.n - 1})`);
    let a: number, j: number;
    if (this.cursorI >= 0 && i >= this.cursorI && i - this.cursorI < 64) {
      a = this.cursorW; j = this.cursorI;
      this.aT = this.cursorT; this.aN = this.cursorN; this.aLo = this.cursorLo; this.aHi = this.cursorHi; this.aD = this.cursorD;
    } else { a = this.every64[i >>> 6]; j = i & ~63; this.restartA(); }
    if (j < i) {
      let ci = Math.floor(a / CHUNK), w = a - ci * CHUNK, c = this.chunks[ci];
      for (; j < i; j++) {
        if ((j & 63) === 0) this.restartA();
        w = this.skip(c, w);
        // events never straddle chunks: a chunk's unused tail is skipped
        if (ci < this.ci && w >= this.chunkEnd[ci]) { ci++; c = this.chunks[ci]; w = 0; }
      }
      a = ci * CHUNK + w;
    }
    if ((i & 63) === 0) this.restartA();
    this.cursorI = i; this.cursorW = a;
    this.cursorT = this.aT; this.cursorN = this.aN; this.cursorLo = this.aLo; this.cursorHi = this.aHi; this.cursorD = this.aD;
    return a;
  }
  /** The reader's state at an index point (as indexPoint() leaves the writer's). */
  private restartA(): void { this.aT = 0; this.aN = -1; this.aLo = 0; this.aHi = 0; this.aD = 0; }

  private headerAt(a: number): number { const ci = Math.floor(a / CHUNK); return this.chunks[ci][a - ci * CHUNK]; }
  kindAt(i: number): P2mEventKind { return KIND_NAMES[this.headerAt(this.addrOf(i)) & 31]; }
  kindCodeAt(i: number): number { const k = this.headerAt(this.addrOf(i)) & 31; return k === K.pteRun ? K.pteWrite : k; }

  /** Op number containing event i (-1 before the first op). */
  opAt(i: number): number {
    let lo = 0, hi = this.ops - 1, r = -1;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1;
      if (this.opFirst[m] <= i) { r = m; lo = m + 1; } else hi = m - 1;
    }
    return r;
  }
  /** Index of op's opBegin event. */
  firstEventOfOp(op: number): number { return this.opFirst[op]; }
  /**
   * The op index as opCount + 1 entries, the last one the event count: a view of the log's own
   * array (no copy), so a timeline whose opStart equals it (timeline.ts) need not keep its own.
   */
  opIndexView(): Uint32Array {
    if (this.opFirst.length <= this.ops) { const t = new Uint32Array(this.ops + 1); t.set(this.opFirst.subarray(0, this.ops)); this.opFirst = t; }
    this.opFirst[this.ops] = this.n;
    return this.opFirst.subarray(0, this.ops + 1);
  }

  /** Diagnostics stored as objects (compact `rc-error`s are not in it: see diagnosticCount). */
  diagnosticsList(): readonly EngineDiagnostic[] { return this.diags; }
  /** Every diagnostic event in the log, compact ones included. */
  diagnosticCount(): number { return this.diags.length + this.rcN; }

  get(i: number): P2mEvent {
    const a = this.addrOf(i);
    const ci = Math.floor(a / CHUNK), c = this.chunks[ci];
    let p = a - ci * CHUNK;
    const h = c[p++];
    switch (h & 31) {
      case K.opBegin: { const v = getN(c, p); return { kind: 'opBegin', op: this.opAt(i), opKind: OP_KINDS[v & 15], domain: (v >>> 4) & 0xffff }; }
      case K.opEnd: return { kind: 'opEnd', op: this.opAt(i), rc: (h & F5) !== 0 ? 0 : unzz(getN(c, p)) };
      case K.frameEnter: {
        const gfn = (c[p] & FE_BIG) !== 0 ? getN(c, p + 1) : this.views[ci].getUint32(p + 1, true);
        return { kind: 'frameEnter', frame: FRAMES[c[p] & 15], level: (h >>> 5) & 7, gfn };
      }
      case K.frameLeave: {
        const f = (h & 0xc0) !== 0 ? (h >>> 6) - 1 : c[p++];
        return { kind: 'frameLeave', frame: FRAMES[f], rc: (h & F5) !== 0 ? 0 : unzz(getN(c, p)) };
      }
      case K.pteWrite: {
        const v = this.views[ci], f = c[p] | (c[p + 1] << 8) | (c[p + 2] << 16);
        p += 3;
        if ((f & PW_SAME_TABLE) === 0) { this.aT = v.getUint32(p, true); p += 4; }
        let old = 0n, nw = 0n;
        if ((h & OLD_ZERO) === 0) {
          const code = (f >>> 13) & 15, lo = v.getUint32(p, true);
          old = toBig(lo, code === HI_LITERAL ? v.getUint32(p + 4, true) : (this.hiDict[code] | v.getUint16(p + 4, true)) >>> 0);
          p += code === HI_LITERAL ? 8 : 6;
        }
        if ((h & NEW_ZERO) === 0) {
          const code = (f >>> 17) & 15, lo = v.getUint32(p, true);
          nw = toBig(lo, code === HI_LITERAL ? v.getUint32(p + 4, true) : (this.hiDict[code] | v.getUint16(p + 4, true)) >>> 0);
        }
        return {
          kind: 'pteWrite', table: this.aT, index: f & 511, level: (f >>> 9) & 3,
          old, new: nw, live: (h & F5) !== 0, raw: (f & PW_RAW) !== 0,
        };
      }
      case K.pteRun: {
        const key = this.aN;
        this.skip(c, p - 1); // moves the run state to this store's
        return {
          kind: 'pteWrite', table: this.aT, index: key & 511, level: (key >>> 9) & 3,
          old: 0n, new: toBig(this.aLo, this.aHi), live: (key & RUN_LIVE) !== 0, raw: (key & PW_RAW) !== 0,
        };
      }
      case K.pteClean: { const index = getN(c, p); return { kind: 'pteClean', table: getN(c, after()), index }; }
      case K.tlbFlush: { const v = getN(c, p); return { kind: 'tlbFlush', vmid: (v >>> 4) & 0xffff, cause: FLUSH_CAUSES[v & 15] }; }
      case K.needFlushSet: return { kind: 'needFlushSet' };
      case K.tableAlloc: return { kind: 'tableAlloc', table: getN(c, p + 1), level: c[p] & 7, why: WHY[(c[p] >>> 3) & 3] };
      case K.tableZero: return { kind: 'tableZero', table: getN(c, p) };
      case K.tableClean: return { kind: 'tableClean', table: getN(c, p) };
      case K.tableFree: return { kind: 'tableFree', table: getN(c, p) };
      case K.iommuFlush: { const dfn = getN(c, p); return { kind: 'iommuFlush', dfn, count: getN(c, after()), flags: (h >>> 5) & 7 }; }
      case K.radixSet: return { kind: 'radixSet', gfn: getN(c, p + 1), access: c[p] & 15 };
      case K.radixDelete: return { kind: 'radixDelete', gfn: getN(c, p) };
      case K.stat: return { kind: 'stat', field: (h & F5) !== 0 ? 'shattered' : 'mappings', level: (h >>> 6) & 3, delta: unzz(getN(c, p)) };
      case K.mappedRange: {
        const max = getN(c, p);
        return { kind: 'mappedRange', maxMappedGfn: max, lowestMappedGfn: (h & F5) !== 0 ? -1 : getN(c, after()) };
      }
      case K.putPage: { const mfn = getN(c, p); return { kind: 'putPage', mfn, count: getN(c, after()) }; }
      case K.mapcacheInvalidate: return { kind: 'mapcacheInvalidate' };
      case K.xenheapGfnClear: return { kind: 'xenheapGfnClear', mfn: getN(c, p) };
      default: {
        if ((h & F5) === 0) return { kind: 'diagnostic', diag: this.diags[getN(c, p)] };
        const j = getN(c, p + 1);
        return { kind: 'diagnostic', diag: rcErrorDiagnostic(FRAMES[c[p] & 31], this.rcVal[j], this.rcGfn[j]) };
      }
    }
  }

  /**
   * Feeds events [from, to) to `sink` straight from the bytes: one sequential pass, no event
   * objects and no bigint (descriptors stay u32 halves). This is the path for consumers that
   * look at every event (BBM checker, TLB model): `get(i)` builds an object per event and was
   * ~3× slower on a 1M-op replay. Kinds the sink has no method for are skipped.
   */
  feed(sink: RawEventSink, from = 0, to = this.n): void {
    to = Math.min(to, this.n);
    if (from >= to) return;
    const a = this.addrOf(from);
    let ci = Math.floor(a / CHUNK);
    this.fW = a - ci * CHUNK; this.fI = from;
    this.fT = this.aT; this.fN = this.aN; this.fRun[0] = this.aLo; this.fRun[1] = this.aHi; this.fRun[2] = this.aD;
    // Ops are numbered by their opBegin events in order: continue from the op before `from`.
    this.fOp = from === 0 ? -1 : this.opAt(from - 1);
    // One call per chunk, not one loop over the whole range: a short first feed (a warm-up)
    // calls feedChunk several times, so V8 has it optimised when a long feed comes, instead of
    // compiling an on-stack-replacement version of a whole-range loop again.
    while (this.fI < to) {
      const end = ci < this.ci ? this.chunkEnd[ci] : this.pos;
      this.feedChunk(sink, ci, end, to);
      if (this.fW >= end && ci < this.ci) { ci++; this.fW = 0; }
    }
    // Leave the random-access cursor where the feed stopped (a following get() is O(1)).
    if (to < this.n) {
      this.cursorI = to; this.cursorW = ci * CHUNK + this.fW;
      if ((to & 63) === 0) { this.cursorT = 0; this.cursorN = -1; this.cursorLo = 0; this.cursorHi = 0; this.cursorD = 0; }
      else { this.cursorT = this.fT; this.cursorN = this.fN; this.cursorLo = this.fRun[0]; this.cursorHi = this.fRun[1]; this.cursorD = this.fRun[2]; }
    }
  }

  /**
   * Events of chunk `ci` from byte fW / event fI while before `end` and `to`; fW, fI, fOp, fT
   * (position, event, op number, "same table" state) carry over between chunks. Frequent kinds
   * are decoded here, the rest in feedOther. Varints always go through getN: a separate one-byte
   * fast path left slow paths a short warm-up never ran, and each first run of one deoptimised
   * this loop (~50 ms of recompilation each on a 1M-op check).
   */
  private feedChunk(sink: RawEventSink, ci: number, end: number, to: number): void {
    const c = this.chunks[ci], dv = this.views[ci], hiDict = this.hiDict;
    const hasFrame = sink.onFrameEnter !== undefined, hasStat = sink.onStat !== undefined;
    const fr = this.fRun;
    let w = this.fW, i = this.fI, op = this.fOp, t = this.fT;
    for (; w < end && i < to; i++) {
      if ((i & 63) === 0) { t = 0; this.fN = -1; fr[0] = 0; fr[1] = 0; fr[2] = 0; }
      const h = c[w];
      switch (h & 31) {
        case K.pteWrite: {
          const f = c[w + 1] | (c[w + 2] << 8) | (c[w + 3] << 16);
          w += 4;
          if ((f & PW_SAME_TABLE) === 0) { t = dv.getUint32(w, true); w += 4; }
          let oLo = 0, oHi = 0, nLo = 0, nHi = 0;
          if ((h & OLD_ZERO) === 0) {
            const code = (f >>> 13) & 15;
            oLo = dv.getUint32(w, true);
            if (code !== HI_LITERAL) { oHi = (hiDict[code] | dv.getUint16(w + 4, true)) >>> 0; w += 6; } else { oHi = dv.getUint32(w + 4, true); w += 8; }
          }
          if ((h & NEW_ZERO) === 0) {
            const code = (f >>> 17) & 15;
            nLo = dv.getUint32(w, true);
            if (code !== HI_LITERAL) { nHi = (hiDict[code] | dv.getUint16(w + 4, true)) >>> 0; w += 6; } else { nHi = dv.getUint32(w + 4, true); w += 8; }
          }
          this.fN = nextKey((f & 0xfff) | ((h & F5) << 7)); fr[0] = nLo; fr[1] = nHi;
          sink.onPteWrite(i, t, f & 511, (f >>> 9) & 3, oLo, oHi, nLo, nHi, (h & F5) !== 0, (f & PW_RAW) !== 0);
          break;
        }
        case K.opBegin: {
          const v = getN(c, w + 1);
          w = after();
          op++;
          sink.onOpBegin(i, op, OP_KINDS[v & 15], (v >>> 4) & 0xffff);
          break;
        }
        case K.opEnd:
          if ((h & F5) !== 0) { w++; sink.onOpEnd(i, op, 0); } else { const v = getN(c, w + 1); w = after(); sink.onOpEnd(i, op, unzz(v)); }
          break;
        case K.frameEnter: {
          const b = c[w + 1];
          if (!hasFrame) { w = (b & FE_BIG) === 0 ? w + 6 : skipV(c, w + 2); break; }
          let g: number;
          if ((b & FE_BIG) === 0) { g = dv.getUint32(w + 2, true); w += 6; } else { g = getN(c, w + 2); w = after(); }
          sink.onFrameEnter!(i, FRAMES[b & 15], (h >>> 5) & 7, g);
          break;
        }
        case K.stat: {
          if (!hasStat) { w = skipV(c, w + 1); break; }
          const v = getN(c, w + 1);
          w = after();
          sink.onStat!(i, (h & F5) !== 0 ? 1 : 0, (h >>> 6) & 3, unzz(v));
          break;
        }
        case K.tlbFlush: {
          const v = getN(c, w + 1);
          w = after();
          sink.onTlbFlush(i, (v >>> 4) & 0xffff, FLUSH_CAUSES[v & 15]);
          break;
        }
        case K.frameLeave:
          w += (h & 0xc0) === 0 ? 2 : 1;
          if ((h & F5) === 0) w = skipV(c, w);
          break;
        case K.needFlushSet: w++; sink.onNeedFlushSet(i); break;
        default: w = this.feedOther(sink, c, w, i, t); break;
      }
    }
    this.fW = w; this.fI = i; this.fOp = op; this.fT = t;
  }

  /**
   * feed's less frequent kinds and the run stores (table `t`); returns the next position. Runs
   * are decoded here, not in feedChunk: a log's first run often comes after feedChunk is
   * optimised (a replay's first splits are late), and code in it that had never run
   * deoptimised it (~40 ms of recompilation on a 1M-op check); this method is small to
   * recompile, and its call costs less.
   */
  private feedOther(sink: RawEventSink, c: Uint8Array, w: number, i: number, t: number): number {
    const h = c[w];
    switch (h & 31) {
      case K.pteRun: {
        const fr = this.fRun, key = this.fN;
        if ((h & F5) !== 0) { fr[2] = u32(c, w + 1); w += 5; } else w++;
        const lo = (fr[0] + fr[2]) >>> 0;
        fr[0] = lo; this.fN = nextKey(key);
        sink.onPteWrite(i, t, key & 511, (key >>> 9) & 3, 0, 0, lo, fr[1], (key & RUN_LIVE) !== 0, (key & PW_RAW) !== 0);
        return w;
      }
      case K.tableAlloc: { const b = c[w + 1]; const tb = getN(c, w + 2); sink.onTableAlloc(i, tb, b & 7, WHY[(b >>> 3) & 3]); return after(); }
      case K.tableZero: { const tb = getN(c, w + 1); sink.onTableZero(i, tb); return after(); }
      case K.tableFree: { const tb = getN(c, w + 1); sink.onTableFree(i, tb); return after(); }
      case K.tableClean: { const tb = getN(c, w + 1); sink.onTableClean(i, tb); return after(); }
      case K.pteClean: { const x = getN(c, w + 1); const tb = getN(c, after()); sink.onPteClean(i, tb, x); return after(); }
      case K.mappedRange: {
        const max = getN(c, w + 1);
        const low = (h & F5) !== 0 ? -1 : getN(c, after());
        const next = after();
        sink.onMappedRange?.(i, max, low);
        return next;
      }
      case K.radixSet: { const g = getN(c, w + 2); const next = after(); sink.onRadixSet?.(i, g, c[w + 1] & 15); return next; }
      case K.radixDelete: { const g = getN(c, w + 1); const next = after(); sink.onRadixDelete?.(i, g); return next; }
      case K.diagnostic: sink.onDiagnostic?.(i, (h & F5) !== 0); return this.skip(c, w);
      default: return this.skip(c, w);
    }
  }

  /** All events (tests, small logs). */
  toArray(from = 0, to = this.n): P2mEvent[] {
    const out: P2mEvent[] = [];
    for (let i = from; i < to; i++) out.push(this.get(i));
    return out;
  }
}

/** A little-endian u32 from bytes (skip() has no DataView at hand). */
function u32(c: Uint8Array, p: number): number { return (c[p] | (c[p + 1] << 8) | (c[p + 2] << 16) | (c[p + 3] << 24)) >>> 0; }


/** Diagnostic helper type re-export for engine modules. */
export type { DiagnosticCode };
