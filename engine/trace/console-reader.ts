// Xen console log reader (trace-formats §4; `xl dmesg`, serial captures, *.xenlog). Lines
// may mix `(XEN) ` / `(d<N>) ` prefixes, any console_timestamps= form, and unprefixed
// hardware-domain output. We extract:
//   • our instrumented Arm Xen printk lines (docs/capture-on-arm.md): a .p2mtrace statement
//     after the prefix, e.g. `(XEN) p2m_set_entry d=1 gfn=0x40000 nr=0x40000 mfn=0x100000 t=1 a=7 rc=0`;
//   • `p2m_dump_info` blocks (debug key 'q') → checkpointDumpInfo records;
//   • `dump_p2m_lookup` walks → checkpointLookup records.
// Everything else is skipped and counted.

import { DiagnosticList, TraceDiagnostic, TraceSeverity } from './diagnostics';
import { CheckpointDumpInfoRecord, CheckpointLookupRecord, DEFAULT_DOMAIN, TraceLoc } from './records';
import { RecordStore } from './record-store';
import { LineFeeder } from './line-feeder';
import { ConsolePrefix, stripConsolePrefix } from './console-prefix';
import { looksBinary, tokenize, utf8Length } from './text-fields';
import { LineContext, canonicalVerb, parseStatement } from './p2mtrace-line';
import { DEFAULT_MAX_LINE } from './p2mtrace';

export interface ConsoleReadOptions { source?: string; maxLineLength?: number }

export interface ConsoleReadResult {
  store: RecordStore;
  diagnostics: TraceDiagnostic[];
  skippedLines: number;
}

/**
 * Statements accepted after a console prefix: what an instrumented Xen prints, plus the
 * header directives so a pasted .p2mtrace keeps its config. Bare-word forms (`domain 1`,
 * `end`) are accepted only when every field is key=value, which ordinary log text is not.
 */
const CONSOLE_VERBS = new Set([
  'config', 'domain', 'p2m_set_entry', '__p2m_set_entry', 'write_pte', 'tlb_flush', 'dsb', 'invalidate_root', 'resolve_fault',
  'relinquish', 'mem_access', 'begin', 'end', 'lookup', 'expect',
]);

const DUMP_HEAD_RE = /^p2m mappings for domain (\d+) \(vmid (\d+)\):\s*$/;
const DUMP_LINE_RE = [
  /^\s*1G mappings: (-?\d+) \(shattered (-?\d+)\)\s*$/,
  /^\s*2M mappings: (-?\d+) \(shattered (-?\d+)\)\s*$/,
  /^\s*4K mappings: (-?\d+)\s*$/,
];
const DUMP_EXPECT = ['  1G mappings: <n> (shattered <n>)', '  2M mappings: <n> (shattered <n>)', '  4K mappings: <n>'];
const LOOKUP_HEAD_RE = /^dom(\d+) IPA 0x([0-9a-fA-F]{1,16})\s*$/;
const LOOKUP_ROOT_RE = /^P2M @ ([0-9a-fA-F]+) mfn:0x([0-9a-fA-F]+)\s*$/;
const LOOKUP_CONCAT_RE = /^Using concatenated root table (\d+)\s*$/;
const LOOKUP_WALK_RE = /^(0TH|1ST|2ND|3RD)\[0x([0-9a-fA-F]{1,3})\] = 0x([0-9a-fA-F]{1,16})\s*$/;
const LEVELS: Record<string, number> = { '0TH': 0, '1ST': 1, '2ND': 2, '3RD': 3 };

export class ConsoleReader {
  readonly store: RecordStore;
  private readonly diags: DiagnosticList;
  private readonly feeder: LineFeeder;
  private skipped = 0;
  private dump: { rec: CheckpointDumpInfoRecord; next: number } | undefined;
  private walk: CheckpointLookupRecord | undefined;

  constructor(readonly source: string, opts: ConsoleReadOptions = {}) {
    this.store = new RecordStore(source);
    this.diags = new DiagnosticList(source);
    const max = opts.maxLineLength ?? DEFAULT_MAX_LINE;
    this.feeder = new LineFeeder((l, n, b) => this.line(l, n, b),
      (n, b) => this.report(n, 1, undefined, 'error', `line longer than ${max} characters: skipped`, b), max);
  }

  feed(chunk: string): void { this.feeder.feed(chunk); }

  end(): ConsoleReadResult {
    this.feeder.end();
    this.closeWalk();
    if (this.dump !== undefined) {
      const l = this.dump.rec.loc;
      this.report(l.line, l.column, undefined, 'error', `p2m_dump_info block cut short by the end of the file: expected '${DUMP_EXPECT[this.dump.next]}'`, l.byteOffset);
      this.dump = undefined;
    }
    if (this.skipped > 0) this.report(0, 0, undefined, 'info', `${this.skipped} console line(s) carry no p2m information: skipped`);
    return { store: this.store, diagnostics: this.diags.finish(), skippedLines: this.skipped };
  }

  private report(line: number, column: number, endColumn: number | undefined, severity: TraceSeverity, message: string, byteOffset?: number): void {
    this.diags.add({ line, column, endColumn, byteOffset, severity, message });
  }

  private line(line: string, lineNo: number, byte: number): void {
    try {
      this.lineInner(line, lineNo, byte);
    } catch (e) {
      this.report(lineNo, 1, undefined, 'error', `internal reader error: ${String(e)}`, byte);
    }
  }

  private loc(line: string, lineNo: number, byte: number, col: number, p: ConsolePrefix): TraceLoc {
    const l: TraceLoc = { source: this.source, line: lineNo, column: col + 1, byteOffset: byte + utf8Length(line.slice(0, col)) };
    if (p.bootSeconds !== undefined) l.time = p.bootSeconds;
    if (p.raw !== undefined) l.tsc = p.raw;
    return l;
  }

  private lineInner(line: string, lineNo: number, byte: number): void {
    if (looksBinary(line)) {
      this.report(lineNo, 1, undefined, 'error', 'binary data in a console log (is this a xentrace file? use --format xentrace)', byte);
      return;
    }
    const p = stripConsolePrefix(line);
    if (p.origin === 'guest') { this.skipped++; return; } // guest console output never carries hypervisor p2m state
    const payload = line.slice(p.end);
    const at = (col: number): TraceLoc => this.loc(line, lineNo, byte, col, p);

    if (this.dump !== undefined) {
      const d = this.dump;
      const m = DUMP_LINE_RE[d.next].exec(payload);
      if (m) {
        const lv = d.next + 1;
        d.rec.mappings[lv] = Number(m[1]);
        if (lv < 3) d.rec.shattered[lv] = Number(m[2]);
        if (++d.next === 3) { this.store.push(d.rec); this.dump = undefined; }
        return;
      }
      this.report(lineNo, p.end + 1, undefined, 'error', `p2m_dump_info block (line ${d.rec.loc.line}): expected '${DUMP_EXPECT[d.next]}': checkpoint dropped`, byte);
      this.dump = undefined;
    }
    if (this.walk !== undefined && this.walkLine(payload, at(p.end))) return;

    let m = DUMP_HEAD_RE.exec(payload);
    if (m) {
      this.dump = { rec: { kind: 'checkpointDumpInfo', domain: Number(m[1]), vmid: Number(m[2]), mappings: [0, 0, 0, 0], shattered: [0, 0, 0, 0], loc: at(p.end) }, next: 0 };
      return;
    }
    m = LOOKUP_HEAD_RE.exec(payload);
    if (m) {
      this.walk = { kind: 'checkpointLookup', domain: Number(m[1]), ipa: BigInt('0x' + m[2]), lines: [], loc: at(p.end) };
      return;
    }
    const toks = tokenize(line, p.end, false);
    if (toks.length > 0) {
      const verb = canonicalVerb(toks[0].text);
      const allFields = toks.slice(1).every(t => t.text.includes('=') || (verb === 'mem_access' && t.text === 'enable'));
      // A lone word such as "(XEN) end" or "(XEN) dsb" is ordinary log text, not a statement.
      if (verb !== undefined && CONSOLE_VERBS.has(verb) && allFields && (toks.length > 1 || verb === 'invalidate_root' || verb === 'relinquish')) {
        const ctx: LineContext = {
          domain: DEFAULT_DOMAIN, loc: at,
          report: (col, endCol, sev, msg) => this.report(lineNo, col + 1, endCol + 1, sev, msg, byte + utf8Length(line.slice(0, col))),
        };
        const rec = parseStatement(toks, ctx);
        if (rec !== undefined) this.store.push(rec);
        return;
      }
    }
    if (payload.trim() !== '') this.skipped++;
  }

  /** Consume one line of an open dump_p2m_lookup block; false when the block has ended. */
  private walkLine(payload: string, loc: TraceLoc): boolean {
    const w = this.walk;
    if (w === undefined) return false;
    let m = LOOKUP_WALK_RE.exec(payload);
    if (m) {
      w.lines.push({ level: LEVELS[m[1]], index: parseInt(m[2], 16), descriptor: BigInt('0x' + m[3]), loc });
      if (LEVELS[m[1]] === 3) this.closeWalk();
      return true;
    }
    if (w.lines.length === 0) {
      m = LOOKUP_ROOT_RE.exec(payload);
      if (m) { w.rootMfn = parseInt(m[2], 16); return true; }
      m = LOOKUP_CONCAT_RE.exec(payload);
      if (m) { w.concatenatedRoot = Number(m[1]); return true; }
      if (/^Invalid root table offset\s*$/.test(payload)) { w.invalidRootOffset = true; this.closeWalk(); return true; }
    }
    this.closeWalk();
    return false;
  }

  private closeWalk(): void {
    const w = this.walk;
    if (w === undefined) return;
    this.walk = undefined;
    if (w.lines.length === 0 && !w.invalidRootOffset) {
      this.report(w.loc.line, w.loc.column, undefined, 'warning', 'dump_p2m_lookup block without walk lines (expected `1ST[0x…] = 0x…`): checkpoint dropped', w.loc.byteOffset);
      return;
    }
    this.store.push(w);
  }
}

export function readConsole(text: string, opts: ConsoleReadOptions = {}): ConsoleReadResult {
  const r = new ConsoleReader(opts.source ?? '<console>', opts);
  r.feed(text);
  return r.end();
}
