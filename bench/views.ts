// Benchmark case: the views' queries, through the UI session core (the worker's engine side).
//   1. A fully mapped 1 TB guest (40-bit IPA: 1024 × 1G blocks, one 1G range remapped as 2M
//      blocks and one 2M range as 4K pages, so every level has full pages): tree children of
//      every node down to L3 (target ≤ 5 ms each), and regions coalescing.
//   2. A 1M-op session (bench/seek.ts's op mix, the extension's default snapshot interval):
//      its memory (target ≤ 300 MB) and trace-log page fetches of 200 rows at random offsets
//      (target ≤ 5 ms).
import { createMachine } from '../extension/session/machine-factory';
import { SessionCore } from '../extension/session/session-core';
import type { TreeNodeModel } from '../extension/views/tree-model';
import type { TraceRecord } from '../engine/trace/records';
import { liveMemory, timeIndexMB } from './memory';
import { buildRecords } from './seek';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

const loc = (line: number) => ({ source: 'bench', line, column: 1, byteOffset: 0 });
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const round = (x: number) => +x.toFixed(3);

function terabyteGuest(): TraceRecord[] {
  const G = 2 ** 18;
  const recs: TraceRecord[] = [{ kind: 'config', ipaBits: 40, poolPages: 'unlimited', loc: loc(1) }];
  const set = (gfn: number, nr: number, mfn: number) =>
    recs.push({ kind: 'setEntry', domain: 1, gfn, nr, mfn, type: 'ram_rw', access: 'rwx', loc: loc(recs.length + 1) });
  for (let g = 0; g < 1024; g++) set(g * G, G, g * G);      // 1024 × 1G blocks
  set(5 * G, G, 5 * G + 512);                                // 1G range as 512 × 2M (MFN only 2M-aligned)
  set(5 * G, 512, 5 * G + 1);                                // its first 2M as 512 × 4K
  return recs;
}

function treeTimes(core: SessionCore): { max: number; p50: number; calls: number; deepest: number; regionsMs: number; regions: number } {
  const times: number[] = [];
  let deepest = 0;
  // Depth-first over every collapsible node, but only the first few children of each (the
  // rest repeat the same shapes): that reaches every level and every grouping.
  const visit = (n: TreeNodeModel, depth: number) => {
    if (!n.collapsible || depth > 8) return;
    deepest = Math.max(deepest, n.level ?? 0);
    const t0 = process.hrtime.bigint();
    const kids = core.treeChildren(n.key);
    times.push(ms(t0));
    for (const k of kids.slice(0, 3)) visit(k, depth + 1);
    if (kids.length > 3) visit(kids[kids.length - 1], depth + 1);
  };
  for (const r of core.treeRoots()) visit(r, 0);
  const t0 = process.hrtime.bigint();
  const reg = core.regions(undefined, {}, 100_000);
  return { max: Math.max(...times), p50: pct(times, 0.5), calls: times.length, deepest, regionsMs: ms(t0), regions: reg.rows.length };
}

export async function run(size: 'small' | 'full' = 'full'): Promise<BenchResult> {
  const n = size === 'small' ? 20_000 : 1_000_000;
  const gc = (globalThis as { gc?: () => void }).gc;
  // 2. the big session first, alone in the heap, so its memory is its own. The records are
  //    packed into the machine's columns and dropped, as the loader's reader store would be.
  let machine: ReturnType<typeof createMachine>['machine'] | undefined = createMachine(buildRecords(n), {}).machine;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let big: SessionCore | undefined = new SessionCore(machine, { snapshotInterval: 2048, ipaBits: 40 });
  const indexMB = timeIndexMB(machine);
  machine = undefined;
  const loadMs = ms(t0);
  const loadCpu = process.cpuUsage(c0);
  const live = await liveMemory();
  const sessionRssMB = live.rssMB;
  const sessionGrowthMB = Math.round((process.memoryUsage().rss - rss0) / 2 ** 20);
  const sessionHeapMB = live.heapMB, sessionArrayBuffersMB = live.arrayBuffersMB;
  let s = 99;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  for (let k = 0; k < 50; k++) big.logPage(next() % Math.max(1, big.opCount - 200), 200); // warm-up
  const pages: number[] = [];
  for (let k = 0; k < 200; k++) {
    const off = next() % Math.max(1, big.opCount - 200);
    const t = process.hrtime.bigint();
    const p = big.logPage(off, 200);
    pages.push(ms(t));
    if (p.rows.length !== 200) throw new Error(`page at ${off}: ${p.rows.length} rows`);
  }
  big = undefined;
  gc?.();
  // 1. the terabyte guest
  const tb = new SessionCore(createMachine(terabyteGuest(), {}).machine, { snapshotInterval: 2048, ipaBits: 40 });
  tb.seek(tb.opCount);
  treeTimes(tb); // warm-up (JIT)
  const t = treeTimes(tb);
  return {
    name: 'views',
    metrics: {
      treeChildrenMaxMs: round(t.max), treeChildrenP50Ms: round(t.p50), treeCalls: t.calls, treeDeepestLevel: t.deepest,
      regionsMs: round(t.regionsMs), regions: t.regions,
      sessionOps: n, sessionLoadMs: Math.round(loadMs), sessionLoadCpuMs: Math.round((loadCpu.user + loadCpu.system) / 1000), sessionRssMB, sessionGrowthMB,
      sessionHeapMB, sessionArrayBuffersMB, indexMB,
      logPageP50Ms: round(pct(pages, 0.5)), logPageP99Ms: round(pct(pages, 0.99)), logPageMaxMs: round(Math.max(...pages)),
      target: 'treeChildrenMaxMs <= 5, logPageMaxMs <= 5, sessionRssMB <= 300',
    },
  };
}
