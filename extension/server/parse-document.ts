// Parsing of one open document into the engine's typed record stream, per language:
// `.p2mtrace` incrementally (p2mtrace-incremental.ts: only changed lines are re-parsed);
// Xen console logs and xenalyze dumps through their engine/trace readers (other-formats.ts).
// Also builds the line → record index the editor features look things up in.
import { TraceConfig, TraceRecord } from '../../engine/trace/records';
import { TraceDiagnostic } from '../../engine/trace/diagnostics';
import { readOtherFormat } from './other-formats';
import { IncrementalP2mTraceParser } from './p2mtrace-incremental';

export interface ParsedDocument {
  languageId: string;
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
  lineCount: number;
}

export class DocumentParser {
  private readonly p2mtrace: IncrementalP2mTraceParser;

  constructor(readonly languageId: string, readonly uri: string) {
    this.p2mtrace = new IncrementalP2mTraceParser(uri);
  }

  /** `unchangedBefore`: lines before it equal those of the previous call (0 = unknown). */
  parse(text: string, lines: readonly string[], unchangedBefore = 0): ParsedDocument {
    const { records, config, diagnostics } = this.languageId === 'p2mtrace'
      ? this.p2mtrace.parse(lines, unchangedBefore)
      : readOtherFormat(this.languageId, this.uri, text);
    return { languageId: this.languageId, records, config, diagnostics, lineCount: lines.length };
  }
}

/** 0-based line of a record (binary formats have line 0 → clamp to the first line). */
export function recordLine(r: TraceRecord): number {
  return Math.max(0, r.loc.line - 1);
}
