// Benchmark case: the memory of a 1M-op UI session loaded the way the product loads it —
// a trace FILE read by extension/session/trace-loader.ts `loadSession` (what the session
// worker runs), not records built in memory. The views case builds its session from an
// in-memory record array, which skips the reader's transients (64 KB text chunks and their
// strings, a xentrace under 64 MB read whole, growing record columns); those are local to the
// parse and freed before the replay, but the allocator keeps much of what they took, so the
// process stays bigger than what is live. Issue 9 target: ≤ 300 MB
// for a 1M-op session (sessionRssMB).
// The trace (bench/p2m-replay.ts's call mix) is written by a child process, so none of its
// generation is in this process's memory; `--format xentrace` selects the binary variant
// (bench/session-load-xentrace.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INVALID_MFN } from '../engine/arch/types';
import { formatStatement } from '../engine/trace/p2mtrace-writer';
import type { TraceRecord } from '../engine/trace/records';
import { loadSession } from '../extension/session/trace-loader';
import { liveMemory } from './memory';
import { buildCalls, buildFile } from './p2m-replay';

export interface BenchResult { name: string; metrics: Record<string, number | string> }
type Format = 'p2mtrace' | 'xentrace';

/** The call mix as text records, one at a time (no array of a million objects). */
function* records(n: number): Generator<TraceRecord> {
  const c = buildCalls(n);
  for (let i = 0; i < n; i++) {
    const unmap = c.mfn[i] < 0;
    const loc = { source: 'bench', line: i + 2, column: 1, byteOffset: 0, cpu: (i >> 6) & 3 };
    const type = unmap ? 'invalid' : c.type[i] === 2 ? 'ram_ro' : 'ram_rw';
    const mfn = unmap ? INVALID_MFN : c.mfn[i];
    yield { kind: 'setEntry', domain: 1, gfn: c.gfn[i], nr: c.nr[i], mfn, type, access: 'rwx', loc };
  }
}

function writeTrace(file: string, n: number, format: Format): void {
  if (format === 'xentrace') {
    fs.writeFileSync(file, buildFile(n)); // replay-check's file
    return;
  }
  const fd = fs.openSync(file, 'w');
  try {
    let buf = 'config ipa_bits=40 pool_pages=unlimited\n';
    for (const r of records(n)) {
      buf += formatStatement(r) + '\n';
      if (buf.length > 1 << 20) { fs.writeSync(fd, buf); buf = ''; }
    }
    fs.writeSync(fd, buf);
  } finally { fs.closeSync(fd); }
}

// Child mode (`node <bundle> --gen <file> <n> <format>`): write the trace and exit.
if (process.argv[2] === '--gen') {
  writeTrace(process.argv[3], Number(process.argv[4]), process.argv[5] as Format);
  process.exit(0);
}

const mb = (b: number) => Math.round(b / 2 ** 20);

export async function measure(size: 'small' | 'full', format: Format): Promise<BenchResult> {
  const n = size === 'small' ? 20_000 : 1_000_000;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('session-load needs node --expose-gc (scripts/bench.mjs passes it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-bench-session-'));
  const file = path.join(dir, format === 'xentrace' ? 'bench.xentrace' : 'bench.p2mtrace');
  try {
    const g = spawnSync(process.execPath, [__filename, '--gen', file, String(n), format], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`generating ${file} failed (exit ${g.status}): ${g.stderr}`);
    gc();
    const rss0 = process.memoryUsage().rss;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const s = loadSession({ path: file, format, snapshotInterval: 2048 }, () => { /* no UI */ });
    const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(c0);
    const live = await liveMemory();
    // Use the session after the measurement so it is live when measured.
    const mid = s.core.seek(Math.floor(s.summary.opCount / 2)).position;
    return {
      name: format === 'xentrace' ? 'session-load-xentrace' : 'session-load',
      metrics: {
        ops: s.summary.opCount, events: s.summary.eventCount, fileMB: +(fs.statSync(file).size / 2 ** 20).toFixed(1),
        loadMs: Math.round(loadMs), loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        emptyRssMB: mb(rss0), sessionRssMB: live.rssMB, sessionAddedMB: live.rssMB - mb(rss0),
        liveHeapMB: live.heapMB, liveArrayBuffersMB: live.arrayBuffersMB,
        retainedMB: live.rssMB - mb(rss0) - live.heapMB - live.arrayBuffersMB, seekCheck: mid,
        target: 'sessionRssMB <= 300',
      },
    };
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

export function run(size: 'small' | 'full' = 'full'): Promise<BenchResult> { return measure(size, 'p2mtrace'); }
