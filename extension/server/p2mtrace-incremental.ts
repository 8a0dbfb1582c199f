// Incremental .p2mtrace parsing for the language server. Each line is parsed on its own with
// the engine's statement parser (engine/trace/p2mtrace-line.ts) and cached by its text, so an
// edit re-parses only the lines that changed; a cheap sequential pass then applies the
// context rules (current domain, config before the first operation, begin/end nesting) and
// numbers the lines. The context rules and their messages mirror P2mTraceParser
// (engine/trace/p2mtrace.ts); test/lsp/incremental-parse.test.ts checks both agree.
import { parseStatement, LineContext } from '../../engine/trace/p2mtrace-line';
import { DEFAULT_MAX_LINE } from '../../engine/trace/p2mtrace';
import { stripConsolePrefix } from '../../engine/trace/console-prefix';
import { looksBinary, tokenize } from '../../engine/trace/text-fields';
import {
  ARM_P2M_TYPES, ArmP2mType, DEFAULT_DOMAIN, INVALID_MFN, P2M_ACCESSES, P2mAccess, TraceConfig, TraceLoc, TraceRecord, applyConfig,
} from '../../engine/trace/records';
import type { TraceDiagnostic, TraceSeverity } from '../../engine/trace/diagnostics';

/** Marks "no d= on this line": the assembly pass substitutes the current domain. */
const CONTEXT_DOMAIN = -0x7fff_ffff;

interface LineDiag { column: number; endColumn?: number; severity: TraceSeverity; message: string }

interface LineParse {
  rec?: TraceRecord;
  diags: LineDiag[];
  /** 0-based column of the statement's first token (context diagnostics point there). */
  col: number;
  /** Length of the first token. */
  len: number;
}

/** Shared by every line without diagnostics (most of them): one array, not 100,000. */
const NO_DIAGS: LineDiag[] = [];
const EMPTY: LineParse = { diags: NO_DIAGS, col: 0, len: 0 };

const FAST_LINE = /^p2m_set_entry(?: [a-z]+=[^\s#=]+)+$/;
const FAST_NUM = /^(?:0x[0-9a-fA-F]{1,13}|[0-9]{1,15})$/;
const TYPE_SET = new Set<string>(ARM_P2M_TYPES);
const ACCESS_SET = new Set<string>(P2M_ACCESSES);

/**
 * Fast path for the plainest, most common line (`p2m_set_entry gfn=… nr=… mfn=… t=… a=… d=…`,
 * canonical spellings, nothing unusual): builds the same record parseStatement would, without
 * its general machinery. Anything else returns undefined and takes the full parser. Equality
 * with the full parser is checked by test/unit/lsp/incremental-parse.test.ts.
 */
function fastSetEntry(line: string): LineParse | undefined {
  if (!FAST_LINE.test(line)) return undefined;
  let gfn: number | undefined, nr: number | undefined, mfn: number | undefined, d: number | undefined;
  let t: string | undefined, a: string | undefined;
  const parts = line.split(' ');
  for (let i = 1; i < parts.length; i++) {
    const w = parts[i];
    const eq = w.indexOf('=');
    const k = w.slice(0, eq), v = w.slice(eq + 1);
    switch (k) {
      case 'gfn': if (gfn !== undefined || !FAST_NUM.test(v)) return undefined; gfn = Number(v); break;
      case 'nr': if (nr !== undefined || !FAST_NUM.test(v)) return undefined; nr = Number(v); break;
      case 'mfn':
        if (mfn !== undefined) return undefined;
        if (v === 'invalid') mfn = INVALID_MFN;
        else if (FAST_NUM.test(v)) mfn = Number(v);
        else return undefined;
        break;
      case 't': if (t !== undefined || !TYPE_SET.has(v)) return undefined; t = v; break;
      case 'a': if (a !== undefined || !ACCESS_SET.has(v)) return undefined; a = v; break;
      case 'd': if (d !== undefined || !/^[0-9]{1,9}$/.test(v)) return undefined; d = Number(v); break;
      default: return undefined;
    }
  }
  if (gfn === undefined || nr === undefined || mfn === undefined) return undefined;
  const rec: TraceRecord = {
    kind: 'setEntry', domain: d ?? CONTEXT_DOMAIN, gfn, nr, mfn,
    type: (t ?? (mfn === INVALID_MFN ? 'invalid' : 'ram_rw')) as ArmP2mType, access: (a ?? 'rwx') as P2mAccess,
    loc: { source: '', line: 0, column: 1, byteOffset: 0 },
  };
  return { rec, diags: NO_DIAGS, col: 0, len: 13 };
}

function parseOneLine(raw: string): LineParse {
  const fast = fastSetEntry(raw);
  if (fast) return fast;
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.length > DEFAULT_MAX_LINE) {
    return { diags: [{ column: 1, severity: 'error', message: `line longer than ${DEFAULT_MAX_LINE} characters: skipped` }], col: 0, len: 0 };
  }
  if (looksBinary(line)) {
    return { diags: [{ column: 1, severity: 'error', message: 'binary data in a text trace (is this a xentrace file? use --format xentrace)' }], col: 0, len: 0 };
  }
  const prefix = stripConsolePrefix(line);
  const toks = tokenize(line, prefix.end, true);
  if (toks.length === 0) return EMPTY;
  let diags: LineDiag[] = NO_DIAGS;
  const ctx: LineContext = {
    domain: CONTEXT_DOMAIN,
    // Line numbers and byte offsets are filled in by the assembly pass.
    loc: (col: number): TraceLoc => ({ source: '', line: 0, column: col + 1, byteOffset: col }),
    report: (col, endCol, severity, message) => {
      if (diags === NO_DIAGS) diags = [];
      diags.push({ column: col + 1, endColumn: endCol + 1, severity, message });
    },
  };
  let rec: TraceRecord | undefined;
  try {
    rec = parseStatement(toks, ctx);
  } catch (e) {
    diags = [...diags, { column: 1, severity: 'error', message: `internal reader error: ${String(e)}` }];
  }
  return { rec, diags, col: toks[0].start, len: toks[0].text.length };
}

export interface IncrementalResult {
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
}

export class IncrementalP2mTraceParser {
  private cache = new Map<string, LineParse>();
  private last: { records: TraceRecord[]; diagnostics: TraceDiagnostic[]; eofDiag: boolean } | undefined;

  constructor(private readonly source: string) {}

  /**
   * Parses `lines`. With `unchangedBefore`, lines before it are known to equal the previous
   * call's: their records and diagnostics are reused as they are and only the rest is visited.
   */
  parse(lines: readonly string[], unchangedBefore = 0): IncrementalResult {
    const records: TraceRecord[] = [];
    const diagnostics: TraceDiagnostic[] = [];
    let config: TraceConfig = {};
    let domain = DEFAULT_DOMAIN;
    let sawOperation = false;
    let lockOpen: TraceLoc | undefined;
    const source = this.source;
    let start = 0;
    const last = this.last;
    if (last && unchangedBefore > 0) {
      // Reuse the prefix and rebuild the parsing context at its end from its records alone.
      start = unchangedBefore;
      for (const r of last.records) {
        if (r.loc.line - 1 >= start) break;
        records.push(r);
        switch (r.kind) {
          case 'config': config = applyConfig(config, r); break;
          case 'domain': domain = r.domain; break;
          case 'beginLock': lockOpen = r.loc; sawOperation = true; break;
          case 'endLock': lockOpen = undefined; break;
          default: sawOperation = true;
        }
      }
      const n = last.diagnostics.length - (last.eofDiag ? 1 : 0);
      for (let k = 0; k < n; k++) if (last.diagnostics[k].line - 1 < start) diagnostics.push(last.diagnostics[k]);
    }
    // The cache is rebuilt on full passes (so it holds only current lines) and grows on partial ones.
    const cache = this.cache;
    const next = start === 0 || cache.size > 2 * lines.length + 1024 ? new Map<string, LineParse>() : cache;
    for (let i = start; i < lines.length; i++) {
      const text = lines[i];
      if (text.length === 0) continue;
      let lp = next.get(text);
      if (lp === undefined) {
        lp = cache.get(text) ?? parseOneLine(text);
        next.set(text, lp);
      }
      const lineNo = i + 1;
      for (const d of lp.diags) diagnostics.push({ source, line: lineNo, ...d });
      const base = lp.rec;
      if (base === undefined) continue;
      const report = (endLen: number, severity: TraceSeverity, message: string) =>
        diagnostics.push({ source, line: lineNo, column: lp!.col + 1, endColumn: lp!.col + endLen + 1, severity, message });
      const loc: TraceLoc = { source, line: lineNo, column: base.loc.column, byteOffset: base.loc.byteOffset };
      const r = { ...base, loc } as TraceRecord;
      if ('domain' in r && r.domain === CONTEXT_DOMAIN) (r as { domain: number }).domain = domain;
      switch (r.kind) {
        case 'config':
          if (sawOperation) { report(lp.len, 'error', 'config must appear before the first operation: ignored'); continue; }
          config = applyConfig(config, r);
          break;
        case 'domain':
          domain = r.domain;
          break;
        case 'beginLock':
          if (lockOpen !== undefined) { report(5, 'error', `'begin' inside an open 'begin' (line ${lockOpen.line}): expected 'end' first`); continue; }
          lockOpen = r.loc;
          sawOperation = true;
          break;
        case 'endLock':
          if (lockOpen === undefined) { report(3, 'error', "'end' without a matching 'begin'"); continue; }
          lockOpen = undefined;
          break;
        default:
          sawOperation = true;
      }
      records.push(r);
    }
    if (lockOpen !== undefined) {
      diagnostics.push({ source, line: lockOpen.line, column: lockOpen.column, severity: 'warning', message: "'begin' without a matching 'end' before the end of the file" });
    }
    this.cache = next;
    this.last = { records, diagnostics, eofDiag: lockOpen !== undefined };
    return { records, config, diagnostics };
  }
}
