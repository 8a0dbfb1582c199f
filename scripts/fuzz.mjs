// `npm run fuzz -- --seconds N --seed S`: bundles fuzz/main.ts with esbuild (like the unit
// tests) into a per-run folder and runs it in plain Node. All arguments go to fuzz/main.ts.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'out', `fuzz-${process.pid}`);
await esbuild.build({
  entryPoints: [path.join(root, 'fuzz/main.ts')], outdir, bundle: true, platform: 'node',
  format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning', packages: 'external',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', '--max-old-space-size=3072', path.join(outdir, 'main.js'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root, env: { ...process.env, P2M_ROOT: root } });
rmSync(outdir, { recursive: true, force: true });
process.exit(r.status ?? 1);
