// Layer: extension-host tests. Bundles test/ext-host/ and runs the mocha suite INSIDE a real
// VS Code extension host with the real `vscode` API:
//   - default: code-server + headless Chromium. The workbench URL's `payload` names
//     extensionDevelopmentPath/extensionTestsPath as vscode-remote:// URIs; the workbench reports
//     the suite's exit code through window.codeAutomationExit.
//   - --host=electron, or VSCODE_EXECUTABLE set without --host: scripts/test-electron.mjs.
// Env: P2M_FORCE_FAIL=1 makes one test fail (to prove failures are caught), P2M_TEST_GREP filters,
// P2M_EXT_HOST_TIMEOUT_MS (default 180000), VERBOSE=1 shows all workbench log lines.
// Prints `[ext-host] N passed, N failed`; exit 0 only if the suite ran and passed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { bundleExtHostTests, EXT_HOST_INDEX, ROOT } from './ext-host-bundle.mjs';

const t0 = Date.now();
const T = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

// --host=code-server|electron; default: electron when VSCODE_EXECUTABLE names a desktop VS Code.
const hostArg = process.argv.find(a => a.startsWith('--host='))?.split('=')[1];
const host = hostArg ?? (process.env.VSCODE_EXECUTABLE ? 'electron' : 'code-server');
if (!['code-server', 'electron'].includes(host)) { console.error(`[ext-host] unknown --host=${host}`); process.exit(2); }
if (host === 'electron') {
  console.log('[ext-host] running through @vscode/test-electron (scripts/test-electron.mjs)');
  process.exit(spawnSync(process.execPath, [path.join(ROOT, 'scripts/test-electron.mjs')], { stdio: 'inherit' }).status ?? 1);
}

const H = await import('../test/e2e/harness.mjs');
try {
  H.requirePrerequisites();
} catch (e) {
  console.error(`[ext-host] ${e.message}`);
  console.log('[ext-host] 0 passed, 1 failed (could not run)');
  process.exit(1);
}
if (!existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error('[ext-host] dist/extension.js is missing: run `npm run build` first');
  console.log('[ext-host] 0 passed, 1 failed (could not run)');
  process.exit(1);
}
const files = await bundleExtHostTests();
console.log(`[ext-host] ${T()} bundled ${files.length} suite file(s): ${files.join(', ')}`);

const stateDir = H.freshStateDir('ext-host');
const resultFile = path.join(stateDir, 'result.json');
mkdirSync(H.RESULTS_DIR, { recursive: true });
const folder = path.join(ROOT, 'samples');
const TIMEOUT = Number(process.env.P2M_EXT_HOST_TIMEOUT_MS ?? 180_000);
// Workbench chatter that says nothing about our tests.
const NOISE = /^(Resolv|Creating a socket|Updating additional|ChatSessionStore|\[Service Worker\]|Ignoring fetching additional builtin|Started local extension host|Extension host agent)/;

let code = 2;
let cs, browser;
try {
  // The extensions dir stays empty: the extension under test comes from extensionDevelopmentPath.
  cs = await H.startCodeServer({ stateDir, folder, env: {
    P2M_FORCE_FAIL: process.env.P2M_FORCE_FAIL ?? '', P2M_TEST_GREP: process.env.P2M_TEST_GREP ?? '',
    P2M_EXT_HOST_RESULT_FILE: resultFile,
  } });
  console.log(`[ext-host] ${T()} code-server up at ${cs.url} (pid ${cs.proc.pid})`);
  browser = await H.launchBrowser();
  const context = await browser.newContext();
  const external = await H.guardNetwork(context);
  const page = await context.newPage();
  const exited = new Promise(resolve => {
    // The workbench calls these two when they exist (its automation hooks for test runs).
    void page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = Array.isArray(args) ? format(...args) : String(args);
      if (process.env.VERBOSE || !NOISE.test(line)) console.log(type === 'info' || type === 'log' ? `  ${line}` : `  [${type}] ${line}`);
    });
    void page.exposeFunction('codeAutomationExit', c => resolve(c));
  });
  page.on('pageerror', e => console.log('  [pageerror]', e.message));
  const payload = [
    ['extensionDevelopmentPath', H.remoteUri(cs, ROOT)],
    ['extensionTestsPath', H.remoteUri(cs, EXT_HOST_INDEX)],
  ];
  await page.goto(H.workbenchUrl(cs, folder, payload));
  code = await Promise.race([exited, new Promise(r => setTimeout(() => r('timeout'), TIMEOUT))]);
  if (code === 'timeout') {
    const shot = path.join(H.RESULTS_DIR, 'ext-host-timeout.png');
    await page.screenshot({ path: shot }).catch(() => {});
    console.error(`[ext-host] TIMEOUT after ${TIMEOUT} ms; screenshot ${shot}; code-server log ${cs.logFile}`);
    code = 3;
  }
  if (external.length) console.log(`[ext-host] blocked ${external.length} external request(s): ${external.slice(0, 5).join(', ')}`);
} catch (e) {
  console.error(`[ext-host] ERROR: ${e?.stack ?? e}`);
  code = 2;
} finally {
  await browser?.close().catch(() => {});
  await cs?.stop();
}

let result = null;
try { result = JSON.parse(readFileSync(resultFile, 'utf8')); } catch { /* suite never finished */ }
rmSync(resultFile, { force: true });
if (!result) {
  console.error(`[ext-host] the suite did not report results (exit code ${code})`);
  console.log(`[ext-host] 0 passed, 1 failed (suite did not run) in ${T()}`);
  process.exit(1);
}
for (const f of result.failures) console.log(`  ✘ ${f.title}: ${f.error}`);
const failed = result.failed + (code !== 0 && result.failed === 0 ? 1 : 0);
console.log(`[ext-host] ${result.passed} passed, ${failed} failed in ${T()} (host exit code ${code})`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
