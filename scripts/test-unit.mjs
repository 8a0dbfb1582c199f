// Layer 1: plain-Node unit tests (node:test). Every *.test.ts under test/unit/ is bundled
// with esbuild into out/unit/ (fast, no loader hooks) and run by node's own test runner.
// Usage: node scripts/test-unit.mjs [filter-substring]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filter = process.argv[2] ?? '';
const walk = dir => readdirSync(dir).flatMap(f => {
  const p = path.join(dir, f);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
});
const files = walk(path.join(root, 'test/unit')).filter(f => f.includes(filter));
if (files.length === 0) { console.error(`[unit] no test files match '${filter}'`); process.exit(1); }
// One output folder per run, so concurrent runs (several engineers, or watch + CI) never
// delete each other's bundles; removed again when the run ends.
const outdir = path.join(root, 'out', `unit-${process.pid}`);
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files, outbase: path.join(root, 'test/unit'), outdir, bundle: true, platform: 'node',
  format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
  // Test helpers spawn the built CLI/server, so keep node_modules external.
  packages: 'external',
});
const outFiles = files.map(f => path.join(outdir, path.relative(path.join(root, 'test/unit'), f)).replace(/\.ts$/, '.js'));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...outFiles],
  { stdio: 'inherit', cwd: root, env: { ...process.env, P2M_ROOT: root } });
rmSync(outdir, { recursive: true, force: true });
process.exit(r.status ?? 1);
