// Browser e2e for the UI issue (what a person sees): the P2M container with the address-space
// tree expanded three levels, the trace-log webview with rows and plots, a click on a log row
// moving the status-bar position, and a highlighted break-before-make violation row.
// Screenshots: test-results/ui-*.png (the best are kept under docs/images/).
import assert from 'node:assert/strict';
import { openWorkbench, runCommand, treeRows } from './e2e-kit.mjs';

const VIEW = 'Guest Physical Address Space';
const SEED = 'seed-4k-remap-in-1g.p2mtrace';
const BBM = 'bbm-violation-writes.p2mtrace';
const wb = await openWorkbench('ui', { viewport: { width: 1500, height: 900 } });
const page = () => wb.page;
const web = () => page().frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
const status = () => page().locator('.statusbar-item', { hasText: /P2M/ }).first();

async function openSample(name) {
  await runCommand(page(), 'P2M: Open Sample Trace');
  await page().locator('.quick-input-widget .quick-input-title', { hasText: 'P2M: Open Sample Trace' }).waitFor({ timeout: 30_000 });
  await page().locator('.quick-input-widget input').fill(name);
  await page().locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page().keyboard.press('Enter');
}

async function rowsUntil(pred, what, timeout = 30_000) {
  const t0 = Date.now();
  let rows = [];
  while (Date.now() - t0 < timeout) {
    rows = await treeRows(page(), VIEW);
    if (pred(rows)) return rows;
    await page().waitForTimeout(150);
  }
  throw new Error(`${what}; rows: ${JSON.stringify(rows.map(r => `${r.level} ${r.label}`))}`);
}

async function clickRow(label) {
  const pane = page().locator('.pane', { has: page().locator('.pane-header', { hasText: VIEW }) });
  await pane.locator('.monaco-list-row', { hasText: label }).first().click();
}

await wb.step('open the P2M container and load the seed sample from the palette', async () => {
  await page().locator('.activitybar .action-item .action-label[aria-label="P2M"], .activitybar .action-item a[aria-label="P2M"]').first().click();
  // Widen the side bar so tree labels are readable in the screenshots (drag its sash).
  const sb = await page().locator('.part.sidebar').boundingBox();
  if (sb) {
    await page().mouse.move(sb.x + sb.width + 1, sb.y + 300);
    await page().mouse.down();
    await page().mouse.move(sb.x + sb.width + 260, sb.y + 300, { steps: 8 });
    await page().mouse.up();
  }
  await openSample(SEED);
  const rows = await rowsUntil(r => r.some(x => x.label === 'Domain 1 (vmid 1)') && r.some(x => x.level === 2), 'domain and root rows');
  await status().filter({ hasText: /op \d+ of \d+/ }).waitFor({ timeout: 30_000 });
  return `rows: ${rows.map(r => r.label).join(' / ')}; status "${(await status().innerText()).trim()}"`;
});

await wb.step('the tree expands three levels below the domain (root → L1 → L2)', async () => {
  await clickRow('Root page 0');
  await rowsUntil(r => r.some(x => x.level === 3 && /L2 table/.test(x.label)), 'L1 entries under root page 0');
  await clickRow('0x40000–0x7ffff: L2 table');
  const rows = await rowsUntil(r => r.some(x => x.level === 4 && /L3 table/.test(x.label)), 'L2 entries');
  await clickRow('0x40200–0x403ff: L3 table');
  const deep = await rowsUntil(r => r.some(x => x.level === 5 && /4K ram_rw, MFN 0x300000/.test(x.label)), 'L3 entries');
  const l4 = rows.filter(r => r.level === 4).map(r => r.label);
  assert.ok(l4.some(l => /^0x40400–0x7ffff: 510 × 2M ram_rw, MFN 0x100400\+$/.test(l)), `L2 rows: ${l4}`);
  await page().mouse.move(5, 5);
  return `${deep.length} rows, deepest level ${Math.max(...deep.map(r => r.level))}; ${await wb.shot('ui-tree.png')}`;
});

await wb.step('the trace log shows rows and a plot', async () => {
  await runCommand(page(), 'P2M: Show Trace Log');
  await page().locator('.tabs-container .tab', { hasText: 'P2M Trace Log' }).waitFor({ timeout: 30_000 });
  const rows = web().locator('.log-row[data-op]');
  await rows.first().waitFor({ timeout: 30_000 });
  const texts = await rows.locator('.summary').allTextContents();
  assert.ok(texts.some(t => t.includes('gfn=0x40201')), `rows: ${texts}`);
  const canvas = web().locator('canvas.plots');
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, `plot canvas ${JSON.stringify(box)}`);
  // The plot has been drawn: some non-background pixels.
  const drawn = await canvas.evaluate(c => {
    const g = c.getContext('2d'); const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;
  });
  assert.ok(drawn > 500, `only ${drawn} drawn pixels`);
  return `${texts.length} rows; ${await wb.shot('ui-trace-log.png')}`;
});

await wb.step('"Compare strategies" shows the strategies side by side (§6.2: legacy 1 flush, upstream 2)', async () => {
  await web().locator('button', { hasText: 'Compare strategies' }).click();
  const table = web().locator('.strategy-table');
  await table.waitFor({ timeout: 30_000 });
  const heads = (await table.locator('tr').first().locator('th').allTextContents()).map(t => t.trim());
  assert.deepEqual(heads.slice(0, 2), ['measure', 'upstream']);
  const flushRow = (await table.locator('tr', { hasText: 'TLB flushes' }).locator('td').allTextContents()).map(t => t.trim());
  const col = name => heads.indexOf(name) - 1;
  assert.equal(flushRow[col('upstream')], '2');
  if (heads.includes('legacy')) assert.equal(flushRow[col('legacy')], '1');
  return `columns ${heads.slice(1).join(', ')}; flushes ${flushRow.join('/')}; ${await wb.shot('ui-compare.png')}`;
});

await wb.step('clicking a log row moves the status-bar position', async () => {
  const before = (await status().innerText()).trim();
  await web().locator('.log-row[data-op="0"]').click();
  await status().filter({ hasText: /op 1 of \d+/ }).waitFor({ timeout: 15_000 });
  await web().locator('.log-row.cursor[data-op="0"]').waitFor({ timeout: 10_000 });
  const after = (await status().innerText()).trim();
  assert.notEqual(after, before);
  return `"${before}" → "${after}"`;
});

await wb.step('a break-before-make violation row is highlighted', async () => {
  await openSample(BBM);
  const viol = web().locator('.log-row.phase-violation[data-op]');
  await viol.first().waitFor({ timeout: 30_000 });
  const n = await viol.count();
  assert.ok(n >= 2, `${n} violation rows`);
  const badge = (await viol.first().locator('.badge.violation').innerText()).trim();
  assert.match(badge, /⚠ \d+/);
  await viol.first().locator('[data-action="expand"]').click();
  await web().locator('.log-row.micro.phase-violation').first().waitFor({ timeout: 10_000 });
  await status().filter({ hasText: /\d+\/\d+/ }).waitFor({ timeout: 10_000 });
  return `${n} violation rows; ${await wb.shot('ui-violation.png')}`;
});

await wb.step('the workbench made no request outside 127.0.0.1', async () => {
  assert.deepEqual(wb.external, []);
});

await wb.finish();
