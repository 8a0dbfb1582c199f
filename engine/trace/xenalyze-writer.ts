// xenalyze `--dump-all` text writer (trace-formats §3): used by tests and fixtures, and to
// show our records in the form Xen developers already read. Records without a xenalyze
// line (config, checkpoints, low-level writes, …) are skipped and counted.

import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { INVALID_MFN, TraceRecord, TraceRecordKind } from './records';
import { ArmNumbering, TraceArch, armTypeToNumber } from './types-map';
import { chunkSetEntry } from './chunking';

export interface XenalyzeWriteOptions {
  arch?: TraceArch;
  armNumbering?: ArmNumbering;
  /** Width of the pcpu string (default: highest CPU seen + 1). */
  cpus?: number;
  source?: string;
}

const hex = (n: number): string => (n === INVALID_MFN ? 'ffffffffffffffff' : n.toString(16));

/** The `<time> <pcpu> <vcpu>` header; 14 blanks when there is no time. */
export function xenalyzeHeader(time: number | undefined, cpu: number, cpus: number, cur?: { domain?: number; vcpu?: number }): string {
  let t: string;
  if (time === undefined || time === 0) t = ' '.repeat(14);
  else {
    const total = Math.round(time * 1e9);
    const sec = Math.floor(total / 1e9);
    const ns = total % 1e9;
    t = `${String(sec).padStart(3)}.${String(ns).padStart(9, '0')}`;
  }
  let p = '';
  for (let c = 0; c < Math.max(cpus, cpu + 1); c++) p += c === cpu ? 'x' : '.';
  // Without scheduler records xenalyze shows its default domain 32768 with vCPU = CPU.
  const d = cur?.domain ?? (cur?.vcpu === undefined ? 32768 : undefined);
  const v = cur?.vcpu ?? (cur?.domain === undefined ? cpu : undefined);
  return `${t} ${p} d${d ?? '?'}v${v ?? '?'}`;
}

export function writeXenalyze(records: Iterable<TraceRecord>, o: XenalyzeWriteOptions = {}): { text: string; diagnostics: TraceDiagnostic[] } {
  const diags = new DiagnosticList(o.source ?? '<xenalyze-writer>');
  const arch = o.arch ?? 'arm';
  const list = [...records];
  const cpus = o.cpus ?? list.reduce((m, r) => Math.max(m, (r.loc.cpu ?? 0) + 1), 1);
  const out: string[] = [];
  const skipped = new Map<TraceRecordKind, number>();
  for (const r of list) {
    const cpu = r.loc.cpu ?? 0;
    const h = xenalyzeHeader(r.loc.time, cpu, cpus, { domain: r.loc.curDomain, vcpu: r.loc.curVcpu });
    switch (r.kind) {
      case 'setEntry': case 'setAtOrder': {
        const t = armTypeToNumber(r.type, arch, o.armNumbering);
        if (t < 0) { diags.add({ line: 0, column: 0, severity: 'warning', message: `type ${r.type} has no ${arch} number: record skipped` }); continue; }
        const chunks = r.kind === 'setAtOrder' ? [{ gfn: r.gfn, order: r.order, mfn: r.mfn }] : chunkSetEntry(r.gfn, r.nr, r.mfn, false) ?? [];
        for (const c of chunks) out.push(` ${h} set_p2m_entry d${r.domain} o${c.order} t ${t} g ${hex(c.gfn)} m ${hex(c.mfn)}`);
        break;
      }
      case 'otherMem': {
        const g = hex(r.gfn ?? 0), m = hex(r.mfn ?? 0), od = `d${r.domain} o${r.order ?? 0}`;
        switch (r.event) {
          case 'grantMap': out.push(` ${h} grant-map domain ${r.domain}`); break;
          case 'grantUnmap': out.push(` ${h} grant-unmap domain ${r.domain}`); break;
          case 'grantTransfer': out.push(` ${h} grant-transfer domain ${r.domain}`); break;
          case 'decreaseReservation': out.push(` ${h} decrease_reservation ${od} g ${g}`); break;
          case 'podPopulate': out.push(` ${h} pod_populate ${od} g ${g} m ${m}`); break;
          case 'podZeroReclaim': out.push(` ${h} pod_zero_reclaim ${od} g ${g} m ${m} ctx unknown`); break;
          case 'podSuperpageSplinter': out.push(` ${h} pod_spage_splinter ${od} g ${g}`); break;
        }
        break;
      }
      case 'lostRecords':
        out.push(` ${h} lost_records count ${r.count} d${r.domain}v${r.vcpu} (cur X) first_tsc ${r.firstTsc}`);
        break;
      case 'opaque': {
        const e = r.event >>> 0;
        const words = r.words.map(w => (w >>> 0).toString(16)).join(' ');
        out.push(`]${h} ${e.toString(16).padStart(7)}(${((e >>> 16) & 0xfff).toString(16).padStart(3, '0')}:${((e >>> 12) & 0xf).toString(16)}:${(e & 0xfff).toString(16).padStart(3, '0')}) ${r.words.length} [ ${words}${words ? ' ' : ''}]`);
        break;
      }
      default:
        skipped.set(r.kind, (skipped.get(r.kind) ?? 0) + 1);
    }
  }
  for (const [k, n] of skipped) diags.add({ line: 0, column: 0, severity: 'info', message: `${n} ${k} record(s) have no xenalyze line: skipped` });
  return { text: out.join('\n') + (out.length ? '\n' : ''), diagnostics: diags.finish() };
}
