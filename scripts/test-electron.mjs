// Desktop route for the extension-host suite: the same out/ext-host/index.js, run by
// @vscode/test-electron in a desktop VS Code. VSCODE_EXECUTABLE=/path/to/code uses a local
// install (no download); otherwise test-electron downloads VS Code (VSCODE_VERSION, default
// stable), which needs internet access. Linux without a display also needs xvfb-run.
// Prints `[ext-host] N passed, N failed`.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleExtHostTests, EXT_HOST_INDEX, ROOT } from './ext-host-bundle.mjs';

if (!existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error('[ext-host] dist/extension.js is missing: run `npm run build` first');
  console.log('[ext-host] 0 passed, 1 failed (could not run)');
  process.exit(1);
}
const { runTests } = await import('@vscode/test-electron');
await bundleExtHostTests();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'p2m-electron-'));
const resultFile = path.join(tmp, 'result.json');
let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    version: process.env.VSCODE_VERSION || undefined,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: EXT_HOST_INDEX,
    launchArgs: [path.join(ROOT, 'samples'), '--disable-extensions', '--disable-workspace-trust',
      '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')],
    extensionTestsEnv: {
      P2M_FORCE_FAIL: process.env.P2M_FORCE_FAIL ?? '', P2M_TEST_GREP: process.env.P2M_TEST_GREP ?? '',
      P2M_EXT_HOST_RESULT_FILE: resultFile,
    },
  });
} catch (e) {
  console.error(`[ext-host] @vscode/test-electron could not run VS Code: ${e?.message ?? e}`);
  console.error('[ext-host] Set VSCODE_EXECUTABLE=/path/to/code to use an installed VS Code, or run the offline route: npm run test:ext-host');
}
let r = null;
try { r = JSON.parse(readFileSync(resultFile, 'utf8')); } catch { /* did not run */ }
if (!r) { console.log('[ext-host] 0 passed, 1 failed (VS Code did not run the suite)'); process.exit(1); }
for (const f of r.failures) console.log(`  ✘ ${f.title}: ${f.error}`);
const failed = r.failed + (code !== 0 && r.failed === 0 ? 1 : 0);
console.log(`[ext-host] ${r.passed} passed, ${failed} failed (electron, exit code ${code})`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
