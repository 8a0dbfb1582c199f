// xenalyze `--dump-all` text reader (trace-formats §3). Each record line is
//   ' ' or ']'  <time: 14 blanks | %3u.%09u>  ' '  <pcpu string>  ' '  d<dom>v<vcpu>  ' '  <event text>
// The CPU is the position of `x` in the pcpu string (which may itself contain blanks).
// We decode set_p2m_entry, lost_records, the other MEM lines and generic event lines;
// everything else (informational output, other event classes) is skipped and counted.

import { DiagnosticList, TraceDiagnostic, TraceSeverity } from './diagnostics';
import { INVALID_MFN, TraceLoc, TraceRecord, ARM_P2M_TYPES, OtherMemEvent } from './records';
import { RecordStore } from './record-store';
import { ArmNumbering, MappedType, TraceArch, typeTable } from './types-map';
import { LineFeeder } from './line-feeder';
import { looksBinary, parseBareHex, toSafeNumber } from './text-fields';
import { DEFAULT_MAX_LINE } from './p2mtrace';

export interface XenalyzeReadOptions {
  source?: string;
  arch?: TraceArch;
  armNumbering?: ArmNumbering;
  maxLineLength?: number;
}

export interface XenalyzeReadResult {
  store: RecordStore;
  diagnostics: TraceDiagnostic[];
  /** Lines that are not record lines we decode (informational output, other events). */
  skippedLines: number;
}

const HDR_RE = /^([ \]])( {14}|\s*\d+\.\d{9}) (.*?) d(\d+|\?)v(\d+|\?) (.*)$/;
const GENERIC_RE = /^\s*([0-9a-f]+)\(([0-9a-f]+):([0-9a-f]+):([0-9a-f]+)\) (\d+) \[(.*)\]\s*$/;

/** Expected token shapes per event line; `#` = decimal, `h` = bare hex, `w` = word, literal otherwise. */
const SHAPES: Record<string, string[]> = {
  set_p2m_entry: ['d#', 'o#', 't', '#', 'g', 'h', 'm', 'h'],
  decrease_reservation: ['d#', 'o#', 'g', 'h'],
  pod_populate: ['d#', 'o#', 'g', 'h', 'm', 'h'],
  pod_zero_reclaim: ['d#', 'o#', 'g', 'h', 'm', 'h', 'ctx', 'w'],
  pod_spage_splinter: ['d#', 'o#', 'g', 'h'],
  'grant-map': ['domain', '#'],
  'grant-unmap': ['domain', '#'],
  'grant-transfer': ['domain', '#'],
};
const SHAPE_TEXT: Record<string, string> = {
  'd#': 'd<domain>', 'o#': 'o<order>', '#': '<decimal>', h: '<hex>', w: '<word>',
};
const MEM_EVENT: Record<string, OtherMemEvent> = {
  decrease_reservation: 'decreaseReservation', pod_populate: 'podPopulate', pod_zero_reclaim: 'podZeroReclaim',
  pod_spage_splinter: 'podSuperpageSplinter', 'grant-map': 'grantMap', 'grant-unmap': 'grantUnmap', 'grant-transfer': 'grantTransfer',
};

export class XenalyzeReader {
  readonly store: RecordStore;
  private readonly diags: DiagnosticList;
  private readonly feeder: LineFeeder;
  private readonly types: MappedType[];
  private skipped = 0;
  private firstSkipped = 0;
  private approx = new Map<number, number>();

  constructor(readonly source: string, private readonly opts: XenalyzeReadOptions = {}) {
    this.store = new RecordStore(source);
    this.diags = new DiagnosticList(source);
    this.types = typeTable(opts.arch ?? 'arm', opts.armNumbering ?? '4.12');
    const max = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    this.feeder = new LineFeeder((l, n, b) => this.line(l, n, b),
      (n, b) => this.report(n, 1, undefined, 'error', `line longer than ${max} characters: skipped`, b), max);
  }

  feed(chunk: string): void { this.feeder.feed(chunk); }

  end(): XenalyzeReadResult {
    this.feeder.end();
    if (this.skipped > 0) {
      this.report(this.firstSkipped, 1, undefined, 'info', `${this.skipped} line(s) not decoded (informational output or other events): skipped; first at line ${this.firstSkipped}`);
    }
    for (const [t, n] of this.approx) this.report(0, 0, undefined, 'warning', `${this.types[t].note} (${n} line${n > 1 ? 's' : ''})`);
    return { store: this.store, diagnostics: this.diags.finish(), skippedLines: this.skipped };
  }

  private report(line: number, column: number, endColumn: number | undefined, severity: TraceSeverity, message: string, byteOffset?: number): void {
    this.diags.add({ line, column, endColumn, byteOffset, severity, message });
  }

  private skip(lineNo: number): void {
    if (this.skipped++ === 0) this.firstSkipped = lineNo;
  }

  private line(line: string, lineNo: number, byte: number): void {
    try {
      this.lineInner(line, lineNo, byte);
    } catch (e) {
      this.report(lineNo, 1, undefined, 'error', `internal reader error: ${String(e)}`, byte);
    }
  }

  private lineInner(line: string, lineNo: number, byte: number): void {
    if (line.length === 0) return;
    if (looksBinary(line)) { this.report(lineNo, 1, undefined, 'error', 'binary data in a xenalyze text file (is this a xentrace file? use --format xentrace)', byte); return; }
    const m = HDR_RE.exec(line);
    if (!m) {
      if (line.includes('lost_records end')) return; // second pass of a lost-records record: nothing new
      this.skip(lineNo);
      return;
    }
    const [, lead, time, pcpu, curDom, curVcpu, rest] = m;
    const cpu = pcpu.indexOf('x');
    const restCol = line.length - rest.length; // 0-based
    const loc: TraceLoc = { source: this.source, line: lineNo, column: 1, byteOffset: byte };
    if (cpu >= 0) loc.cpu = cpu;
    if (time.trim() !== '') loc.time = Number(time);
    if (curDom !== '?') loc.curDomain = Number(curDom);
    if (curVcpu !== '?') loc.curVcpu = Number(curVcpu);
    if (lead === ']') {
      this.generic(rest, restCol, loc);
      return;
    }
    const toks = rest.split(' ');
    const name = toks[0];
    if (name === 'lost_records') { this.lost(rest, restCol, loc); return; }
    const shape = SHAPES[name];
    if (shape === undefined) { this.skip(lineNo); return; }
    const vals = this.matchShape(name, toks, shape, restCol, loc);
    if (vals === undefined) return;
    if (name === 'set_p2m_entry') {
      const [dom, order, t, g, mf] = vals;
      const mt = t < 16 ? this.types[t] : undefined;
      if (mt === undefined || mt.arm < 0) {
        this.report(lineNo, restCol + 1, undefined, 'error', `set_p2m_entry: unknown p2m type ${t} for this --arch/numbering: line skipped`, byte);
        return;
      }
      if (mt.note !== undefined) this.approx.set(t, (this.approx.get(t) ?? 0) + 1);
      const mfn = mt.arm === 0 ? INVALID_MFN : mf;
      this.store.push({
        kind: 'setAtOrder', domain: dom, gfn: g, order, mfn, type: mfn === INVALID_MFN ? 'invalid' : ARM_P2M_TYPES[mt.arm], access: 'rwx',
        sourceType: { arch: this.opts.arch ?? 'arm', value: t, name: mt.sourceName }, loc,
      });
      return;
    }
    const ev = MEM_EVENT[name];
    const r: TraceRecord = { kind: 'otherMem', event: ev, domain: vals[0], loc };
    if (name.startsWith('grant')) { this.store.push(r); return; }
    r.order = vals[1];
    r.gfn = vals[2];
    if (vals.length > 3) r.mfn = vals[3];
    this.store.push(r);
  }

  /** Match tokens against a shape; returns the numeric values in order, or reports the first mismatch. */
  private matchShape(name: string, toks: string[], shape: string[], restCol: number, loc: TraceLoc): number[] | undefined {
    const vals: number[] = [];
    let col = restCol + name.length + 1;
    const expected = `${name} ${shape.map(s => SHAPE_TEXT[s] ?? s).join(' ')}`;
    for (let k = 0; k < shape.length; k++) {
      const tok = toks[k + 1];
      const s = shape[k];
      const fail = (): undefined => {
        this.report(loc.line, col + 1, col + 1 + (tok?.length ?? 0), 'error',
          `${name}: expected ${SHAPE_TEXT[s] ?? `'${s}'`}, found ${tok === undefined ? 'end of line' : `'${tok}'`} (line shape: ${expected})`, loc.byteOffset);
        return undefined;
      };
      if (tok === undefined) return fail();
      if (s === 'd#' || s === 'o#' || s === '#') {
        const body = s === '#' ? tok : tok.slice(1);
        if ((s !== '#' && tok[0] !== s[0]) || !/^[0-9]{1,10}$/.test(body)) return fail();
        vals.push(Number(body));
      } else if (s === 'h') {
        const v = parseBareHex(tok);
        if (v === null) return fail();
        if (v === 0xffff_ffff_ffff_ffffn) vals.push(INVALID_MFN);
        else {
          const n = toSafeNumber(v);
          if (n === null) return fail();
          vals.push(n);
        }
      } else if (s === 'w') {
        if (!/^\w+$/.test(tok)) return fail();
      } else if (tok !== s) return fail();
      col += tok.length + 1;
    }
    return vals;
  }

  private lost(rest: string, restCol: number, loc: TraceLoc): void {
    const m = /^lost_records count (\d+) d(\d+)v(\d+) \(cur [^)]*\) first_tsc (\d+)\s*$/.exec(rest);
    if (!m) {
      this.report(loc.line, restCol + 1, undefined, 'error', 'lost_records: expected `lost_records count <n> d<dom>v<vcpu> (cur …) first_tsc <decimal>`', loc.byteOffset);
      return;
    }
    const cpu = loc.cpu ?? -1;
    this.store.push({ kind: 'lostRecords', cpu, count: Number(m[1]), domain: Number(m[2]), vcpu: Number(m[3]), firstTsc: BigInt(m[4]), loc });
    this.report(loc.line, 1, undefined, 'warning', `${m[1]} records lost on CPU ${cpu} (first lost at TSC ${m[4]})`, loc.byteOffset);
  }

  private generic(rest: string, restCol: number, loc: TraceLoc): void {
    const m = GENERIC_RE.exec(rest);
    if (!m) {
      this.report(loc.line, restCol + 1, undefined, 'error', 'generic event line: expected `<event-hex>(<main>:<sub>:<minor>) <nwords> [ <hex words> ]`', loc.byteOffset);
      return;
    }
    const words = m[6].trim() === '' ? [] : m[6].trim().split(/\s+/);
    const nwords = Number(m[5]);
    if (nwords > 7 || words.length > 7) {
      this.report(loc.line, restCol + 1, undefined, 'error', `event 0x${m[1]} lists ${Math.max(nwords, words.length)} words, a trace record holds at most 7: line skipped`, loc.byteOffset);
      return;
    }
    const vals: number[] = [];
    for (const w of words) {
      const v = parseBareHex(w);
      if (v === null || v > 0xffffffffn) {
        this.report(loc.line, restCol + 1, undefined, 'error', `event 0x${m[1]}: word '${w}' is not a 32-bit hex value`, loc.byteOffset);
        return;
      }
      vals.push(Number(v));
    }
    this.store.push({ kind: 'opaque', event: parseInt(m[1], 16) & 0x0fffffff, words: vals, loc });
  }
}

export function readXenalyze(text: string, opts: XenalyzeReadOptions = {}): XenalyzeReadResult {
  const r = new XenalyzeReader(opts.source ?? '<xenalyze>', opts);
  r.feed(text);
  return r.end();
}
