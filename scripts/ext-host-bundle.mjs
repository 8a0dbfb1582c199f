// Bundles the extension-host mocha suites: test/ext-host/**/*.ts → out/ext-host/**/*.js (CJS).
// `vscode` and `mocha` stay external: the host provides `vscode`, and mocha must be the one
// package instance whose globals (`suite`, `test`) the test files register into.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const EXT_HOST_OUT = path.join(ROOT, 'out/ext-host');
export const EXT_HOST_INDEX = path.join(EXT_HOST_OUT, 'index.js');

export async function bundleExtHostTests() {
  const src = path.join(ROOT, 'test/ext-host');
  const walk = dir => readdirSync(dir).flatMap(f => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.test\.ts$/.test(f) ? [p] : [];
  });
  const tests = walk(src);
  if (tests.length === 0) throw new Error('no test/ext-host/**/*.test.ts files');
  rmSync(EXT_HOST_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(src, 'index.ts'), ...tests], outbase: src, outdir: EXT_HOST_OUT,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
    external: ['vscode', 'mocha'], logLevel: 'warning',
  });
  return tests.map(t => path.relative(ROOT, t));
}
