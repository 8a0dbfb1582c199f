// xentrace binary writer: valid windows (12-byte CPU-change record + whole t_rec records)
// for tests, fixtures and "export". Records go to the CPU in their location (or opts.cpu);
// consecutive records of one CPU share a window. TSC modes:
//   'records'    every record carries a TSC (its own loc.tsc, else a synthetic counter), so
//                a TSC merge reproduces the input order exactly;
//   'window-pad' records carry no TSC, each window starts with a timestamped wrap pad, which
//                is what trace-formats §1.5 recommends for synthetic traces read by xenalyze;
//   'none'       no TSC anywhere (the shape of a real x86 p2m-only trace).

import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { INVALID_MFN, TraceRecord, TraceRecordKind } from './records';
import { ArmNumbering, TraceArch, armTypeToNumber } from './types-map';
import { chunkSetEntry } from './chunking';
import { OTHER_MEM_EVENTS } from './record-store';
import {
  TRC_LOST_RECORDS, TRC_MEM_DECREASE_RESERVATION, TRC_MEM_PAGE_GRANT_MAP, TRC_MEM_POD_POPULATE,
  TRC_MEM_POD_SUPERPAGE_SPLINTER, TRC_MEM_POD_ZERO_RECLAIM, TRC_MEM_SET_P2M_ENTRY, TRC_TRACE_WRAP_BUFFER,
} from './xentrace-decode';
import { TRC_TRACE_CPU_CHANGE_HDR } from './xentrace-windows';

export type TscMode = 'records' | 'window-pad' | 'none';

export interface XentraceWriteOptions {
  arch?: TraceArch;
  armNumbering?: ArmNumbering;
  tsc?: TscMode;
  /** CPU for records whose location names none. */
  cpu?: number;
  /** Maximum record bytes per window (a real ring holds at most tbuf_size_pages*4096-8). */
  windowBytes?: number;
  startTsc?: bigint;
  tscStep?: bigint;
  /** mem_access enabled: setEntry records are chunked 4K-only, like Xen. */
  memAccess?: boolean;
  source?: string;
}

export interface XentraceWriteResult { bytes: Uint8Array; diagnostics: TraceDiagnostic[] }

const U64_MASK = 0xffff_ffff_ffff_ffffn;

class ByteSink {
  buf = new Uint8Array(1 << 12);
  dv = new DataView(this.buf.buffer);
  len = 0;
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.len + n) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b; this.dv = new DataView(b.buffer);
  }
  u32(v: number): void { this.reserve(4); this.dv.setUint32(this.len, v >>> 0, true); this.len += 4; }
  u64(v: bigint): void { this.u32(Number(v & 0xffffffffn)); this.u32(Number((v >> 32n) & 0xffffffffn)); }
}

export function writeXentrace(records: Iterable<TraceRecord>, opts: XentraceWriteOptions = {}): XentraceWriteResult {
  const diags = new DiagnosticList(opts.source ?? '<xentrace-writer>');
  const mode = opts.tsc ?? 'records';
  const arch = opts.arch ?? 'arm';
  const maxWin = Math.max(40, opts.windowBytes ?? 65536);
  const step = opts.tscStep ?? 1000n;
  let tsc = opts.startTsc ?? 1_000_000n;
  const out = new ByteSink();
  let winCpu = -1;
  let winHdr = -1; // offset of the open window's CPU-change record
  const skipped = new Map<TraceRecordKind, number>();
  let accessLost = 0;

  const closeWindow = (): void => {
    if (winHdr >= 0) out.dv.setUint32(winHdr + 8, out.len - winHdr - 12, true);
    winHdr = -1;
  };
  const openWindow = (cpu: number): void => {
    closeWindow();
    winHdr = out.len;
    out.u32(TRC_TRACE_CPU_CHANGE_HDR); out.u32(cpu); out.u32(0);
    winCpu = cpu;
    if (mode === 'window-pad') {
      tsc += step;
      out.u32((TRC_TRACE_WRAP_BUFFER | 0x80000000) >>> 0); out.u64(tsc);
    }
  };
  /** Emit one t_rec; `own` is the record's own TSC when it has one. */
  const rec = (cpu: number, event: number, words: number[], own?: bigint): void => {
    const withTsc = mode === 'records' || own !== undefined && mode !== 'none' && event === TRC_LOST_RECORDS;
    const size = 4 + (withTsc ? 8 : 0) + 4 * words.length;
    if (cpu !== winCpu || winHdr < 0 || out.len + size - winHdr - 12 > maxWin) openWindow(cpu);
    out.u32((event | (words.length << 28) | (withTsc ? 0x80000000 : 0)) >>> 0);
    if (withTsc) {
      tsc = own !== undefined && own > tsc ? own : tsc + step;
      out.u64(tsc);
    }
    for (const w of words) out.u32(w);
  };
  const lo = (v: number): number => (v === INVALID_MFN ? 0xffffffff : v % 4294967296);
  const hi = (v: number): number => (v === INVALID_MFN ? 0xffffffff : Math.floor(v / 4294967296));

  for (const r of records) {
    const cpu = r.loc.cpu ?? opts.cpu ?? 0;
    const own = r.loc.tsc;
    switch (r.kind) {
      case 'setEntry':
      case 'setAtOrder': {
        const t = armTypeToNumber(r.type, arch, opts.armNumbering);
        if (t < 0) {
          diags.add({ line: r.loc.line, column: r.loc.column, byteOffset: r.loc.byteOffset, severity: 'warning', message: `type ${r.type} has no ${arch} number: record skipped` });
          continue;
        }
        if (r.access !== 'rwx') accessLost++;
        const chunks = r.kind === 'setAtOrder' ? [{ gfn: r.gfn, order: r.order, mfn: r.mfn }] : chunkSetEntry(r.gfn, r.nr, r.mfn, opts.memAccess ?? false);
        if (chunks === undefined) {
          diags.add({ line: r.loc.line, column: r.loc.column, byteOffset: r.loc.byteOffset, severity: 'error', message: 'p2m_set_entry needs too many chunks: record skipped' });
          continue;
        }
        for (const c of chunks) {
          rec(cpu, TRC_MEM_SET_P2M_ENTRY, [lo(c.gfn), hi(c.gfn), lo(c.mfn), hi(c.mfn), t, (r.domain & 0xffff) | ((c.order & 0xffff) << 16)], own);
        }
        break;
      }
      case 'otherMem': {
        const ev = OTHER_MEM_EVENTS.indexOf(r.event);
        const g = r.gfn ?? 0, m = r.mfn ?? 0, o = r.order ?? 0;
        if (ev <= 2) rec(cpu, TRC_MEM_PAGE_GRANT_MAP + ev, [r.domain], own);
        else if (r.event === 'decreaseReservation') rec(cpu, TRC_MEM_DECREASE_RESERVATION, [lo(g), hi(g), r.domain, o], own);
        else if (r.event === 'podPopulate' || r.event === 'podZeroReclaim') {
          rec(cpu, r.event === 'podPopulate' ? TRC_MEM_POD_POPULATE : TRC_MEM_POD_ZERO_RECLAIM, [lo(g), hi(g), lo(m), hi(m), r.domain, o], own);
        } else rec(cpu, TRC_MEM_POD_SUPERPAGE_SPLINTER, [lo(g), hi(g), r.domain, o], own);
        break;
      }
      case 'lostRecords': {
        const f = r.firstTsc & U64_MASK;
        // The record's own TSC must follow first_tsc (xenalyze checks it).
        const ownT = own !== undefined && own > f ? own : (f + 1n > tsc ? f + 1n : tsc + step);
        rec(cpu, TRC_LOST_RECORDS, [r.count >>> 0, (r.domain & 0xffff) | ((r.vcpu & 0xffff) << 16), Number(f & 0xffffffffn), Number(f >> 32n)], ownT);
        break;
      }
      case 'opaque': {
        if (r.words.length > 7) {
          diags.add({ line: r.loc.line, column: r.loc.column, byteOffset: r.loc.byteOffset, severity: 'error', message: `event 0x${r.event.toString(16)} has ${r.words.length} extra words, a t_rec holds at most 7: record skipped` });
          continue;
        }
        rec(cpu, r.event & 0x0fffffff, r.words.map(w => w >>> 0), own);
        break;
      }
      default:
        skipped.set(r.kind, (skipped.get(r.kind) ?? 0) + 1);
    }
  }
  closeWindow();
  for (const [kind, n] of skipped) {
    diags.add({ line: 0, column: 0, severity: 'info', message: `${n} ${kind} record(s) have no xentrace representation: skipped` });
  }
  if (accessLost > 0) {
    diags.add({ line: 0, column: 0, severity: 'info', message: `${accessLost} set_p2m record(s) had an access other than rwx: xentrace records carry no access (trace-formats §5.1)` });
  }
  return { bytes: out.buf.slice(0, out.len), diagnostics: diags.finish() };
}
