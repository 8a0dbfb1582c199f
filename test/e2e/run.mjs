// Layer: browser e2e. Installs the packaged .vsix (p2m-debugger-<version>.vsix, rebuilt by
// scripts/package.mjs unless P2M_E2E_USE_VSIX=1) into a fresh code-server extensions dir, then runs every
// e2e file, each in its own node process:
//   test/e2e/*.e2e.mjs   and   test/e2e/ui-*.mjs
// Prints each file's result and `[e2e] N passed, N failed` over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as H from './harness.mjs';

const t0 = Date.now();
const fail = msg => { console.error(`[e2e] ${msg}`); console.log('[e2e] 0 passed, 1 failed (could not run)'); process.exit(1); };
try { H.requirePrerequisites(); } catch (e) { fail(e.message); }

const pkg = JSON.parse(readFileSync(path.join(H.ROOT, 'package.json'), 'utf8'));
const vsix = path.join(H.ROOT, `${pkg.name}-${pkg.version}.vsix`);
// Standalone runs rebuild and repackage so they never test a stale .vsix; `npm test` sets
// P2M_E2E_USE_VSIX=1 because its package layer has just produced (and checked) it.
if (process.env.P2M_E2E_USE_VSIX !== '1' || !existsSync(vsix)) {
  console.log(`[e2e] building and packaging ${path.basename(vsix)}`);
  const r = spawnSync(process.execPath, [path.join(H.ROOT, 'scripts/package.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(vsix)) fail('packaging failed: run `npm run package` to see why');
}
const stateDir = H.freshStateDir('e2e-install');
const extensionsDir = path.join(stateDir, 'extensions');
try {
  const out = H.installVsix(vsix, stateDir, extensionsDir);
  const installed = readdirSync(extensionsDir).filter(d => d.startsWith(`${pkg.publisher}.${pkg.name}`));
  if (installed.length !== 1) throw new Error(`expected one installed ${pkg.publisher}.${pkg.name}, found: ${readdirSync(extensionsDir)}\n${out}`);
  console.log(`[e2e] installed ${path.basename(vsix)} → ${path.relative(H.ROOT, path.join(extensionsDir, installed[0]))} (${H.seconds(t0)})`);
} catch (e) { fail(e.message); }

const dir = import.meta.dirname;
const files = readdirSync(dir).filter(f => /\.e2e\.mjs$|^ui-.*\.mjs$/.test(f)).sort();
if (files.length === 0) fail('no e2e files (test/e2e/*.e2e.mjs, test/e2e/ui-*.mjs)');
let passed = 0, failed = 0;
for (const f of files) {
  console.log(`[e2e] ${f}`);
  const r = spawnSync(process.execPath, [path.join(dir, f)], {
    encoding: 'utf8', env: { ...process.env, P2M_E2E_EXTENSIONS_DIR: extensionsDir },
    stdio: ['ignore', 'pipe', 'inherit'], timeout: Number(process.env.P2M_E2E_FILE_TIMEOUT_MS ?? 300_000), killSignal: 'SIGTERM',
  });
  process.stdout.write(r.stdout ?? '');
  const m = [...(r.stdout ?? '').matchAll(/^\[e2e:[^\]]+\] (\d+) passed, (\d+) failed/gm)].pop();
  const p = m ? Number(m[1]) : 0;
  let fl = m ? Number(m[2]) : 0;
  if (r.status !== 0 && fl === 0) {
    fl = 1;
    console.log(`  ✘ ${f} exited with ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''} without reporting a failure`);
  }
  passed += p; failed += fl;
}
console.log(`[e2e] ${passed} passed, ${failed} failed in ${H.seconds(t0)}`);
process.exit(failed ? 1 : 0);
