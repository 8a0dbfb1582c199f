// Loading a trace file for replay: format detection and the reader for each format.
// Never throws for bad input: unreadable files and unsupported formats come back as errors,
// parse problems as diagnostics with their location.

import { readFileSync } from 'node:fs';
import { parseP2mTrace } from '../trace/p2mtrace';
import { readXentrace } from '../trace/xentrace-reader';
import { readXenalyze } from '../trace/xenalyze-reader';
import type { TraceDiagnostic } from '../trace/diagnostics';
import type { TraceRecord } from '../trace/records';

export type TraceFormat = 'auto' | 'p2mtrace' | 'xentrace' | 'xenalyze' | 'xen-console';

export interface LoadedTrace {
  format: Exclude<TraceFormat, 'auto'>;
  records: TraceRecord[];
  diagnostics: TraceDiagnostic[];
  /** Text traces can hold line breakpoints; binary ones cannot. */
  hasLines: boolean;
}

export type LoadResult = { ok: true; trace: LoadedTrace } | { ok: false; error: string };

export function detectFormat(path: string, head: Uint8Array): Exclude<TraceFormat, 'auto'> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.p2mtrace')) return 'p2mtrace';
  if (lower.endsWith('.xenalyze.txt') || lower.endsWith('.xenalyze')) return 'xenalyze';
  if (lower.endsWith('.xenlog')) return 'xen-console';
  // xentrace files start with a CPU-change record whose header word is 0x2001F003 (LE).
  if (head.length >= 4 && head[0] === 0x03 && head[1] === 0xf0 && head[2] === 0x01 && head[3] === 0x20) return 'xentrace';
  if (lower.endsWith('.bin') || lower.endsWith('.xentrace')) return 'xentrace';
  const text = new TextDecoder().decode(head.subarray(0, 4096));
  if (/set_p2m_entry d\d+ o\d+/.test(text)) return 'xenalyze';
  if (/^\((XEN|d\d+)\) /m.test(text)) return 'xen-console';
  return 'p2mtrace';
}

export function loadTraceFile(path: string, format: TraceFormat = 'auto', typeArch: 'arm' | 'x86' = 'arm'): LoadResult {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { return { ok: false, error: `cannot read trace '${path}': ${(e as Error).message}` }; }
  const fmt = format === 'auto' ? detectFormat(path, bytes.subarray(0, 4096)) : format;
  switch (fmt) {
    case 'p2mtrace': {
      const r = parseP2mTrace(new TextDecoder().decode(bytes), path);
      return { ok: true, trace: { format: fmt, records: r.records, diagnostics: r.diagnostics, hasLines: true } };
    }
    case 'xentrace': {
      const r = readXentrace(bytes, { source: path, arch: typeArch });
      return { ok: true, trace: { format: fmt, records: [...r.store], diagnostics: r.diagnostics, hasLines: false } };
    }
    case 'xenalyze': {
      const r = readXenalyze(new TextDecoder().decode(bytes), { source: path, arch: typeArch });
      return { ok: true, trace: { format: fmt, records: [...r.store], diagnostics: r.diagnostics, hasLines: true } };
    }
    case 'xen-console':
      return { ok: false, error: 'Xen console logs are not supported by the debugger yet (no console reader in engine/trace)' };
  }
}
