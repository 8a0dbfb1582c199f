// Benchmark runner (`npm run bench`). Each case is bench/<case>.ts exporting
// `run(size: 'small' | 'full'): BenchResult | Promise<BenchResult>`; register it in CASES.
// Cases are bundled with esbuild to out/bench/ and each runs in its own node process so its
// peak RSS (process.resourceUsage().maxRSS) is its own.
// Usage: node scripts/bench.mjs [case …] [--size small|full] [--json]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** name → bench/<file>.ts. Add new cases here. */
const CASES = [
  { name: 'p2m-replay', file: 'bench/p2m-replay.ts' },
  { name: 'parse-xentrace', file: 'bench/parse-xentrace.ts' },
  { name: 'seek', file: 'bench/seek.ts' },
  { name: 'lsp', file: 'bench/lsp.ts' },
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
const sizeIdx = argv.indexOf('--size');
const size = sizeIdx >= 0 ? argv[sizeIdx + 1] : 'full';
if (size !== 'small' && size !== 'full') { console.error(`bench: --size small|full, got ${size}`); process.exit(2); }
const wanted = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--size');
const cases = CASES.filter(c => (wanted.length === 0 || wanted.includes(c.name)) && existsSync(path.join(root, c.file)));
if (cases.length === 0) { console.error(`bench: no case matches ${wanted.join(', ')} (known: ${CASES.map(c => c.name).join(', ')})`); process.exit(2); }

const outdir = path.join(root, 'out/bench');
mkdirSync(outdir, { recursive: true });
const results = [];
let failed = false;
for (const c of cases) {
  const outfile = path.join(outdir, `${c.name}.js`);
  await esbuild.build({
    entryPoints: [path.join(root, c.file)], outfile, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', logLevel: 'warning', packages: 'external',
  });
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'scripts/bench.mjs'), '--child', outfile, size],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    failed = true;
    console.error(`bench: case ${c.name} failed (exit ${r.status})\n${r.stderr}`);
    continue;
  }
  const res = JSON.parse(line);
  results.push(res);
  if (!json) {
    console.log(`${res.name} (${size})`);
    for (const [k, v] of Object.entries(res.metrics)) console.log(`  ${k.padEnd(22)} ${v}`);
  }
}
if (json) console.log(JSON.stringify({ size, results }, null, 2));
process.exit(failed ? 1 : 0);
