// The shared body of the DAP and LSP test layers: bundle the program under test into dist/
// (same esbuild options as scripts/build.mjs), bundle every test/<layer>/*.test.ts whose name
// contains the filter, then run them with node:test one file at a time; exits with their status.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** layer: 'dap' | 'lsp'; program: { distName: sourcePath relative to the repo root }. */
export async function runLayer(layer, program) {
  const root = path.resolve(import.meta.dirname, '../..');
  const filter = process.argv[2] ?? '';
  const dir = path.join(root, 'test', layer);
  const files = readdirSync(dir).filter(f => f.endsWith('.test.ts') && f.includes(filter)).map(f => path.join(dir, f));
  if (files.length === 0) { console.error(`[${layer}] no test files match '${filter}'`); process.exit(1); }

  const entryPoints = Object.fromEntries(Object.entries(program).map(([k, v]) => [k, path.join(root, v)]));
  await esbuild.build({
    entryPoints, outdir: path.join(root, 'dist'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
  });
  const outdir = path.join(root, 'out', layer);
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files, outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    sourcemap: 'inline', logLevel: 'warning', packages: 'external',
  });
  const outFiles = files.map(f => path.join(outdir, path.basename(f).replace(/\.ts$/, '.js')));
  const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=1', ...outFiles],
    { stdio: 'inherit', cwd: root, env: { ...process.env, P2M_ROOT: root } });
  console.log(r.status === 0 ? `[${layer}] PASS` : `[${layer}] FAIL (exit ${r.status})`);
  process.exit(r.status ?? 1);
}
