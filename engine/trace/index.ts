// Front door of engine/trace: `readTrace` (bytes or a path, any format, auto-detected from
// the first bytes unless overridden), `convertTrace` (any reader → any writer), and the
// format registry the CLI and the extension list. Nothing here throws: I/O errors and bad
// input come back as diagnostics.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { DETECT_BYTES, Detection, TRACE_FORMAT_NAMES, TraceFormat, detectFormat } from './detect';
import { K_SET_AT_ORDER, K_SET_ENTRY, RecordStore } from './record-store';
import { TraceConfig, TraceRecord, applyConfig } from './records';
import { P2mTraceParser } from './p2mtrace';
import { XenalyzeReader } from './xenalyze-reader';
import { ConsoleReader } from './console-reader';
import { JsonlReader, writeJsonl } from './jsonl';
import { readXentrace, type ReadProgress } from './xentrace-reader';
import { FileSource, MemorySource } from './byte-source';
import { MemLayout } from './xentrace-decode';
import { ArmNumbering, TraceArch } from './types-map';
import { groupSetP2m } from './group';
import { writeP2mTrace } from './p2mtrace-writer';
import { TscMode, writeXentrace } from './xentrace-writer';
import { writeXenalyze } from './xenalyze-writer';
import { writeConsole } from './console-writer';

export * from './records';
export * from './diagnostics';
export { TRACE_FORMAT_NAMES, detectFormat } from './detect';
export type { TraceFormat, Detection } from './detect';
export { RecordStore } from './record-store';
export { parseP2mTrace, P2mTraceParser } from './p2mtrace';
export { readXentrace, type ReadProgress } from './xentrace-reader';
export { readXenalyze, XenalyzeReader } from './xenalyze-reader';
export { readConsole, ConsoleReader } from './console-reader';
export { readJsonl, writeJsonl, recordToJson } from './jsonl';
export { writeP2mTrace, formatStatement } from './p2mtrace-writer';
export { writeXentrace } from './xentrace-writer';
export { writeXenalyze } from './xenalyze-writer';
export { writeConsole, dumpInfoLines, dumpLookupLines } from './console-writer';
export { compareDumpInfo, compareWalk } from './checkpoint';
export { groupSetP2m } from './group';
export { chunkSetEntry } from './chunking';
export { typeTable, armTypeToNumber, X86_P2M_TYPES } from './types-map';

export interface TraceFormatInfo {
  name: TraceFormat;
  description: string;
  extensions: string[];
  binary: boolean;
  canWrite: boolean;
}

export const TRACE_FORMATS: Record<TraceFormat, TraceFormatInfo> = {
  p2mtrace: { name: 'p2mtrace', description: 'P2M Debugger text trace (docs/p2mtrace.md)', extensions: ['.p2mtrace'], binary: false, canWrite: true },
  xentrace: { name: 'xentrace', description: 'xentrace binary (per-CPU windows of t_rec records)', extensions: ['.xentrace', '.bin', '.trace'], binary: true, canWrite: true },
  xenalyze: { name: 'xenalyze', description: 'xenalyze --dump-all text', extensions: ['.xenalyze', '.xenalyze.txt'], binary: false, canWrite: true },
  'xen-console': { name: 'xen-console', description: 'Xen console log / xl dmesg', extensions: ['.xenlog', '.log'], binary: false, canWrite: true },
  jsonl: { name: 'jsonl', description: 'JSON Lines, one record per line', extensions: ['.jsonl'], binary: false, canWrite: true },
};

export interface ReadTraceOptions {
  format?: TraceFormat | 'auto';
  /** Numbering of p2m types in xentrace/xenalyze records (default arm). */
  arch?: TraceArch;
  armNumbering?: ArmNumbering;
  memLayout?: MemLayout;
  invalidMfn32?: boolean;
  /** xentrace: counter frequency for record times (default 2.4 GHz like xenalyze). */
  cpuHz?: number;
  /** Group consecutive set_p2m chunks into p2m_set_entry calls (group.ts). */
  group?: boolean;
  /** Name used in locations and diagnostics (default: the path, or '<input>'). */
  source?: string;
  maxLineLength?: number;
  /**
   * Path input only: a binary (xentrace) file up to this size is read whole (the reader's
   * fastest path, one in-memory block); larger ones, and all text, are read in chunks.
   * Default (undefined): always chunks.
   */
  readWholeBinaryBelow?: number;
  /**
   * Called as the input is parsed: bytes of the file or buffer consumed so far and records
   * so far. Text reports after each 64 KB chunk; xentrace after every 64 KB of windows read
   * through (per-CPU windows are merged, so the bytes are those every CPU has read), and
   * once at the end with the input's size. A binary file read whole (readWholeBinaryBelow)
   * first reports its read (phase 'read', 0 records) up to its size, and then the parse from
   * 0 again (phase 'parse', as every other report).
   */
  onProgress?: ReadProgress;
}

/**
 * Text is decoded and parsed this many bytes at a time, from a file or from bytes in memory.
 * Under V8's 128 KB large-object size: each chunk's string (and its flattened copy with the
 * previous partial line) is then scavenged young, instead of piling up in large-object space
 * until a full GC. With 1 MB chunks a 1M-line .p2mtrace parse peaked at 174 MB RSS and took
 * 0.85 CPU-s; with 64 KB, 93 MB and 0.66 CPU-s.
 */
const TEXT_CHUNK = 1 << 16;
/** `fd`'s first `size` bytes, read whole (progress after each 4 MB). */
function readWhole(fd: number, size: number, progress: ReadProgress | undefined): Uint8Array {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = fs.readSync(fd, buf, off, Math.min(1 << 22, size - off), off);
    if (n <= 0) break;
    off += n;
    progress?.(off, 0, 'read');
  }
  return buf.subarray(0, off);
}

export interface ReadTraceResult {
  format: TraceFormat | undefined;
  detection?: Detection;
  store: RecordStore;
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
  /** Domains whose p2m the records touch, ascending. */
  domains: number[];
}

interface TextSink { feed(chunk: string): void }

function domainsOf(store: RecordStore): number[] {
  const set = new Set<number>();
  for (let i = 0; i < store.length; i++) {
    // Columnar set_p2m records: read the column, no object per record.
    if (store.kind[i] === K_SET_AT_ORDER || store.kind[i] === K_SET_ENTRY) { set.add(store.domain[i]); continue; }
    const k = store.kindAt(i);
    if (k === 'otherMem' || k === 'lostRecords' || k === 'opaque' || k === 'config') continue;
    const r = store.get(i);
    if ('domain' in r) set.add(r.domain);
  }
  return [...set].sort((a, b) => a - b);
}

/** Read a trace from bytes or from a file path. Never throws. */
export function readTrace(input: Uint8Array | string, opts: ReadTraceOptions = {}): ReadTraceResult {
  const source = opts.source ?? (typeof input === 'string' ? input : '<input>');
  const diags = new DiagnosticList(source);
  const fail = (msg: string): ReadTraceResult => {
    diags.add({ line: 0, column: 0, severity: 'error', message: msg });
    return { format: undefined, store: new RecordStore(source), config: {}, diagnostics: diags.finish(), domains: [] };
  };
  let fd: number | undefined;
  try {
    let head: Uint8Array;
    let size: number;
    if (typeof input === 'string') {
      try {
        fd = fs.openSync(input, 'r');
        size = fs.fstatSync(fd).size;
        const b = Buffer.alloc(Math.min(DETECT_BYTES, size));
        const n = b.length > 0 ? fs.readSync(fd, b, 0, b.length, 0) : 0;
        head = b.subarray(0, n);
      } catch (e) {
        return fail(`cannot read ${input}: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      head = input.subarray(0, DETECT_BYTES);
      size = input.byteLength;
    }
    let format: TraceFormat | undefined;
    let detection: Detection | undefined;
    if (opts.format === undefined || opts.format === 'auto') {
      detection = detectFormat(head, typeof input === 'string' ? path.basename(input) : opts.source);
      format = detection.format;
      if (format === undefined) return { ...fail(`cannot detect the trace format: ${detection.reason}; pass --format`), detection };
    } else if (!TRACE_FORMAT_NAMES.includes(opts.format)) {
      return fail(`unknown format '${String(opts.format)}': expected auto or one of ${TRACE_FORMAT_NAMES.join(', ')}`);
    } else format = opts.format;

    let store: RecordStore;
    let config: TraceConfig = {};
    const extra: TraceDiagnostic[] = [];
    if (format === 'xentrace') {
      if (size > 0 && head.length >= 4 && !(head[0] === 0x03 && head[1] === 0xf0 && head[2] === 0x01 && head[3] === 0x20) && !head.subarray(0, 4096).includes(0)) {
        diags.add({ line: 0, column: 0, byteOffset: 0, severity: 'warning', message: 'this looks like a text file, not a xentrace binary (try --format auto)' });
      }
      const whole = typeof input === 'string' && fd !== undefined && opts.readWholeBinaryBelow !== undefined && size <= opts.readWholeBinaryBelow;
      const src = typeof input !== 'string' ? new MemorySource(input) : whole ? new MemorySource(readWhole(fd!, size, opts.onProgress)) : new FileSource(input);
      const r = readXentrace(src, {
        source, arch: opts.arch, armNumbering: opts.armNumbering, memLayout: opts.memLayout, invalidMfn32: opts.invalidMfn32, cpuHz: opts.cpuHz,
        onProgress: opts.onProgress,
      });
      store = r.store;
      extra.push(...r.diagnostics);
    } else {
      // A binary file given as text: say so once instead of emitting a diagnostic per line.
      if (head.subarray(0, 4096).includes(0)) {
        return { ...fail(`binary data (NUL bytes) at the start of a file read as ${format}: is this a xentrace file? use --format xentrace or auto`), format };
      }
      const max = opts.maxLineLength;
      let sink: TextSink;
      let finish: () => { store: RecordStore; diagnostics: TraceDiagnostic[] };
      let target: RecordStore;
      if (format === 'p2mtrace') {
        const textStore = new RecordStore(source);
        const p = new P2mTraceParser(source, { maxLineLength: max, store: textStore });
        sink = p; target = textStore;
        finish = () => { const r = p.end(); config = r.config; return { store: textStore, diagnostics: r.diagnostics }; };
      } else if (format === 'xenalyze') {
        const x = new XenalyzeReader(source, { arch: opts.arch, armNumbering: opts.armNumbering, maxLineLength: max });
        sink = x; target = x.store; finish = () => x.end();
      } else if (format === 'xen-console') {
        const c = new ConsoleReader(source, { maxLineLength: max });
        sink = c; target = c.store; finish = () => c.end();
      } else {
        const j = new JsonlReader(source);
        sink = j; target = j.store; finish = () => j.end();
      }
      // Both inputs are decoded and parsed a chunk at a time: neither a whole-file string
      // (as large as the file, on the JS heap) nor, from a path, the file's bytes exist at once.
      const dec = new TextDecoder('utf-8', { fatal: false });
      const step = (bytes: Uint8Array, done: number): void => {
        sink.feed(dec.decode(bytes, { stream: true }));
        target.reserveFor(done, size); // no repeated growth copies, and no trim copy at the end
        opts.onProgress?.(done, target.length, 'parse');
      };
      if (typeof input === 'string' && fd !== undefined) {
        const chunk = Buffer.allocUnsafe(TEXT_CHUNK);
        let pos = 0;
        for (;;) {
          const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
          if (n <= 0) break;
          pos += n;
          step(chunk.subarray(0, n), pos);
        }
      } else if (input instanceof Uint8Array) {
        for (let pos = 0; pos < input.length;) {
          const end = Math.min(input.length, pos + TEXT_CHUNK);
          step(input.subarray(pos, end), end);
          pos = end;
        }
      }
      sink.feed(dec.decode());
      const r = finish();
      store = r.store;
      extra.push(...r.diagnostics);
    }
    if (format !== 'p2mtrace') {
      // Other text formats may carry config statements too (a .p2mtrace pasted behind console prefixes).
      for (let i = 0; i < store.length; i++) {
        if (store.kind[i] !== K_SET_AT_ORDER && store.kind[i] !== K_SET_ENTRY) { const r = store.get(i); if (r.kind === 'config') config = applyConfig(config, r); }
      }
    }
    if (opts.group) store = groupSetP2m(store);
    for (const d of extra) diags.items.push(d);
    if (store.length === 0 && size > 0 && diags.items.length === 0) {
      diags.add({ line: 0, column: 0, severity: 'info', message: `no trace records found in this ${format} input` });
    }
    return { format, detection, store, config, diagnostics: diags.finish(), domains: domainsOf(store) };
  } catch (e) {
    return fail(`internal reader error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (fd !== undefined) { try { fs.closeSync(fd); } catch { /* ignore */ } }
  }
}

export interface ConvertOptions extends ReadTraceOptions {
  to: TraceFormat;
  /** xentrace writer: TSC mode (default 'records'). */
  tsc?: TscMode;
}

export interface ConvertResult {
  /** Text for text formats, bytes for xentrace. Undefined when reading failed completely. */
  output: string | Uint8Array | undefined;
  from: TraceFormat | undefined;
  diagnostics: TraceDiagnostic[];
}

/** Write already-read records in `to`. */
export function writeTrace(records: Iterable<TraceRecord>, to: TraceFormat, o: { config?: TraceConfig; arch?: TraceArch; armNumbering?: ArmNumbering; tsc?: TscMode } = {}): { output: string | Uint8Array; diagnostics: TraceDiagnostic[] } {
  switch (to) {
    case 'p2mtrace': return { output: writeP2mTrace(records, { config: o.config, withOrigin: true }), diagnostics: [] };
    case 'jsonl': return { output: writeJsonl(records), diagnostics: [] };
    case 'xentrace': { const r = writeXentrace(records, { arch: o.arch, armNumbering: o.armNumbering, tsc: o.tsc, memAccess: o.config?.memAccess }); return { output: r.bytes, diagnostics: r.diagnostics }; }
    case 'xenalyze': { const r = writeXenalyze(records, { arch: o.arch, armNumbering: o.armNumbering }); return { output: r.text, diagnostics: r.diagnostics }; }
    case 'xen-console': { const r = writeConsole(records); return { output: r.text, diagnostics: r.diagnostics }; }
  }
}

/** `p2m convert <in> --to <format>`: read with any reader, write with the requested writer. */
export function convertTrace(input: Uint8Array | string, opts: ConvertOptions): ConvertResult {
  const r = readTrace(input, opts);
  if (r.format === undefined) return { output: undefined, from: undefined, diagnostics: r.diagnostics };
  try {
    const w = writeTrace(r.store, opts.to, { config: r.config, arch: opts.arch, armNumbering: opts.armNumbering, tsc: opts.tsc });
    return { output: w.output, from: r.format, diagnostics: [...r.diagnostics, ...w.diagnostics] };
  } catch (e) {
    return { output: undefined, from: r.format, diagnostics: [...r.diagnostics, { source: r.store.source, line: 0, column: 0, severity: 'error', message: `internal writer error: ${String(e)}` }] };
  }
}
