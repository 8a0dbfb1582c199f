// `npm run fuzz -- --seconds N --seed S`: bundles fuzz/main.ts with esbuild (like the unit
// tests) into a per-run folder and runs it in plain Node. All arguments go to fuzz/main.ts.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'out', `fuzz-${process.pid}`);
// `--big`: the large-file measurements (fuzz/big-files.ts) instead of the mutation fuzzer.
const entry = process.argv.includes('--big') ? 'fuzz/big-files.ts' : 'fuzz/main.ts';
await esbuild.build({
  entryPoints: [path.join(root, entry)], outdir, bundle: true, platform: 'node',
  format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning', packages: 'external',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', '--max-old-space-size=6144', '--expose-gc', path.join(outdir, path.basename(entry, '.ts') + '.js'), ...process.argv.slice(2).filter(a => a !== '--big')],
  { stdio: 'inherit', cwd: root, env: { ...process.env, P2M_ROOT: root } });
rmSync(outdir, { recursive: true, force: true });
process.exit(r.status ?? 1);
