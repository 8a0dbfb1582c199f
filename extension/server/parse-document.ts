// Parsing of one open document into the engine's typed record stream, per language:
// `.p2mtrace` through engine/trace/p2mtrace.ts; Xen console logs and xenalyze dumps through
// their readers once engine/trace provides them (until then they get parse-only features).
// Also builds the line → record index the editor features look things up in.
import { parseP2mTrace } from '../../engine/trace/p2mtrace';
import { TraceConfig, TraceRecord } from '../../engine/trace/records';
import { TraceDiagnostic } from '../../engine/trace/diagnostics';
import { readOtherFormat } from './other-formats';

export interface ParsedDocument {
  languageId: string;
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
  /** 0-based line → index of the first record on that line, or −1. */
  recordAtLine: Int32Array;
  lineCount: number;
}

export function parseDocument(languageId: string, uri: string, text: string, lineCount: number): ParsedDocument {
  const { records, config, diagnostics } = languageId === 'p2mtrace'
    ? parseP2mTrace(text, uri)
    : readOtherFormat(languageId, uri, text);
  const recordAtLine = new Int32Array(Math.max(lineCount, 1)).fill(-1);
  for (let i = records.length - 1; i >= 0; i--) {
    const l = records[i].loc.line - 1;
    if (l >= 0 && l < recordAtLine.length) recordAtLine[l] = i;
  }
  return { languageId, records, config, diagnostics, recordAtLine, lineCount };
}

/** 0-based line of a record (binary formats have line 0 → clamp to the first line). */
export function recordLine(r: TraceRecord): number {
  return Math.max(0, r.loc.line - 1);
}
