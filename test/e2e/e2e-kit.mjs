// A tiny step runner for browser e2e files (test/e2e/*.e2e.mjs). Each file is its own node
// process, started by test/e2e/run.mjs with the packaged .vsix already installed into
// $P2M_E2E_EXTENSIONS_DIR. `openWorkbench()` starts code-server + Chromium on samples/;
// `step()` records pass/fail with a screenshot on failure; `finish()` stops everything and
// prints `[e2e:<name>] N passed, N failed` (the line run.mjs adds up).
// A step after a failed one is still reported, as failed "(not run: earlier step failed)", so
// a broken run can never look smaller than a green one.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import * as H from './harness.mjs';

export async function openWorkbench(name, { folder = path.join(H.ROOT, 'samples'), viewport = { width: 1400, height: 860 } } = {}) {
  const t0 = Date.now();
  const results = [];
  let blocked = false;
  let cs, browser, page, external = [];
  mkdirSync(H.RESULTS_DIR, { recursive: true });
  const shot = async file => {
    const p = path.join(H.RESULTS_DIR, file);
    await page?.screenshot({ path: p });
    return path.relative(H.ROOT, p);
  };

  async function step(title, fn) {
    if (blocked) {
      results.push({ title, ok: false });
      console.log(`  ✘ ${title} (not run: earlier step failed)`);
      return;
    }
    const s0 = Date.now();
    try {
      const detail = await fn();
      results.push({ title, ok: true });
      console.log(`  ✔ ${title}${detail ? ` — ${detail}` : ''} (${Date.now() - s0} ms)`);
    } catch (e) {
      results.push({ title, ok: false });
      blocked = true;
      const file = `${name}-failure-${results.length}.png`;
      const where = await shot(file).catch(() => '(no screenshot)');
      console.log(`  ✘ ${title} (${Date.now() - s0} ms)\n      ${String(e?.message ?? e).split('\n').slice(0, 8).join('\n      ')}\n      screenshot: ${where}`);
    }
  }

  async function finish() {
    await browser?.close().catch(() => {});
    await cs?.stop();
    if (external.length) console.log(`  (blocked ${external.length} request(s) leaving 127.0.0.1: ${external.slice(0, 3).join(', ')})`);
    const passed = results.filter(r => r.ok).length;
    const failed = results.length - passed;
    console.log(`[e2e:${name}] ${passed} passed, ${failed} failed in ${H.seconds(t0)}`);
    process.exitCode = failed || results.length === 0 ? 1 : 0;
  }

  const extensionsDir = process.env.P2M_E2E_EXTENSIONS_DIR;
  await step('code-server and Chromium start; workbench loads', async () => {
    if (!extensionsDir) throw new Error('P2M_E2E_EXTENSIONS_DIR is not set: run e2e files through test/e2e/run.mjs (npm run test:e2e)');
    H.requirePrerequisites();
    cs = await H.startCodeServer({ stateDir: H.freshStateDir(`e2e-${name}`), folder, extensionsDir });
    browser = await H.launchBrowser();
    const context = await browser.newContext({ viewport });
    external = await H.guardNetwork(context);
    page = await context.newPage();
    await page.goto(H.workbenchUrl(cs, folder));
    await H.waitForWorkbench(page);
    return `${cs.url}, pid ${cs.proc.pid}`;
  });

  return {
    step, finish, shot,
    get page() { return page; },
    get external() { return external; },
  };
}

/**
 * F1, type a command title, wait for its row, run it. Right after the workbench appears the
 * extension contributions may not be registered yet, so the palette is reopened until the
 * command shows up (or `timeout` passes).
 */
export async function runCommand(page, title, timeout = 30_000) {
  const t0 = Date.now();
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() - t0 > timeout) throw new Error(`command "${title}" not found in the palette within ${timeout} ms`);
    }
  }
  await page.keyboard.press('Enter');
}

/**
 * Rows of a tree view pane as `{ label, description, aria, level }`: the visible label and
 * description text, the row's aria-label (which VS Code may take from the tooltip) and depth.
 */
export async function treeRows(page, viewName) {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: viewName }) });
  return pane.locator('.monaco-list-row').evaluateAll(rows => rows.map(r => ({
    label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
    aria: (r.getAttribute('aria-label') ?? '').trim(),
    level: Number(r.getAttribute('aria-level')),
  })));
}
