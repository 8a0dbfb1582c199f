// .p2mtrace reader: our own line-oriented text format (grammar in docs/p2mtrace.md).
// Line-incremental: `P2mTraceParser.feed(chunk)` accepts arbitrary chunks (a language server
// can also call `parseLine` per line), `end()` closes the document. Every statement becomes
// one TraceRecord with its line/column/byte offset; every problem one diagnostic that says
// what was expected. Nothing throws: an unexpected internal error becomes a diagnostic too.

import { DEFAULT_DOMAIN, TraceConfig, TraceLoc, TraceRecord, applyConfig } from './records';
import { DiagnosticList, TraceDiagnostic, TraceSeverity } from './diagnostics';
import { stripConsolePrefix } from './console-prefix';
import { scanLine, tokenize, utf8Length } from './text-fields';
import { LineContext, parseStatement } from './p2mtrace-line';
import { fastSetEntry } from './p2mtrace-fast';
import type { RecordStore } from './record-store';

export interface P2mTraceResult {
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
}

export interface TextReaderOptions {
  /** Lines longer than this (UTF-16 code units) are reported and skipped. */
  maxLineLength?: number;
  /** Called for each record as soon as it is parsed (streaming consumers). */
  onRecord?: (r: TraceRecord) => void;
  /**
   * Append records to this columnar store instead of `records` (readTrace): canonical
   * p2m_set_entry lines then take the fast path (p2mtrace-fast.ts) and cost no object.
   */
  store?: RecordStore;
}

export const DEFAULT_MAX_LINE = 4096;

export class P2mTraceParser {
  readonly records: TraceRecord[] = [];
  config: TraceConfig = {};
  private readonly diags: DiagnosticList;
  private domain = DEFAULT_DOMAIN;
  private sawOperation = false;
  private lockOpen: TraceLoc | undefined;
  private lineNo = 0;
  private lineStartByte = 0;
  private pending = '';
  private readonly maxLine: number;
  private skippingLongLine = false;
  private readonly cur = { line: '', lineNo: 0, lineStart: 0 };
  private readonly ctx: LineContext = {
    domain: DEFAULT_DOMAIN,
    loc: (col: number): TraceLoc => ({
      source: this.source, line: this.cur.lineNo, column: col + 1,
      byteOffset: this.cur.lineStart + (col === 0 ? 0 : utf8Length(this.cur.line.slice(0, col))),
    }),
    report: (col, endCol, sev, msg) => this.report(this.cur.lineNo, col + 1, endCol + 1, sev, msg,
      this.cur.lineStart + utf8Length(this.cur.line.slice(0, col))),
  };

  constructor(readonly source: string, private readonly opts: TextReaderOptions = {}) {
    this.diags = new DiagnosticList(source);
    this.maxLine = opts.maxLineLength ?? DEFAULT_MAX_LINE;
  }

  /** Feed a chunk of text; complete lines are parsed immediately. */
  feed(chunk: string): void {
    // Only the new piece can hold the next newline: searching pending + chunk rescanned (and
    // flattened) the buffered partial line on every call, quadratic for long lines in small chunks.
    if (chunk.indexOf('\n') < 0) { this.keepPartial(this.pending + chunk); return; }
    const text = this.pending + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.parseLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.keepPartial(text.slice(start));
  }

  private keepPartial(text: string): void {
    // Bound the buffered partial line: an endless line is reported once and dropped as it arrives.
    if (text.length > this.maxLine * 4) {
      if (!this.skippingLongLine) this.report(this.lineNo + 1, 1, undefined, 'error', `line longer than ${this.maxLine} characters: skipped`);
      this.lineStartByte += utf8Length(text);
      this.pending = '';
      this.skippingLongLine = true;
      return;
    }
    this.pending = text;
  }

  /** Finish the document: parse the last unterminated line and check open `begin`s. */
  end(): P2mTraceResult {
    if (this.pending.length > 0) this.parseLine(this.pending);
    this.pending = '';
    if (this.lockOpen !== undefined) {
      this.report(this.lockOpen.line, this.lockOpen.column, undefined, 'warning', "'begin' without a matching 'end' before the end of the file");
    }
    return { records: this.records, config: this.config, diagnostics: this.diags.finish() };
  }

  /** Parse one line (without its newline). Safe to call directly, line by line. */
  parseLine(raw: string): void {
    this.lineNo++;
    const lineStart = this.lineStartByte;
    // One pass gives both the byte length and the binary check.
    const bytes = raw.length > this.maxLine ? utf8Length(raw) : scanLine(raw);
    const binary = bytes < 0;
    this.lineStartByte += (binary ? Buffer.byteLength(raw, 'utf8') : bytes) + 1;
    if (this.skippingLongLine) {
      // Tail of a line that was already reported as overlong.
      this.skippingLongLine = false;
      return;
    }
    try {
      this.parseLineInner(raw, lineStart, binary);
    } catch (e) {
      this.report(this.lineNo, 1, undefined, 'error', `internal reader error: ${String(e)}`);
    }
  }

  private parseLineInner(raw: string, lineStart: number, binary: boolean): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length > this.maxLine) {
      this.report(this.lineNo, 1, undefined, 'error', `line longer than ${this.maxLine} characters: skipped`);
      return;
    }
    if (binary) {
      this.report(this.lineNo, 1, undefined, 'error', 'binary data in a text trace (is this a xentrace file? use --format xentrace)');
      return;
    }
    const store = this.opts.store;
    if (store !== undefined && this.opts.onRecord === undefined && fastSetEntry(line, store, this.domain, this.lineNo, lineStart)) {
      this.sawOperation = true;
      return;
    }
    const prefix = stripConsolePrefix(line);
    const toks = tokenize(line, prefix.end, true);
    if (toks.length === 0) return;
    // One context object per parser, re-pointed at each line (no closures per line).
    const cur = this.cur;
    cur.line = line; cur.lineNo = this.lineNo; cur.lineStart = lineStart;
    const ctx = this.ctx;
    ctx.domain = this.domain;
    const rec = parseStatement(toks, ctx);
    if (rec === undefined) return;
    switch (rec.kind) {
      case 'config':
        if (this.sawOperation) {
          ctx.report(toks[0].start, toks[0].start + toks[0].text.length, 'error',
            'config must appear before the first operation: ignored');
          return;
        }
        this.config = applyConfig(this.config, rec);
        break;
      case 'domain':
        this.domain = rec.domain;
        break;
      case 'beginLock':
        if (this.lockOpen !== undefined) {
          ctx.report(toks[0].start, toks[0].start + 5, 'error', `'begin' inside an open 'begin' (line ${this.lockOpen.line}): expected 'end' first`);
          return;
        }
        this.lockOpen = rec.loc;
        this.sawOperation = true;
        break;
      case 'endLock':
        if (this.lockOpen === undefined) {
          ctx.report(toks[0].start, toks[0].start + 3, 'error', "'end' without a matching 'begin'");
          return;
        }
        this.lockOpen = undefined;
        break;
      default:
        this.sawOperation = true;
    }
    if (store !== undefined) { if (this.opts.onRecord === undefined) store.pushCompact(rec); else store.push(rec); } else this.records.push(rec);
    this.opts.onRecord?.(rec);
  }

  private report(line: number, column: number, endColumn: number | undefined, severity: TraceSeverity, message: string, byteOffset?: number): void {
    this.diags.add({ line, column, endColumn, byteOffset, severity, message });
  }
}

/** Parse a whole .p2mtrace document. Never throws. */
export function parseP2mTrace(text: string, source: string, opts: TextReaderOptions = {}): P2mTraceResult {
  const p = new P2mTraceParser(source, opts);
  p.feed(text);
  return p.end();
}
