// Loading a trace file for replay through engine/trace's front door (`readTrace`): every
// format it reads (p2mtrace, xentrace binary, xenalyze text, Xen console logs, JSON Lines),
// auto-detected unless the launch configuration names one. Never throws: unreadable files
// come back as errors, parse problems as diagnostics with their location.

import { readTrace, type TraceFormat } from '../trace/index';
import type { TraceDiagnostic } from '../trace/diagnostics';
import type { TraceRecord } from '../trace/records';

export type { TraceFormat };

export interface LoadedTrace {
  format: TraceFormat;
  records: TraceRecord[];
  diagnostics: TraceDiagnostic[];
  /** Text traces can hold line breakpoints; binary ones cannot. */
  hasLines: boolean;
}

export type LoadResult = { ok: true; trace: LoadedTrace } | { ok: false; error: string; diagnostics: TraceDiagnostic[] };

export function loadTraceFile(path: string, format: TraceFormat | 'auto' = 'auto', typeArch: 'arm' | 'x86' = 'arm'): LoadResult {
  const r = readTrace(path, { format, arch: typeArch, source: path });
  if (r.format === undefined) {
    const first = r.diagnostics.find(d => d.severity === 'error');
    return { ok: false, error: first ? first.message : `cannot read trace '${path}'`, diagnostics: r.diagnostics };
  }
  // Header directives may have been folded into `config`: replay them as one leading record.
  const records: TraceRecord[] = [{ kind: 'config', ...r.config, loc: { source: path, line: 0, column: 0, byteOffset: 0 } }, ...r.store];
  return { ok: true, trace: { format: r.format, records, diagnostics: r.diagnostics, hasLines: r.format !== 'xentrace' } };
}
