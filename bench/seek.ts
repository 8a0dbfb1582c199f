// Benchmark case: seeking in a 1,000,000-operation replay (issue 6 target: < 50 ms anywhere).
// Builds 1M random p2m_set_entry records (mixed orders, ~30% remaps/removals), records them
// once through the replay core (timeline + checkpoints, not the measured part), then seeks to
// random positions — forwards and backwards — and queries the state there. Views are answered
// from the time index (engine/replay/time-store.ts); P2M_LOG_SEEK=moves measures one engine
// state moved along the recorded log between checkpoints (log-mover.ts), P2M_LOG_SEEK=0 the
// snapshot + re-execution path.
import { getHeapStatistics } from 'node:v8';
import { EngineMachine } from '../engine/replay/engine-machine';
import { ReplayRuntime } from '../engine/replay/runtime';
import type { TraceRecord } from '../engine/trace/records';
import { liveMemory, timeIndexMB } from './memory';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

export function buildRecords(n: number): TraceRecord[] {
  const next = rng(7);
  const out: TraceRecord[] = [{ kind: 'config', ipaBits: 40, poolPages: 'unlimited', loc: { source: 'bench', line: 1, column: 1, byteOffset: 0 } }];
  for (let i = 0; i < n; i++) {
    const r = next();
    // Mostly 4K calls over a sparse 64 GiB window and 2% 2M ones: roughly ten events per
    // call, like a guest's lifetime of maps, remaps and balloon removals. (1G remaps over
    // populated ranges free whole subtrees and would make this a free_entry benchmark.)
    const order = r % 50 === 0 ? 9 : 0;
    const gfn = (next() % (1 << 24)) * 2 ** order % 2 ** 24;
    const kind = (r >>> 8) % 10;
    const unmap = kind < 2;
    out.push({
      kind: 'setEntry', domain: 1, gfn, nr: 2 ** order, mfn: unmap ? -1 : ((next() % (1 << 20)) * 2 ** order + (kind === 2 ? 2 ** order : 0)) % 2 ** 34,
      type: unmap ? 'invalid' : 'ram_rw', access: 'rwx', loc: { source: 'bench', line: i + 2, column: 1, byteOffset: 0 },
    });
  }
  return out;
}

/**
 * The machine over freshly built records; the record array is garbage once this returns
 * (the machine packs set_entry records into columns), as a reader's records are in the UI.
 */
function machineOf(n: number): EngineMachine { return new EngineMachine(buildRecords(n)); }

/** Live memory after a full GC (run with `node --expose-gc`; empty otherwise): heap vs array buffers. */
async function liveSplit(): Promise<Record<string, number>> {
  const m = await liveMemory();
  return m.gc ? { liveHeapMB: m.heapMB, liveArrayBuffersMB: m.arrayBuffersMB } : {};
}

export async function run(size: 'small' | 'full' = 'full'): Promise<BenchResult> {
  const n = size === 'small' ? 20_000 : 1_000_000;
  const machine = machineOf(n);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const rt = new ReplayRuntime(machine);
  const cpu = process.cpuUsage(c0);
  const snapshots = rt.seeker.snapshotCount;
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const next = rng(99);
  const samples: number[] = [];
  // Alternate far jumps (restore + re-execute) and short backward steps: 1,000 seeks (issue 9).
  const seeks = size === 'small' ? 200 : 1000;
  for (let i = 0; i < seeks; i++) {
    const op = i % 2 === 0 ? next() % n : Math.max(0, rt.position.op - 1 - (next() % 3000));
    const s = process.hrtime.bigint();
    rt.goto(op);
    const st = rt.stateAt();
    st.lookup(0x1234);
    st.stats();
    samples.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  // Stepping back one operation at a time (the common debugger interaction) undoes one op's
  // events (log moves) or uses the fine snapshot cache (re-execution): measured separately.
  const back: number[] = [];
  rt.goto(Math.floor(n / 2) + 777);
  for (let i = 0; i < 100; i++) {
    const s = process.hrtime.bigint();
    rt.step('operation', true);
    rt.stateAt().stats();
    back.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  back.sort((a, b) => a - b);
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return {
    name: 'seek',
    metrics: {
      ops: n, seeks, events: rt.events.length, loadMs: Math.round(loadMs), loadCpuMs: Math.round((cpu.user + cpu.system) / 1000), recordMs: rt.loadMs.record, scanMs: rt.loadMs.scan,
      snapshotInterval: rt.seeker.interval, snapshots, logSeek: rt.seeker.movesAlongLog ? 'on' : 'off',
      restores: rt.seeker.stats.restores,
      seekP50Ms: +pct(0.5).toFixed(2), seekP99Ms: +pct(0.99).toFixed(2), seekMaxMs: +samples[samples.length - 1].toFixed(2),
      stepBackP50Ms: +back[50].toFixed(2), stepBackMaxMs: +back[back.length - 1].toFixed(2),
      seekMode: machine.timeIndexBytes ? 'time' : rt.seeker.movesAlongLog ? 'moves' : 'off',
      indexMB: timeIndexMB(machine),
      indexWrites: machine.timeIndexBytes?.writes ?? 0,
      ...await liveSplit(),
      target: 'seekP99Ms <= 50, rssMB <= 300', rssMB: Math.round(process.memoryUsage().rss / 1e6),
      heapLimitMB: Math.round(getHeapStatistics().heap_size_limit / 1e6),
    },
  };
}
