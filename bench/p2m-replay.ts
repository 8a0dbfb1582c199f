// Benchmark case: replay 1,000,000 random p2m_set_entry calls (issue 3 target: ≥ 2M
// calls/s on one core, < 300 MB) with every event recorded in the columnar log. Mixed
// orders (4K, 2M, a few aligned 1G), ~30% remaps and removals over a 256 GiB range of a
// 40-bit IPA, unlimited pool. The call list is generated first (not timed).
import { P2m } from '../engine/p2m/p2m';
import type { TraceRecord } from '../engine/trace/records';
import { writeXentrace } from '../engine/trace/xentrace-writer';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

export interface Calls { gfn: Float64Array; nr: Float64Array; mfn: Float64Array; type: Uint8Array }

export function buildCalls(n: number): Calls {
  const next = rng(20261125);
  const c: Calls = { gfn: new Float64Array(n), nr: new Float64Array(n), mfn: new Float64Array(n), type: new Uint8Array(n) };
  const recent = new Float64Array(8192);
  let nRecent = 0;
  // Like a guest's life: 4K maps (grants, MMIO, ballooned RAM) in a 64 GiB window, RAM as
  // 2M blocks in the next 64 GiB (1% of 4K calls land there and split a block), and a few
  // 1G blocks above. A third of the 4K calls remap or remove a recently mapped GFN.
  const W4K = 2 ** 24, W2M = 2 ** 24, W1G = 2 ** 25;
  for (let i = 0; i < n; i++) {
    const r = next() % 10000;
    const kind = next() % 100; // < 15 removal, < 30 remap/remove of a recent GFN
    let gfn: number, order = 0;
    if (r < 10) { order = 18; gfn = W1G + (next() % 64) * 2 ** 18; }
    else if (r < 400) { order = 9; gfn = W2M + (next() % (W2M / 512)) * 512; }
    else if (kind < 30 && nRecent > 0) gfn = recent[next() % Math.min(nRecent, recent.length)];
    else if (r < 500) gfn = W2M + (next() % W2M);
    else gfn = next() % W4K;
    c.gfn[i] = gfn;
    c.nr[i] = order === 0 && r % 100 === 7 ? 2 + (next() % 14) : 2 ** order;
    if (kind < 15) { c.mfn[i] = -1; c.type[i] = 0; }
    else { c.mfn[i] = (next() % (order === 18 ? 1 << 17 : 1 << 22)) * 2 ** order; c.type[i] = kind % 7 === 0 ? 2 : 1; }
    if (order === 0 && kind >= 30) recent[nRecent++ % recent.length] = gfn;
  }
  return c;
}

/**
 * The call mix as a xentrace file (replay-check's input, session-load's xentrace variant):
 * __p2m_set_entry records at the order the range driver would pick for a whole aligned block
 * (the binary format has no nr: nr 2..15 becomes order 0), spread over 4 CPUs in runs of 64.
 */
export function buildFile(n: number): Uint8Array {
  const c = buildCalls(n);
  const gen = function* (): Iterable<TraceRecord> {
    for (let i = 0; i < n; i++) {
      const order = c.nr[i] === 2 ** 18 ? 18 : c.nr[i] === 512 ? 9 : 0;
      const unmap = c.mfn[i] < 0;
      yield {
        kind: 'setAtOrder', domain: 1, gfn: c.gfn[i], order, mfn: unmap ? -1 : c.mfn[i],
        type: unmap ? 'invalid' : c.type[i] === 2 ? 'ram_ro' : 'ram_rw', access: 'rwx',
        loc: { source: 'bench', line: 0, column: 0, byteOffset: 0, cpu: (i >> 6) & 3 },
      };
    }
  };
  return writeXentrace(gen(), { tsc: 'records', windowBytes: 64 * 1024 - 8 }).bytes;
}

/**
 * The same call mix confined to a cache-sized window (64K GFNs, ~130 table pages): the
 * engine's own per-call cost without the memory latency of touching a random page of ~37k.
 */
function localCallsPerCpuSec(n: number): number {
  const next = rng(7);
  const gfn = new Float64Array(n), mfn = new Float64Array(n);
  for (let i = 0; i < n; i++) { const r = next(); gfn[i] = r % 65536; mfn[i] = (r >>> 3) % 10 < 3 ? -1 : 0x100000 + (next() % 4096); }
  const p = new P2m({ ipaBits: 40, poolPages: 'unlimited' });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) p.setEntry(gfn[i], 1, mfn[i], mfn[i] < 0 ? 0 : 1, 7);
  const cpu = process.cpuUsage(cpu0);
  return Math.round(n / ((cpu.user + cpu.system) / 1e6));
}

export function run(size: 'small' | 'full' = 'full'): BenchResult {
  const n = size === 'small' ? 20_000 : 1_000_000;
  // Local variant first, on 500k calls, so its memory is gone before the main run's peak.
  const local = localCallsPerCpuSec(Math.min(n, 500_000));
  (globalThis as { gc?: () => void }).gc?.();
  const calls = buildCalls(n);
  const p = new P2m({ ipaBits: 40, poolPages: 'unlimited' });
  const rss0 = process.memoryUsage().rss;
  let failed = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (p.setEntry(calls.gfn[i], calls.nr[i], calls.mfn[i], calls.type[i], 7) !== 0) failed++;
  }
  const cpu = process.cpuUsage(cpu0);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const s = p.stats();
  return {
    name: 'p2m-replay',
    metrics: {
      calls: n,
      failed,
      seconds: +secs.toFixed(3),
      cpuSeconds: +cpuSecs.toFixed(3),
      callsPerSec: Math.round(n / secs),
      callsPerCpuSec: Math.round(n / cpuSecs),
      events: p.log.length,
      eventsPerCall: +(p.log.length / n).toFixed(2),
      tablePagesLive: s.tablePages.inUse,
      tablePagesAllocated: s.tablePages.allocated,
      tlbFlushes: s.tlbFlushes,
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      rssGrowthMB: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
      localCallsPerCpuSec: local,
      target: 'callsPerSec >= 2000000, peakRssMB < 300',
    },
  };
}
