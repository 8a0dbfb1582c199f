// Loading a trace inside the session worker: read the file (reporting bytes), detect and parse
// the format (reporting records), build the replay machine and the SessionCore (reporting
// ops). Also the session-level actions that need the original records: export and the
// strategy comparison. Bad input never throws past here without a located message.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { BbmChecker } from '../../engine/tlb/bbm-checker';
import { dispatchEvent } from '../../engine/tlb/event-sink';
import { formatDiagnostic, type TraceDiagnostic } from '../../engine/trace/diagnostics';
import { parseP2mTrace } from '../../engine/trace/p2mtrace';
import { writeP2mTrace } from '../../engine/trace/p2mtrace-writer';
import type { TraceConfig, TraceRecord } from '../../engine/trace/records';
import { readXentrace } from '../../engine/trace/xentrace-reader';
import { createMachine } from './machine-factory';
import { SessionCore } from './session-core';
import type { StrategyResult } from './view-data';
import type { ExportResult, LoadOptions, LoadProgress, LoadSummary } from './worker-protocol';

export interface LoadedSession {
  core: SessionCore;
  summary: LoadSummary;
  exportState(format: 'json' | 'dump' | 'p2mtrace'): ExportResult;
  compareStrategies(): StrategyResult[];
}

export const STRATEGIES = ['upstream', 'xen-4.8', 'legacy'];

interface Parsed { records: TraceRecord[]; config: TraceConfig; diagnostics: TraceDiagnostic[]; text?: string }

/** Detect the format from the name and the first bytes (a xentrace file starts with a CPU-change record). */
export function detectFormat(file: string, head: Uint8Array): NonNullable<LoadOptions['format']> {
  if (head.length >= 4 && head[0] === 0x03 && head[1] === 0xf0 && head[2] === 0x01 && head[3] === 0x20) return 'xentrace';
  if (/\.p2mtrace$/i.test(file)) return 'p2mtrace';
  const text = Buffer.from(head.subarray(0, 4096)).toString('utf8');
  if (/^\((?:XEN|d\d+)\) /m.test(text)) return 'xen-console';
  if (/ set_p2m_entry d\d+ o\d+ /.test(text)) return 'xenalyze';
  return 'p2mtrace';
}

function readWithProgress(file: string, progress: (p: LoadProgress) => void): Buffer {
  const total = fs.statSync(file).size;
  const buf = Buffer.allocUnsafe(total);
  const fd = fs.openSync(file, 'r');
  try {
    let off = 0;
    while (off < total) {
      const n = fs.readSync(fd, buf, off, Math.min(1 << 22, total - off), off);
      if (n <= 0) break;
      off += n;
      progress({ phase: 'read', bytes: off, totalBytes: total, records: 0, ops: 0, totalOps: 0 });
    }
    return buf.subarray(0, off);
  } finally { fs.closeSync(fd); }
}

function parse(file: string, bytes: Buffer, format: NonNullable<LoadOptions['format']>, opts: LoadOptions): Parsed {
  const source = path.basename(file);
  if (format === 'xentrace') {
    const r = readXentrace(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { source, arch: opts.arch });
    return { records: [...r.store], config: {}, diagnostics: r.diagnostics };
  }
  if (format !== 'p2mtrace') {
    throw new Error(`${source}: the ${format} reader is not available in this build; load a .p2mtrace or xentrace file`);
  }
  const text = bytes.toString('utf8');
  const r = parseP2mTrace(text, source);
  return { records: r.records, config: r.config, diagnostics: r.diagnostics, text };
}

export function loadSession(opts: LoadOptions, progress: (p: LoadProgress) => void): LoadedSession {
  const t0 = Date.now();
  const bytes = readWithProgress(opts.path, progress);
  const format = opts.format && opts.format !== 'auto' ? opts.format : detectFormat(opts.path, bytes.subarray(0, 4096));
  const parsed = parse(opts.path, bytes, format, opts);
  progress({ phase: 'parse', bytes: bytes.length, totalBytes: bytes.length, records: parsed.records.length, ops: 0, totalOps: 0 });
  const t1 = Date.now();
  const config: TraceConfig = { ...parsed.config };
  if (opts.ipaBits && config.ipaBits === undefined) config.ipaBits = opts.ipaBits;
  if (opts.strategy && config.strategy === undefined) config.strategy = opts.strategy;
  const machine = createMachine(parsed.records, config);
  const total = machine.ops.length;
  const core = new SessionCore(machine, { snapshotInterval: opts.snapshotInterval, ipaBits: config.ipaBits ?? 40 }, (phase, done) =>
    progress({ phase: 'replay', bytes: bytes.length, totalBytes: bytes.length, records: parsed.records.length, ops: phase === 'replay' ? 0 : done, totalOps: total }));
  const summary: LoadSummary = {
    name: path.basename(opts.path), opCount: total, eventCount: machine.events.length,
    domains: [...machine.domains], kinds: core.kinds(),
    violations: core.summary.totalViolations, diagnostics: core.summary.totalDiagnostics,
    parseDiagnostics: parsed.diagnostics.slice(0, 20).map(formatDiagnostic),
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
      if (parsed.text !== undefined) {
        // Same file up to the line of the last applied op: keeps comments and config as written.
        const lines = parsed.text.split('\n');
        return { text: lines.slice(0, last ? last.line : firstOpLine(core) - 1).join('\n') + '\n', suggestedExt: 'p2mtrace' };
      }
      const upto = last ? parsed.records.filter(r => r.loc.byteOffset <= last.byteOffset) : [];
      return { text: writeP2mTrace(upto, { config, header: [`exported at op ${pos} of ${core.opCount}`] }), suggestedExt: 'p2mtrace' };
    }
  }
}

function firstOpLine(core: SessionCore): number {
  return core.machine.ops[0]?.loc.line ?? 1;
}

/** Replay the whole trace under each strategy and count what the BBM checker sees. */
function compareStrategies(parsed: Parsed, config: TraceConfig): StrategyResult[] {
  return STRATEGIES.map(strategy => {
    let m;
    try { m = createMachine(parsed.records, { ...config, strategy }); } catch (e) {
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
