// Benchmark case: the headline pipeline on 1,000,000 operations — parse a xentrace
// file, replay every record through the engine with all events recorded, and run the
// break-before-make checker over the whole event stream. Target (issue 9): ≤ 0.5 s in total,
// ≥ 2M ops/s on one core. The op mix is bench/p2m-replay.ts's (mixed orders, ~30% remaps and
// removals), written as __p2m_set_entry records by our xentrace writer (not timed).
// Phases are timed separately (CPU and wall) so the table shows where the time goes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { P2m } from '../engine/p2m/p2m';
import { BbmChecker } from '../engine/tlb/bbm-checker';
import { readXentrace } from '../engine/trace/xentrace-reader';
import { buildFile } from './p2m-replay';
import { timed } from './raw-floor';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

function pipeline(bytes: Uint8Array) {
  const parse = timed(() => readXentrace(bytes, { source: 'bench.xentrace' }));
  const store = parse.value.store;
  const p = new P2m({ ipaBits: 40, poolPages: 'unlimited' });
  const replay = timed(() => {
    let failed = 0;
    const { gfn, order, mfn, type } = store;
    for (let i = 0; i < store.length; i++) if (p.setAtOrder(gfn[i], order[i], mfn[i], type[i], 7) !== 0) failed++;
    return failed;
  });
  const checker = new BbmChecker({ recordWaste: false });
  const check = timed(() => p.log.feed(checker));
  return { parse, replay, check, p, checker, ops: store.length };
}

// Child mode (`node <bundle> --one-shot <file>`): the pipeline once on the file's bytes, with
// no warm-up at all, as a one-shot CLI run; prints its figures as one JSON line.
if (process.argv[2] === '--one-shot') {
  const r = figures(pipeline(new Uint8Array(fs.readFileSync(process.argv[3]))));
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
}

/** The pipeline in a fresh process (nothing compiled yet) on `bytes`. */
function oneShot(bytes: Uint8Array): ReturnType<typeof figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-bench-oneshot-'));
  try {
    const file = path.join(dir, 'bench.xentrace');
    fs.writeFileSync(file, bytes);
    const r = spawnSync(process.execPath, [__filename, '--one-shot', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`one-shot run failed (exit ${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

export function run(size: 'small' | 'full' = 'full'): BenchResult {
  const n = size === 'small' ? 20_000 : 1_000_000;
  const bytes = buildFile(n);
  const one = oneShot(bytes);
  pipeline(buildFile(5_000)); // warm-up (JIT), not counted
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // The headline run is the first full-size one in this process: the 5,000-op warm-up leaves
  // part of V8's compiling in it (`oneShot*`, a fresh process with no warm-up, is the figure a
  // one-shot CLI run sees, ~0.1 s more). A second run of the same input (after the first one's
  // state is dropped) shows the steady state that a long-lived language server or worker gets.
  const cold = figures(pipeline(bytes));
  gc?.();
  const warm = figures(pipeline(bytes));
  return {
    name: 'replay-check',
    metrics: {
      ops: cold.ops, events: cold.events, failed: cold.failed,
      parseCpuSeconds: cold.parse, replayCpuSeconds: cold.replay, checkCpuSeconds: cold.check,
      totalCpuSeconds: cold.total, totalSeconds: cold.wall,
      opsPerCpuSec: Math.round(cold.ops / cold.total), replayOpsPerCpuSec: Math.round(cold.ops / cold.replay),
      checkEventsPerCpuSec: Math.round(cold.events / cold.check),
      warmParseCpuSeconds: warm.parse, warmReplayCpuSeconds: warm.replay, warmCheckCpuSeconds: warm.check,
      warmTotalCpuSeconds: warm.total, warmOpsPerCpuSec: Math.round(warm.ops / warm.total),
      oneShotParseCpuSeconds: one.parse, oneShotReplayCpuSeconds: one.replay, oneShotCheckCpuSeconds: one.check,
      oneShotTotalCpuSeconds: one.total,
      logBytesPerEvent: cold.logBytesPerEvent, logMB: cold.logMB,
      violations: cold.violations, flushes: cold.flushes, heapUsedMB: cold.heapUsedMB,
      target: 'totalCpuSeconds <= 0.5, opsPerCpuSec >= 2000000',
    },
  };
}

/** The numbers of one pipeline run (so its engine, log and records can be dropped). */
function figures(r: ReturnType<typeof pipeline>) {
  const round = (x: number) => +x.toFixed(3);
  return {
    ops: r.ops, events: r.p.log.length, failed: r.replay.value,
    parse: round(r.parse.cpu), replay: round(r.replay.cpu), check: round(r.check.cpu),
    total: round(r.parse.cpu + r.replay.cpu + r.check.cpu), wall: round(r.parse.wall + r.replay.wall + r.check.wall),
    logBytesPerEvent: +(r.p.log.byteLength / r.p.log.length).toFixed(2), logMB: +(r.p.log.memoryBytes() / 2 ** 20).toFixed(1),
    violations: r.checker.counts.violations, flushes: r.checker.counts.flushes,
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}
