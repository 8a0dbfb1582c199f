// README command 1 (after scripts/setup): build the extension and open it on samples/ in a
// real VS Code.
//   - desktop VS Code (`code`) on PATH: an Extension Development Host window running the
//     extension from this checkout, on samples/ with samples/hello.p2mtrace open;
//   - otherwise: code-server on 127.0.0.1 with the packaged .vsix installed, printing the URL;
//     it runs until Ctrl+C (or SIGTERM) and then stops its whole process group.
// Options: --smoke (code-server route: load the page in headless Chromium, open the P2M
// container, save test-results/open-samples.png, stop; proves the command works).
// Env: P2M_OPEN_WITH=code|code-server forces a route; P2M_PORT picks the port (default: free).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as H from '../test/e2e/harness.mjs';

const ROOT = H.ROOT;
const samples = path.join(ROOT, 'samples');
const smoke = process.argv.includes('--smoke');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) { console.error(`[open-samples] ${path.basename(cmd)} ${args.join(' ')} failed`); process.exit(1); }
};
const onPath = bin => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
const want = process.env.P2M_OPEN_WITH ?? (onPath('code') && !smoke ? 'code' : 'code-server');

run(process.execPath, [path.join(ROOT, 'scripts/build.mjs')]);
const firstSample = existsSync(samples) ? readdirSync(samples).filter(f => f.endsWith('.p2mtrace')).sort()[0] : undefined;

if (want === 'code') {
  // Desktop VS Code: the Extension Development Host loads the extension straight from ROOT.
  const args = [`--extensionDevelopmentPath=${ROOT}`, samples, ...(firstSample ? [path.join(samples, firstSample)] : [])];
  console.log(`[open-samples] code ${args.join(' ')}`);
  const child = spawn('code', args, { stdio: 'inherit', detached: true });
  child.on('error', e => { console.error(`[open-samples] could not start code: ${e.message}`); process.exit(1); });
  child.unref();
  console.log('[open-samples] an Extension Development Host window opens on samples/ (P2M is in the activity bar).');
} else {
  try { H.requirePrerequisites({ browser: smoke }); } catch (e) { console.error(`[open-samples] ${e.message}`); process.exit(1); }
  run(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), '--no-build']);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  const stateDir = H.freshStateDir('open-samples');
  const extensionsDir = path.join(stateDir, 'extensions');
  H.installVsix(vsix, stateDir, extensionsDir);
  const port = process.env.P2M_PORT ? Number(process.env.P2M_PORT) : undefined;
  const cs = await H.startCodeServer({ stateDir, folder: samples, extensionsDir, port });
  const url = H.workbenchUrl(cs, samples);
  console.log(`\n[open-samples] VS Code (code-server ${H.CODE_SERVER_VERSION}) with P2M Debugger installed:\n\n    ${url}\n`);
  console.log('[open-samples] bound to 127.0.0.1 only; for a remote machine forward the port, e.g.');
  console.log(`               ssh -L ${cs.port}:127.0.0.1:${cs.port} <host>`);
  if (smoke) {
    let ok = false;
    const browser = await H.launchBrowser();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 860 } })).newPage();
      await page.goto(url);
      await H.waitForWorkbench(page);
      await page.locator('.activitybar .action-item .action-label[aria-label="P2M"]').first().click();
      await page.locator('.statusbar-item', { hasText: 'P2M' }).first().waitFor({ timeout: 30_000 });
      const shot = path.join(H.RESULTS_DIR, 'open-samples.png');
      await page.screenshot({ path: shot });
      console.log(`[open-samples] smoke: workbench loaded, P2M container open, extension active; ${path.relative(ROOT, shot)}`);
      ok = true;
    } catch (e) {
      console.error(`[open-samples] smoke FAILED: ${e.message}`);
    } finally {
      await browser.close();
      await cs.stop();
    }
    process.exit(ok ? 0 : 1);
  }
  console.log('[open-samples] press Ctrl+C to stop.');
  let stopping = false;
  const stop = async () => { stopping = true; await cs.stop(); process.exit(0); };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cs.proc.on('exit', c => { if (stopping) return; console.error(`[open-samples] code-server exited (${c}); log: ${cs.logFile}`); process.exit(1); });
}
