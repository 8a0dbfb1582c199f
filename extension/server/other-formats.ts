// Readers for the non-.p2mtrace languages (xen-console, xenalyze). The trace-format
// engineer's readers are wired here as they land; this file is the only place that knows
// which ones exist, so the rest of the server treats every language the same way.
import { TraceConfig, TraceRecord } from '../../engine/trace/records';
import { TraceDiagnostic } from '../../engine/trace/diagnostics';

export interface OtherFormatResult {
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
}

export function readOtherFormat(_languageId: string, _uri: string, _text: string): OtherFormatResult {
  return { records: [], config: {}, diagnostics: [] };
}
