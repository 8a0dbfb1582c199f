// Loading a trace inside the session worker: read the file (reporting bytes), detect and parse
// the format (reporting records), build the replay machine and the SessionCore (reporting
// ops). Also the session-level actions that need the original records: export and the
// strategy comparison. Bad input never throws past here without a located message.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { BbmChecker } from '../../engine/tlb/bbm-checker';
import { dispatchEvent } from '../../engine/tlb/event-sink';
import { formatDiagnostic, type TraceDiagnostic } from '../../engine/trace/diagnostics';
import { readTrace, writeP2mTrace } from '../../engine/trace/index';
import { K_OBJECT, type RecordStore } from '../../engine/trace/record-store';
import type { TraceConfig, TraceRecord } from '../../engine/trace/records';
import { createMachine } from './machine-factory';
import { SessionCore } from './session-core';
import { analyzeWriteTrace } from './write-trace';
import type { StrategyResult } from './view-data';
import type { ExportResult, LoadOptions, LoadProgress, LoadSummary } from './worker-protocol';

export interface LoadedSession {
  core: SessionCore;
  summary: LoadSummary;
  exportState(format: 'json' | 'dump' | 'p2mtrace'): ExportResult;
  compareStrategies(): StrategyResult[];
}

export const STRATEGIES = ['upstream', 'xen-4.8', 'legacy'];

/**
 * `store` is the reader's columnar RecordStore, kept as is (~33-36 B per binary record, ~20 B
 * per text set_entry line): the replay machine reads its ops from it in place. `lowLevel` are
 * the write-trace records (write_pte / tlb_flush / dsb) the overlay checks; they are objects
 * in the store already.
 */
interface Parsed {
  store: RecordStore; lowLevel: TraceRecord[]; config: TraceConfig; diagnostics: TraceDiagnostic[];
  /** A .p2mtrace file as loaded: "export up to here" re-reads its first bytes if it is unchanged. */
  source?: FileStamp;
}

interface FileStamp { path: string; size: number; mtimeMs: number }

/**
 * A binary (xentrace) file up to this size is read whole: its reader's per-CPU cursors then
 * walk one in-memory block, faster and with a lower peak than the block cache's churn. Text
 * of any size, and larger binaries, are read from the path in chunks (readTrace).
 */
export const READ_WHOLE_BINARY_BELOW = 64 << 20;

/**
 * Read and parse `file`. Everything the read allocates (the file's bytes, decoded text) is
 * local to this call, so none of it is still reachable while the machine replays.
 */
function parse(file: string, opts: LoadOptions, st: fs.Stats, progress: (p: LoadProgress) => void): Parsed & { format: string } {
  const source = path.basename(file);
  const total = st.size;
  progress({ phase: 'read', bytes: 0, totalBytes: total, records: 0, ops: 0, totalOps: 0 });
  let last = -1;
  let phase: LoadProgress['phase'] = 'read';
  let readWhole = false;
  const r = readTrace(file, {
    source, format: opts.format ?? 'auto', arch: opts.arch, readWholeBinaryBelow: READ_WHOLE_BINARY_BELOW,
    onProgress: (bytes, records, pass) => {
      // Chunked reads (text, larger binaries) read and parse in one pass, shown as 'read' (the
      // host turns its bytes into a percentage). A binary file read whole reports its read
      // ('read'), then parses the bytes in memory from 0 again: that second pass is shown as
      // 'parse', and the throttle restarts so its first report goes out at once.
      if (pass === 'read') readWhole = true;
      else if (readWhole && phase === 'read') { phase = 'parse'; last = -(1 << 22); }
      // Every 4 MB (and the end): the worker posts each report to the extension host.
      if (bytes - last < 1 << 22 && bytes < total) return;
      last = bytes;
      progress({ phase, bytes, totalBytes: total, records, ops: 0, totalOps: 0 });
    },
  });
  r.store.trim(); // the replay machine reads its ops from these columns for the session's life
  const lowLevel: TraceRecord[] = [];
  for (let i = 0; i < r.store.length; i++) {
    if (r.store.kind[i] !== K_OBJECT) continue;
    const x = r.store.get(i);
    if (x.kind === 'writePte' || x.kind === 'tlbFlush' || x.kind === 'dsb') lowLevel.push(x);
  }
  // "Export .p2mtrace up to here" copies the file's own first lines (comments and config as
  // written). The text is not kept (a 1M-line trace is ~60 MB): the export re-reads the file.
  // Stamped before the read (the caller's stat): a file changed since then fails the check.
  const stamp: FileStamp | undefined = r.format === 'p2mtrace' ? { path: file, size: st.size, mtimeMs: st.mtimeMs } : undefined;
  return { store: r.store, lowLevel, config: r.config, diagnostics: r.diagnostics, source: stamp, format: r.format ?? 'unknown' };
}

export function loadSession(opts: LoadOptions, progress: (p: LoadProgress) => void): LoadedSession {
  const t0 = Date.now();
  const st = fs.statSync(opts.path);
  const size = st.size;
  const parsed = parse(opts.path, opts, st, progress);
  if (parsed.store.length === 0) {
    const why = parsed.diagnostics.slice(0, 3).map(formatDiagnostic).join('; ');
    throw new Error(`${path.basename(opts.path)}: no trace records found (format ${parsed.format})${why ? `: ${why}` : ''}`);
  }
  progress({ phase: 'parse', bytes: size, totalBytes: size, records: parsed.store.length, ops: 0, totalOps: 0 });
  const t1 = Date.now();
  const config: TraceConfig = { ...parsed.config };
  if (opts.ipaBits && config.ipaBits === undefined) config.ipaBits = opts.ipaBits;
  if (opts.strategy && config.strategy === undefined) config.strategy = opts.strategy;
  const { machine, notes } = createMachine(parsed.store, { ipaBits: config.ipaBits, strategy: config.strategy });
  const total = machine.ops.length;
  const overlay = analyzeWriteTrace(machine.ops, parsed.lowLevel);
  const core = new SessionCore(machine, { snapshotInterval: opts.snapshotInterval, ipaBits: config.ipaBits ?? 40, overlay }, (phase, done) =>
    progress({ phase: 'replay', bytes: size, totalBytes: size, records: parsed.store.length, ops: phase === 'replay' ? 0 : done, totalOps: total }));
  const summary: LoadSummary = {
    name: path.basename(opts.path), opCount: total, eventCount: machine.events.length,
    domains: [...machine.domains], kinds: core.kinds(),
    violations: core.summary.violations.total, diagnostics: core.summary.diagnostics.total,
    parseDiagnostics: [...notes, ...parsed.diagnostics.slice(0, 20).map(formatDiagnostic)],
    parseMs: t1 - t0, replayMs: Date.now() - t1,
  };
  return {
    core, summary,
    exportState: f => exportState(core, parsed, config, f),
    compareStrategies: () => compareStrategies(parsed, config),
  };
}

function exportState(core: SessionCore, parsed: Parsed, config: TraceConfig, format: 'json' | 'dump' | 'p2mtrace'): ExportResult {
  const pos = core.cursor;
  switch (format) {
    case 'dump': {
      // p2m_dump_info as the Xen console prints it, so the export re-loads as a checkpoint.
      const text = core.dumpInfo().split('\n').filter(l => l !== '').map(l => `(XEN) ${l}`).join('\n') + '\n';
      return { text, suggestedExt: 'xenlog' };
    }
    case 'json': {
      const domains = core.domains.map(d => {
        const v = core.machine.view(d);
        const st = v.stats();
        return {
          domain: d, vmid: v.vmid, stats: st, trueCounts: v.trueCounts(),
          maxMappedGfn: '0x' + v.maxMappedGfn().toString(16),
          lowestMappedGfn: v.lowestMappedGfn() < 0 ? '0xffffffffffffffff' : '0x' + v.lowestMappedGfn().toString(16),
          pool: v.pool(),
          regions: core.regions(d, {}, 100_000).rows,
        };
      });
      return { text: JSON.stringify({ position: pos, opCount: core.opCount, domains }, null, 2) + '\n', suggestedExt: 'json' };
    }
    case 'p2mtrace': {
      const last = pos > 0 ? core.machine.ops[pos - 1].loc : undefined;
      const end = last ? last.byteOffset : core.machine.ops[0]?.loc.byteOffset ?? 0;
      const head = parsed.source && fileHead(parsed.source, end, last !== undefined);
      if (head !== undefined) return { text: head, suggestedExt: 'p2mtrace' };
      // Every record (opaque ones included) up to the op, read from the store on demand.
      const upto: TraceRecord[] = [];
      for (let i = 0; last && i < parsed.store.length; i++) if (parsed.store.offsetAt(i) <= last.byteOffset) upto.push(parsed.store.get(i));
      return { text: writeP2mTrace(upto, { config, header: [`exported at op ${pos} of ${core.opCount}`] }), suggestedExt: 'p2mtrace' };
    }
  }
}

/**
 * The file's bytes up to `offset` (and through the end of that line when `throughLine`), as
 * text ending in a newline; undefined when the file changed since it was loaded (the caller
 * then writes the records instead).
 */
function fileHead(src: FileStamp, offset: number, throughLine: boolean): string | undefined {
  let st: fs.Stats;
  try { st = fs.statSync(src.path); } catch { return undefined; }
  if (st.size !== src.size || st.mtimeMs !== src.mtimeMs) return undefined;
  const fd = fs.openSync(src.path, 'r');
  try {
    let end = offset;
    if (throughLine) {
      // Scan for the end of the op's line in small blocks (a line is short; the file may be big).
      const blk = Buffer.allocUnsafe(4096);
      for (let at = offset; ;) {
        const n = fs.readSync(fd, blk, 0, blk.length, at);
        const nl = blk.subarray(0, n).indexOf(10);
        if (nl >= 0) { end = at + nl + 1; break; }
        if (n < blk.length) { end = at + n; break; }
        at += n;
      }
    }
    const buf = Buffer.allocUnsafe(end);
    let got = 0;
    while (got < end) { const n = fs.readSync(fd, buf, got, end - got, got); if (n <= 0) break; got += n; }
    const text = buf.subarray(0, got).toString('utf8');
    return text.endsWith('\n') ? text : text + '\n';
  } finally { fs.closeSync(fd); }
}

/** Replay the whole trace under each strategy and count what the BBM checker sees. */
function compareStrategies(parsed: Parsed, config: TraceConfig): StrategyResult[] {
  return STRATEGIES.map(strategy => {
    let m;
    try {
      const made = createMachine(parsed.store, { ipaBits: config.ipaBits, strategy, override: true });
      // The engine falls back to upstream for strategies it lacks: report those as unavailable.
      const missing = made.notes.find(n => n.includes(`'${strategy}'`) && /not available|unknown strategy/.test(n));
      if (missing) return { strategy, available: false, note: missing };
      m = made.machine;
    } catch (e) {
      return { strategy, available: false, note: e instanceof Error ? e.message : String(e) };
    }
    const checker = new BbmChecker({ recordWaste: false });
    m.reset();
    for (let i = 0; i < m.ops.length; i++) {
      const from = m.events.length;
      m.execute(i, true);
      for (let e = from; e < m.events.length; e++) dispatchEvent(checker, m.events.get(e), e);
    }
    const stats = m.domains.map(d => m.view(d).stats().mappings.slice(1).join('/')).join(' ; ');
    const c = checker.counts;
    return {
      strategy, available: true, tlbFlushes: c.flushes, liveWrites: c.livePteWrites,
      tableAllocs: c.tablesAllocated, tableFrees: c.tablesFreed, violations: c.violations, stats,
    };
  });
}
