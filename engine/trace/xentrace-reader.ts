// xentrace binary reader (trace-formats §1, §2). Pass 1 finds the windows; pass 2 walks one
// cursor per CPU through that CPU's windows and merges the CPUs by TSC the way xenalyze
// does: the CPU whose pending record has the smallest ordering TSC goes next, a record
// without a TSC is ordered (and stamped) at its CPU's last TSC, ties go to the CPU processed
// most recently, and a lost-records record is ordered at its first_tsc.
// Differences from xenalyze, on purpose: each window is read exactly once (xenalyze can
// duplicate output when no record has a TSC, §1.5 pitfall), and damage is reported and
// skipped instead of being fatal.

import { ByteCursor, ByteSource, MemorySource } from './byte-source';
import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { RecordStore } from './record-store';
import { ArmNumbering, TraceArch, typeTable } from './types-map';
import { scanWindows, DEFAULT_RESYNC_LIMIT } from './xentrace-windows';
import {
  DecodeContext, KNOWN_CLASSES, MemLayout, TRC_LOST_RECORDS, TRC_MEM_SET_P2M_ENTRY, TRC_TRACE_CPU_CHANGE,
  TRC_TRACE_WRAP_BUFFER, decodeOtherMem, decodeSetP2m,
} from './xentrace-decode';

export interface XentraceReadOptions {
  source?: string;
  /** How to name numeric p2m types (default arm). */
  arch?: TraceArch;
  armNumbering?: ArmNumbering;
  /** MEM record layout for decrease_reservation / PoD (default auto-detect per record). */
  memLayout?: MemLayout;
  /** Treat 0x00000000ffffffff as INVALID_MFN too (traces from arm32 builds). */
  invalidMfn32?: boolean;
  resyncLimit?: number;
  /** Counter frequency for loc.time (xenalyze --cpu-hz; default 2.4 GHz; Arm: CNTFRQ). */
  cpuHz?: number;
  /**
   * Called as windows are read through: bytes of the input consumed so far (window bytes
   * every CPU has read) and records so far; at most once per PROGRESS_BYTES of input, and
   * once at the end with the input's size. Always phase 'parse'.
   */
  onProgress?: ReadProgress;
}

/**
 * Progress of a trace read: bytes consumed and records so far, and which pass: 'read' while
 * a file is read whole into memory (no records yet), 'parse' while records are produced.
 * Passed explicitly so a listener need not infer the switch from bytes going backwards.
 */
export type ReadProgress = (bytes: number, records: number, phase: 'read' | 'parse') => void;

/**
 * Input bytes between two progress reports: the text readers report per 64 KB chunk; a
 * window can be a few records long, so reports are spaced by input read, not by window.
 */
const PROGRESS_BYTES = 1 << 16;

export interface XentraceReadResult {
  store: RecordStore;
  diagnostics: TraceDiagnostic[];
  cpus: number[];
  windows: number;
}

interface CpuState {
  cpu: number;
  windows: number[];
  wi: number;
  pos: number;
  end: number;
  active: boolean;
  /** Pending record: offset, header, size (0 = none). */
  recPos: number;
  recHdr: number;
  recSize: number;
  keyHi: number;
  keyLo: number;
  lastHi: number;
  lastLo: number;
  stamp: number;
  /** Each CPU reads through its own cursor so it stays in its own cached block. */
  cur: ByteCursor;
  /** Bytes of this CPU's windows read through (presizing the store). */
  done: number;
}

function hex(n: number): string { return '0x' + n.toString(16); }

export function readXentrace(input: ByteSource | Uint8Array, opts: XentraceReadOptions = {}): XentraceReadResult {
  const source = opts.source ?? '<xentrace>';
  const diags = new DiagnosticList(source);
  const src = input instanceof Uint8Array ? new MemorySource(input) : input;
  // Presize for typical 28–36-byte records, capped so a huge or bogus file does not reserve memory up front.
  const store = new RecordStore(source, Math.min(1 << 20, Math.ceil(src.size / 36) + 16));
  const types = typeTable(opts.arch ?? 'arm', opts.armNumbering ?? '4.12');
  store.sourceTypeNames = types.map(t => t.sourceName);
  store.sourceArch = opts.arch ?? 'arm';
  if (opts.cpuHz !== undefined && opts.cpuHz >= 1e6) store.timeQhz = (BigInt(Math.round(opts.cpuHz)) << 10n) / 1_000_000_000n;
  const ctx: DecodeContext = {
    store, diags, types, memLayout: opts.memLayout ?? 'auto', invalidMfn32: opts.invalidMfn32 ?? false,
    approxCount: new Int32Array(16), approxFirst: new Float64Array(16), oddUnmaps: 0,
  };
  let cpuList: number[] = [];
  let windowCount = 0;
  try {
    const wins = scanWindows(src, diags, opts.resyncLimit ?? DEFAULT_RESYNC_LIMIT);
    windowCount = wins.count;
    cpuList = merge(src, wins.start, wins.size, wins.cpu, wins.count, ctx, opts.onProgress);
    opts.onProgress?.(src.size, store.length, 'parse');
  } catch (e) {
    diags.add({ line: 0, column: 0, severity: 'error', message: `internal reader error: ${e instanceof Error ? e.message : String(e)}` });
  } finally {
    if (!(input instanceof Uint8Array)) src.close();
  }
  for (let t = 0; t < 16; t++) {
    if (ctx.approxCount[t] > 0) {
      diags.add({ line: 0, column: 0, byteOffset: ctx.approxFirst[t], severity: 'warning',
        message: `${types[t].note ?? ''} (${ctx.approxCount[t]} record${ctx.approxCount[t] > 1 ? 's' : ''})` });
    }
  }
  if (ctx.oddUnmaps > 0) {
    diags.add({ line: 0, column: 0, severity: 'warning',
      message: `${ctx.oddUnmaps} set_p2m_entry record(s) had INVALID_MFN with a mapping type: replayed as removals` });
  }
  return { store, diagnostics: diags.finish(), cpus: cpuList, windows: windowCount };
}

function merge(src: ByteSource, wStart: Float64Array, wSize: Float64Array, wCpu: Int16Array, nWin: number, ctx: DecodeContext,
  onProgress: ReadProgress | undefined): number[] {
  const byCpu = new Map<number, CpuState>();
  for (let w = 0; w < nWin; w++) {
    let s = byCpu.get(wCpu[w]);
    if (s === undefined) {
      s = { cpu: wCpu[w], windows: [], wi: -1, pos: 0, end: 0, active: true, recPos: 0, recHdr: 0, recSize: 0, keyHi: 0, keyLo: 0, lastHi: 0, lastLo: 0, stamp: 0, cur: new ByteCursor(src), done: 0 };
      byCpu.set(wCpu[w], s);
    }
    s.windows.push(w);
  }
  const cpus = [...byCpu.values()];
  const scratch = new DataView(new ArrayBuffer(40));
  const { diags, store } = ctx;

  let reported = 0;
  /**
   * `s` has read through its window (once per window, not per record; kept out of `advance`
   * so that stays small enough to inline): presize the store from the bytes every CPU has
   * read so far (its initial capacity stops at 1M records), so a large file is not grown by
   * 1.5× copies, and report progress.
   */
  const windowDone = (s: CpuState): void => {
    s.done += wSize[s.windows[s.wi]];
    let read = 0;
    for (const c of cpus) read += c.done + (c !== s && c.active && c.wi >= 0 ? c.pos - wStart[c.windows[c.wi]] : 0);
    store.reserveFor(read, src.size);
    if (onProgress !== undefined && read - reported >= PROGRESS_BYTES) { reported = read; onProgress(read, store.length, 'parse'); }
  };

  /** Load the next record of `s` as pending (or deactivate it). */
  const advance = (s: CpuState): void => {
    const cur = s.cur;
    for (;;) {
      if (s.pos >= s.end) {
        if (s.wi >= 0) windowDone(s);
        if (++s.wi >= s.windows.length) { s.active = false; s.recSize = 0; return; }
        const w = s.windows[s.wi];
        s.pos = wStart[w]; s.end = wStart[w] + wSize[w];
        continue;
      }
      if (s.end - s.pos < 4) {
        diags.add({ line: 0, column: 0, byteOffset: s.pos, cpu: s.cpu, severity: 'error', message: `${s.end - s.pos} stray bytes at the end of a window (expected a 4-byte record header)` });
        s.pos = s.end; continue;
      }
      const h = cur.u32(s.pos);
      const n = (h >>> 28) & 7;
      const tsc = h >>> 31;
      const size = 4 + tsc * 8 + 4 * n;
      if (s.pos + size > s.end) {
        diags.add({ line: 0, column: 0, byteOffset: s.pos, cpu: s.cpu, severity: 'error', message: `record header 0x${h.toString(16)} at ${hex(s.pos)} needs ${size} bytes but the window ends after ${s.end - s.pos}: rest of window skipped` });
        s.pos = s.end; continue;
      }
      const cls = (h >>> 16) & 0xfff;
      if (cls === 0 || (cls & (cls - 1)) !== 0) {
        diags.add({ line: 0, column: 0, byteOffset: s.pos, cpu: s.cpu, severity: 'error', message: `bad record header 0x${h.toString(16).padStart(8, '0')} at ${hex(s.pos)}: class 0x${cls.toString(16)} must have exactly one bit set; rest of window skipped` });
        s.pos = s.end; continue;
      }
      s.recPos = s.pos; s.recHdr = h; s.recSize = size;
      s.pos += size;
      const ev = h & 0x0fffffff;
      if (tsc) {
        const p = s.recPos;
        s.keyLo = cur.u32(p + 4); s.keyHi = cur.u32(p + 8);
        if (ev === TRC_LOST_RECORDS && n >= 4) {
          // xenalyze prints the lost_records line at first_tsc's position in the merged order.
          s.keyLo = cur.u32(p + 20); s.keyHi = cur.u32(p + 24);
        }
      } else {
        s.keyHi = s.lastHi; s.keyLo = s.lastLo;
      }
      return;
    }
  };

  for (const s of cpus) advance(s);
  let stamp = 0;
  const act = cpus.filter(s => s.active);
  while (act.length > 0) {
    // Pick the smallest ordering TSC; on ties the CPU processed most recently wins.
    let best = act[0];
    for (let k = 1; k < act.length; k++) {
      const s = act[k];
      if (s.keyHi < best.keyHi || (s.keyHi === best.keyHi && (s.keyLo < best.keyLo || (s.keyLo === best.keyLo && s.stamp > best.stamp)))) best = s;
    }
    emit(best);
    best.stamp = ++stamp;
    advance(best);
    if (!best.active) act.splice(act.indexOf(best), 1);
  }
  return cpus.map(s => s.cpu).sort((a, b) => a - b);

  function emit(s: CpuState): void {
    const cur = s.cur;
    const h = s.recHdr, size = s.recSize, off = s.recPos;
    const n = (h >>> 28) & 7;
    const hasTsc = (h >>> 31) === 1;
    let dv: DataView, p: number;
    if (cur.ensure(off, size)) { dv = cur.view(); p = off - cur.base(); }
    else {
      for (let k = 0; k < size; k++) scratch.setUint8(k, cur.u8(off + k));
      dv = scratch; p = 0;
    }
    if (hasTsc) {
      s.lastLo = dv.getUint32(p + 4, true); s.lastHi = dv.getUint32(p + 8, true);
      // xenalyze's time origin: the first timestamped record processed.
      if (store.timeFirst === undefined) store.timeFirst = (BigInt(s.lastHi) << 32n) | BigInt(s.lastLo);
    }
    const tHi = s.lastHi, tLo = s.lastLo;
    const hadTime = hasTsc || tHi !== 0 || tLo !== 0;
    const wp = p + (hasTsc ? 12 : 4);
    const ev = h & 0x0fffffff;
    if (ev === TRC_MEM_SET_P2M_ENTRY && n >= 6) {
      if (decodeSetP2m(ctx, dv, wp, s.cpu, off, hadTime, tHi, tLo)) return;
    } else if (ev === TRC_TRACE_WRAP_BUFFER) {
      return; // padding: skipped by its size
    } else if (ev === TRC_LOST_RECORDS && n >= 4) {
      const count = dv.getUint32(wp, true);
      const w1 = dv.getUint32(wp + 4, true);
      const first = (BigInt(dv.getUint32(wp + 12, true)) << 32n) | BigInt(dv.getUint32(wp + 8, true));
      const own = (BigInt(tHi) << 32n) | BigInt(tLo);
      store.push({ kind: 'lostRecords', cpu: s.cpu, count, domain: w1 & 0xffff, vcpu: w1 >>> 16, firstTsc: first,
        loc: { source: store.source, line: 0, column: 0, byteOffset: off, cpu: s.cpu, tsc: own } });
      diags.add({ line: 0, column: 0, byteOffset: off, cpu: s.cpu, severity: 'warning',
        message: `${count} records lost on CPU ${s.cpu} between TSC ${first} and TSC ${own}` });
      if (hasTsc && own <= first) {
        diags.add({ line: 0, column: 0, byteOffset: off, cpu: s.cpu, severity: 'warning', message: `lost-records record's own TSC ${own} is not after its first_tsc ${first} (xenalyze treats this as a file error)` });
      }
      return;
    } else if (ev === TRC_TRACE_CPU_CHANGE) {
      diags.add({ line: 0, column: 0, byteOffset: off, cpu: s.cpu, severity: 'warning', message: 'CPU-change record inside a window (only the xentrace daemon writes these, between windows): skipped' });
      return;
    } else if ((ev >>> 16) === 0x010 && decodeOtherMem(ctx, ev, dv, wp, n, s.cpu, off, hadTime, tHi, tLo)) {
      return;
    } else if (ev === TRC_MEM_SET_P2M_ENTRY) {
      diags.add({ line: 0, column: 0, byteOffset: off, cpu: s.cpu, severity: 'error', message: `set_p2m_entry record with ${n} extra words, expected 6: kept as opaque` });
    } else if (!KNOWN_CLASSES.has((ev >>> 16) & 0xfff)) {
      diags.add({ line: 0, column: 0, byteOffset: off, cpu: s.cpu, severity: 'info', message: `unknown event class 0x${((ev >>> 16) & 0xfff).toString(16)} (event 0x${ev.toString(16)}): passed through as opaque` });
    }
    store.pushOpaque(ev, dv, wp, n, s.cpu, off, hadTime, tHi, tLo);
  }
}
