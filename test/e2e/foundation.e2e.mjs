// Browser e2e for the Foundation: the packaged extension, installed into code-server, seen
// through the UI. Opens the P2M container (welcome view), runs "P2M: Open Sample Trace" from
// the command palette, reads the tree rows (domain, root pages) and the status bar, checks the editor's language
// and highlighting, then opens "P2M: Show Trace Log" and reads text inside the webview.
// Screenshots: test-results/foundation-*.png.
import assert from 'node:assert/strict';
import { openWorkbench, runCommand, treeRows } from './e2e-kit.mjs';

const VIEW = 'Guest Physical Address Space';
const SAMPLE = 'hello.p2mtrace';
const wb = await openWorkbench('foundation');
const page = () => wb.page;

await wb.step('activity bar has the P2M container; opening it shows the welcome view', async () => {
  await page().locator('.activitybar .action-item .action-label[aria-label="P2M"], .activitybar .action-item a[aria-label="P2M"]').first().click();
  const pane = page().locator('.pane', { has: page().locator('.pane-header', { hasText: VIEW }) });
  const welcome = pane.locator('.welcome-view-content');
  await welcome.waitFor({ timeout: 30_000 });
  const buttons = await welcome.locator('a.monaco-button, .monaco-button').allTextContents();
  assert.ok(buttons.some(b => b.includes('Open Sample Trace')), `buttons: ${buttons}`);
  assert.ok(buttons.some(b => b.includes('Load Trace')), `buttons: ${buttons}`);
  return `buttons: ${buttons.map(b => b.trim()).join(' | ')}; ${await wb.shot('foundation-welcome.png')}`;
});

await wb.step('opening the view activates the extension (status bar item appears)', async () => {
  const item = page().locator('.statusbar-item', { hasText: 'P2M' }).first();
  await item.waitFor({ timeout: 30_000 });
  return `status: "${(await item.innerText()).trim()}"`;
});

await wb.step('command palette: "P2M: Open Sample Trace" opens the sample', async () => {
  await runCommand(page(), 'P2M: Open Sample Trace');
  // With several files in samples/ the command asks which one.
  const tab = page().locator('.tabs-container .tab', { hasText: SAMPLE });
  const pick = page().locator('.quick-input-widget .quick-input-title', { hasText: 'P2M: Open Sample Trace' });
  await Promise.race([tab.waitFor({ timeout: 30_000 }), pick.waitFor({ timeout: 30_000 })]);
  if (await pick.isVisible()) {
    await page().locator('.quick-input-widget input').fill(SAMPLE);
    await page().locator('.quick-input-list .monaco-list-row', { hasText: SAMPLE }).first().waitFor();
    await page().keyboard.press('Enter');
  }
  await tab.waitFor({ timeout: 30_000 });
  const mode = (await page().locator('[id="status.editor.mode"]').innerText()).trim();
  assert.equal(mode, 'P2M Trace', 'editor language mode');
  return `tab "${SAMPLE}", language "${mode}"`;
});

await wb.step('the tree view shows the loaded trace\'s domain and root pages', async () => {
  let rows = [];
  for (let i = 0; i < 100; i++) {
    rows = await treeRows(page(), VIEW);
    if (rows.some(r => r.level === 2)) break;
    await page().waitForTimeout(100);
  }
  assert.ok(rows.length >= 2, `rows: ${JSON.stringify(rows)}`);
  assert.equal(rows[0].label, 'Domain 1 (vmid 1)', `first row: ${JSON.stringify(rows[0])}`);
  assert.equal(rows[0].level, 1);
  assert.ok(rows.some(r => r.level === 2 && r.label.startsWith('Root page 0')), `rows: ${JSON.stringify(rows)}`);
  return `rows: ${rows.map(r => `${'  '.repeat(r.level - 1)}${r.label} ${r.description}`.trim()).join(' / ')}; ${await wb.shot('foundation-p2m-container.png')}`;
});

await wb.step('status bar shows the replay position', async () => {
  const item = page().locator('.statusbar-item', { hasText: /P2M d1: op \d+ of \d+/ }).first();
  await item.waitFor({ timeout: 10_000 });
});

await wb.step('the TextMate grammar colours the sample', async () => {
  // Tokens carry mtkN colour classes; a highlighted line has several distinct ones. (No ^: the
  // language server's inlay hints may precede the statement on the rendered line.)
  const line = page().locator('.monaco-editor .view-line', { hasText: /p2m_set_entry\sgfn=/ }).first();
  await line.waitFor();
  const classes = await line.locator('span span').evaluateAll(spans => [...new Set(spans.map(s => s.className))]);
  assert.ok(classes.length >= 3, `only ${classes.length} token classes on the p2m_set_entry line: ${classes}`);
  return `${classes.length} token colours on the p2m_set_entry line`;
});

await wb.step('command palette: "P2M: Show Trace Log" shows the webview with its header and the trace', async () => {
  await runCommand(page(), 'P2M: Show Trace Log');
  await page().locator('.tabs-container .tab', { hasText: 'P2M Trace Log' }).waitFor({ timeout: 30_000 });
  const web = page().frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const title = (await web.locator('#title').textContent({ timeout: 30_000 }))?.trim();
  assert.equal(title, `P2M Trace Log — ${SAMPLE}`);
  // #position is filled from the host's `init`/`cursor` messages: proves the ready → init round trip.
  const status = web.locator('#position', { hasText: /^op \d+ of \d+/ });
  await status.waitFor({ timeout: 30_000 });
  const text = (await status.textContent())?.trim();
  return `"${title}" / "${text}"; ${await wb.shot('foundation-trace-log.png')}`;
});

await wb.step('the workbench made no request outside 127.0.0.1', async () => {
  assert.deepEqual(wb.external, []);
});

await wb.finish();
