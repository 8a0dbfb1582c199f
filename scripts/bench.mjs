// Benchmark runner (`npm run bench`). Each case is bench/<case>.ts exporting
// `run(size: 'small' | 'full'): BenchResult | Promise<BenchResult>`; register it in CASES.
// Cases are bundled with esbuild to out/bench/ and every run of a case is its own node
// process, so its peak RSS (process.resourceUsage().maxRSS) is its own and no run inherits
// another's heap or JIT state. Each case runs --runs times (default 5): the table shows the
// median, min and max of every numeric metric; string metrics come from the first run.
// Usage: node scripts/bench.mjs [case …] [--size small|full] [--runs N] [--json]
// `--size small` is the CI smoke run (all cases < 60 s): it checks the cases still run, its
// numbers are not assertions.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** name → bench/<file>.ts. Add new cases here. */
const CASES = [
  { name: 'parse-xentrace', file: 'bench/parse-xentrace.ts' },
  { name: 'parse-p2mtrace', file: 'bench/parse-p2mtrace.ts' },
  { name: 'replay-check', file: 'bench/replay-check.ts' },
  { name: 'p2m-replay', file: 'bench/p2m-replay.ts' },
  { name: 'seek', file: 'bench/seek.ts' },
  { name: 'views', file: 'bench/views.ts' },
  { name: 'session-load', file: 'bench/session-load.ts' },
  { name: 'session-load-xentrace', file: 'bench/session-load-xentrace.ts' },
  { name: 'lsp', file: 'bench/lsp.ts' },
  { name: 'extension', file: 'bench/extension.ts' },
  { name: 'index-only', file: 'bench/index-only.ts' },
];

const root = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);

if (argv[0] === '--child') {
  // Child mode: run one bundled case and print its result as one JSON line.
  const [, bundle, size] = argv;
  const mod = await import(pathToFileURL(bundle).href);
  const run = mod.run ?? mod.default?.run;
  const res = await run(size);
  res.metrics.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(res) + '\n');
  process.exit(0);
}

const json = argv.includes('--json');
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const size = opt('--size', 'full');
const runs = Number(opt('--runs', '5'));
if (size !== 'small' && size !== 'full') { console.error(`bench: --size small|full, got ${size}`); process.exit(2); }
if (!Number.isInteger(runs) || runs < 1) { console.error(`bench: --runs must be a positive integer`); process.exit(2); }
const wanted = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--size' && argv[i - 1] !== '--runs');
const cases = CASES.filter(c => (wanted.length === 0 || wanted.includes(c.name)) && existsSync(path.join(root, c.file)));
if (cases.length === 0) { console.error(`bench: no case matches ${wanted.join(', ')} (known: ${CASES.map(c => c.name).join(', ')})`); process.exit(2); }

/** Median, min and max of each numeric metric over the runs; strings from the first run. */
function summarize(samples) {
  const out = {};
  for (const k of Object.keys(samples[0].metrics)) {
    const vals = samples.map(s => s.metrics[k]);
    if (vals.every(v => typeof v === 'number' && Number.isFinite(v))) {
      const sorted = [...vals].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      out[k] = { median: Number.isInteger(median) ? median : +median.toPrecision(6), min: sorted[0], max: sorted[sorted.length - 1] };
    } else out[k] = { value: vals[0] };
  }
  return out;
}

const machine = {
  cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version,
  loadAvg: os.loadavg().map(x => +x.toFixed(2)),
};
const outdir = path.join(root, 'out/bench');
mkdirSync(outdir, { recursive: true });
const results = [];
let failed = false;
const t0 = Date.now();
if (!json) console.log(`bench: size ${size}, ${runs} runs per case, ${machine.cores} cores (${machine.cpu}), node ${machine.node}, load ${machine.loadAvg.join(' ')}`);
for (const c of cases) {
  const outfile = path.join(outdir, `${c.name}.js`);
  await esbuild.build({
    entryPoints: [path.join(root, c.file)], outfile, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', logLevel: 'warning', packages: 'external',
  });
  const samples = [];
  const tc = Date.now();
  for (let k = 0; k < runs; k++) {
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'scripts/bench.mjs'), '--child', outfile, size],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, P2M_ROOT: root } });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      failed = true;
      console.error(`bench: case ${c.name} run ${k + 1} failed (exit ${r.status})\n${r.stderr}`);
      break;
    }
    samples.push(JSON.parse(line));
  }
  if (samples.length === 0) continue;
  const metrics = summarize(samples);
  results.push({ name: c.name, runs: samples.length, metrics, samples: samples.map(s => s.metrics) });
  if (!json) {
    console.log(`\n${c.name} (${size}, ${samples.length} runs, ${((Date.now() - tc) / 1000).toFixed(1)} s)`);
    console.log(`  ${'metric'.padEnd(26)} ${'median'.padStart(12)} ${'min'.padStart(12)} ${'max'.padStart(12)}`);
    for (const [k, v] of Object.entries(metrics)) {
      if ('value' in v) console.log(`  ${k.padEnd(26)} ${String(v.value)}`);
      else console.log(`  ${k.padEnd(26)} ${String(v.median).padStart(12)} ${String(v.min).padStart(12)} ${String(v.max).padStart(12)}`);
    }
  }
}
const totalSeconds = +((Date.now() - t0) / 1000).toFixed(1);
if (json) console.log(JSON.stringify({ size, runs, machine, totalSeconds, results }, null, 2));
else console.log(`\nbench: ${results.length}/${cases.length} cases in ${totalSeconds} s${failed ? ' (FAILURES above)' : ''}`);
// The summary line scripts/test-all.mjs counts (a case passes when all its runs completed).
console.error(`[bench] ${results.filter(r => r.runs === runs).length} passed, ${cases.length - results.filter(r => r.runs === runs).length} failed`);
process.exit(failed ? 1 : 0);
