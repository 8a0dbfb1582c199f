// The fuzz targets: every trace reader on its own (fed in chunks like a streamed file), the
// `readTrace` front door with auto-detection, and the language server's incremental
// .p2mtrace parser. Each target turns bytes into records + diagnostics; check.ts decides
// whether the result is acceptable.
import { readTrace } from '../engine/trace/index';
import { P2mTraceParser } from '../engine/trace/p2mtrace';
import { XenalyzeReader } from '../engine/trace/xenalyze-reader';
import { ConsoleReader } from '../engine/trace/console-reader';
import { JsonlReader } from '../engine/trace/jsonl';
import { readXentrace } from '../engine/trace/xentrace-reader';
import type { TraceDiagnostic } from '../engine/trace/diagnostics';
import type { TraceConfig, TraceRecord } from '../engine/trace/records';
import { DocumentParser } from '../extension/server/parse-document';

export interface InputOptions {
  arch: 'arm' | 'x86';
  group: boolean;
  /** Chunk size the streaming readers are fed with (a file read in blocks). */
  chunk: number;
}

export interface TargetResult {
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
  /** Whether the target itself claims to have failed (readTrace: format undefined). */
  rejected: boolean;
}

export interface Target {
  name: string;
  /** File extension for regression fixtures. */
  ext: string;
  /** Whether records from this target are replayed (only the front door: avoids 6× the same replay). */
  replay: boolean;
  run(bytes: Uint8Array, o: InputOptions): TargetResult;
}

interface Streaming { feed(s: string): void }

/** Decode in `chunk`-byte pieces with a streaming decoder, exactly like a file read in blocks. */
function feedChunks(sink: Streaming, bytes: Uint8Array, chunk: number): void {
  const dec = new TextDecoder('utf-8', { fatal: false });
  for (let p = 0; p < bytes.length; p += chunk) sink.feed(dec.decode(bytes.subarray(p, p + chunk), { stream: true }));
  sink.feed(dec.decode());
}

const textTarget = (name: string, ext: string, make: (o: InputOptions) => Streaming & { end(): { store?: Iterable<TraceRecord>; records?: TraceRecord[]; config?: TraceConfig; diagnostics: TraceDiagnostic[] } }): Target => ({
  name, ext, replay: false,
  run(bytes, o) {
    const p = make(o);
    feedChunks(p, bytes, o.chunk);
    const r = p.end();
    return { records: r.records ?? [...(r.store ?? [])], config: r.config ?? {}, diagnostics: r.diagnostics, rejected: false };
  },
});

export const TARGETS: readonly Target[] = [
  {
    name: 'auto', ext: 'bin', replay: true,
    run(bytes, o) {
      const r = readTrace(bytes, { format: 'auto', arch: o.arch, group: o.group, source: 'fuzz' });
      return { records: [...r.store], config: r.config, diagnostics: r.diagnostics, rejected: r.format === undefined };
    },
  },
  textTarget('p2mtrace', 'p2mtrace', () => new P2mTraceParser('fuzz')),
  textTarget('xenalyze', 'xenalyze', o => new XenalyzeReader('fuzz', { arch: o.arch })),
  textTarget('xen-console', 'xenlog', () => new ConsoleReader('fuzz')),
  textTarget('jsonl', 'jsonl', () => new JsonlReader('fuzz')),
  {
    name: 'xentrace', ext: 'xentrace', replay: false,
    run(bytes, o) {
      const r = readXentrace(bytes, { arch: o.arch, source: 'fuzz' });
      return { records: [...r.store], config: {}, diagnostics: r.diagnostics, rejected: false };
    },
  },
  {
    // The language server's parser: a full parse, then an incremental re-parse that reuses
    // the first half must give the same result (check.ts compares `extra`).
    name: 'lsp-p2mtrace', ext: 'p2mtrace', replay: false,
    run(bytes) {
      const text = new TextDecoder().decode(bytes);
      const lines = text.split(/\r?\n/);
      const p = new DocumentParser('p2mtrace', 'file:///fuzz.p2mtrace');
      const full = p.parse(text, lines, 0);
      const again = p.parse(text, lines, Math.floor(lines.length / 2));
      const same = JSON.stringify(strip(full), bigintJson) === JSON.stringify(strip(again), bigintJson);
      const diagnostics = same ? full.diagnostics : [...full.diagnostics, {
        source: 'fuzz', line: 1, column: 1, severity: 'error' as const,
        message: 'internal: incremental re-parse differs from the full parse',
      }];
      return { records: full.records, config: full.config, diagnostics, rejected: false };
    },
  },
];

const strip = (d: { records: unknown; config: unknown; diagnostics: unknown }) => ({ r: d.records, c: d.config, d: d.diagnostics });
const bigintJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

export function targetByName(name: string): Target | undefined {
  return TARGETS.find(t => t.name === name);
}
