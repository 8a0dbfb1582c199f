// DAP test layer: bundles the standalone debug adapter (dist/debug-adapter.js, same options as
// scripts/build.mjs) and every test/dap/*.test.ts, then runs them with node:test. The tests
// drive `node dist/debug-adapter.js` with @vscode/debugadapter-testsupport's DebugClient.
// Usage: node test/dap/run.mjs [filter-substring]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const filter = process.argv[2] ?? '';
const dir = path.join(root, 'test/dap');
const files = readdirSync(dir).filter(f => f.endsWith('.test.ts') && f.includes(filter)).map(f => path.join(dir, f));
if (files.length === 0) { console.error(`[dap] no test files match '${filter}'`); process.exit(1); }

await esbuild.build({
  entryPoints: { 'debug-adapter': path.join(root, 'extension/debug/debug-adapter-main.ts') }, outdir: path.join(root, 'dist'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
});
const outdir = path.join(root, 'out/dap');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files, outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  sourcemap: 'inline', logLevel: 'warning', packages: 'external',
});
const outFiles = files.map(f => path.join(outdir, path.basename(f).replace(/\.ts$/, '.js')));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=1', ...outFiles],
  { stdio: 'inherit', cwd: root, env: { ...process.env, P2M_ROOT: root } });
console.log(r.status === 0 ? '[dap] PASS' : `[dap] FAIL (exit ${r.status})`);
process.exit(r.status ?? 1);
