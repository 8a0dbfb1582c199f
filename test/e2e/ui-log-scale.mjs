// Browser e2e of the trace-log webview bundle alone, at scale: dist/media/trace-log.js runs in
// Chromium under the same strict CSP as in VS Code (nonce'd script, no inline style), against
// a stub host that serves a synthetic 1,000,000-operation log in pages, exactly as the
// extension host does. Checks that only visible rows exist in the DOM, that scrolling to any
// point renders the right rows quickly, keyboard navigation, violation highlighting, that a
// click asks the host to seek, and that the CSP is never violated.
// Needs only Chromium and `npm run build` (no code-server). Screenshot: test-results/ui-log-scale.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as H from './harness.mjs';

const NAME = 'ui-log-scale';
const N = 1_000_000;
const ORIGIN = 'http://p2m-webview.test';
const t0 = Date.now();
const results = [];
let blocked = false;
let browser, page;

async function step(title, fn) {
  if (blocked) { results.push(false); console.log(`  ✘ ${title} (not run: earlier step failed)`); return; }
  const s0 = Date.now();
  try {
    const d = await fn();
    results.push(true);
    console.log(`  ✔ ${title}${d ? ` — ${d}` : ''} (${Date.now() - s0} ms)`);
  } catch (e) {
    results.push(false);
    blocked = true;
    mkdirSync(H.RESULTS_DIR, { recursive: true });
    const shot = path.join(H.RESULTS_DIR, `${NAME}-failure-${results.length}.png`);
    await page?.screenshot({ path: shot }).catch(() => {});
    console.log(`  ✘ ${title} (${Date.now() - s0} ms)\n      ${String(e?.message ?? e).split('\n').slice(0, 6).join('\n      ')}\n      screenshot: ${path.relative(H.ROOT, shot)}`);
  }
}

// The stub host: the protocol of extension/protocol.ts over window.postMessage, with rows made
// on demand (every 1000th op is a BBM violation) and 200-row pages, like the real host.
const STUB = `
(() => {
  const N = ${N};
  const sent = [];
  window.__p2mSent = sent;
  let filtered = null; // null = all ops
  const row = op => ({ op, kind: op % 3 ? 'set_entry' : 'tlb_flush', domain: 1, rc: 0, events: op % 11 === 1 ? -1 : 9, // -1: not recorded (index-only session)
    text: 'p2m_set_entry gfn=0x' + (op * 16).toString(16) + ' nr=0x1 mfn=0x' + (0x100000 + op).toString(16) + ' t=ram_rw a=rwx <b>&amp;',
    flushes: op % 7 === 0 ? 1 : 0, violations: op % 1000 === 999 ? 1 : 0, diagnostics: 0,
    phase: op % 1000 === 999 ? 'violation' : op % 5 === 0 ? 'break' : 'make' });
  const cursor = p => ({ position: p, opCount: N, domain: 1, domains: [1], violations: N / 1000, diagnostics: 0,
    violationsSoFar: Math.floor(p / 1000), diagnosticsSoFar: 0, changed: [] });
  const reply = m => setTimeout(() => window.postMessage(m, '*'), 0);
  window.acquireVsCodeApi = () => ({
    getState: () => undefined, setState: () => {},
    postMessage(m) {
      sent.push(m);
      switch (m.type) {
        case 'ready': reply({ type: 'init', session: { name: 'synthetic-1M.p2mtrace', opCount: N, kinds: ['set_entry', 'tlb_flush'], domains: [1], pageSize: 200 }, cursor: cursor(N) }); break;
        case 'query': {
          filtered = m.filter.onlyViolations ? Array.from({ length: N / 1000 }, (_, i) => i * 1000 + 999) : null;
          reply({ type: 'queryResult', gen: m.gen, total: filtered ? filtered.length : N, cursorIndex: -1 }); break;
        }
        case 'page': {
          const total = filtered ? filtered.length : N;
          const rows = [];
          for (let k = m.offset; k < Math.min(total, m.offset + m.count); k++) rows.push(row(filtered ? filtered[k] : k));
          reply({ type: 'page', gen: m.gen, page: { total, offset: m.offset, rows } }); break;
        }
        case 'seek': reply({ type: 'cursor', cursor: cursor(m.position), index: filtered ? -1 : m.position - 1 }); break;
        case 'plots': {
          const b = 200, starts = Array.from({ length: b }, (_, i) => Math.floor(i * N / b));
          const s = (id, f) => ({ id, label: id, values: starts.map((x, i) => f(i)) });
          reply({ type: 'plots', data: { bucketStart: starts, opCount: N, series: [
            s('xen4K', i => i * 40), s('true4K', i => i * 40 + 3), s('xen2M', i => 2000 - i * 5), s('true2M', i => 2000 - i * 5),
            s('xen1G', () => 3), s('true1G', () => 3), s('flushes', i => (i * 37) % 90), s('tablePages', i => 100 + i * 3), s('violations', () => 5)] } });
          break;
        }
        case 'microOps': reply({ type: 'microOps', op: m.op, rows: [
          { event: 1, kind: 'pteWrite', depth: 1, text: 'L1 write', phase: 'break', old: '0x00800001000007fd', new: '0x0000000000000000' },
          { event: 2, kind: 'tlbFlush', depth: 1, text: 'TLB flush vmid 1 (bbm-split)', phase: 'flush' }] }); break;
      }
    },
  });
})();`;

function html(nonce) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${ORIGIN}; font-src ${ORIGIN}; img-src ${ORIGIN}">
<link rel="stylesheet" href="${ORIGIN}/codicon.css"><link rel="stylesheet" href="${ORIGIN}/trace-log.css">
<title>P2M Trace Log</title></head>
<body class="vscode-dark"><div id="root"></div>
<script nonce="${nonce}" src="${ORIGIN}/stub.js"></script>
<script nonce="${nonce}" src="${ORIGIN}/trace-log.js"></script></body></html>`;
}

/** Theme variables VS Code would inject (a few, dark theme), served as a stylesheet. */
const THEME = `body{--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-font-family:sans-serif;--vscode-font-size:13px;
--vscode-editor-font-family:monospace;--vscode-editor-font-size:13px;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;
--vscode-charts-orange:#d18616;--vscode-charts-yellow:#cca700;--vscode-charts-red:#f14c4c;--vscode-charts-purple:#b180d7;
--vscode-errorForeground:#f48771;--vscode-inputValidation-errorBackground:#5a1d1d;--vscode-list-hoverBackground:#2a2d2e;
--vscode-panel-border:#444;--vscode-descriptionForeground:#999;--vscode-input-background:#3c3c3c;--vscode-focusBorder:#007fd4;}`;

await step('Chromium loads the trace-log bundle under the strict CSP with a 1,000,000-op stub host', async () => {
  H.requirePrerequisites();
  const dist = path.join(H.ROOT, 'dist/media');
  const files = {
    '/trace-log.js': ['application/javascript', readFileSync(path.join(dist, 'trace-log.js'))],
    '/trace-log.css': ['text/css', Buffer.concat([Buffer.from(THEME), readFileSync(path.join(dist, 'trace-log.css'))])],
    '/codicon.css': ['text/css', readFileSync(path.join(dist, 'codicon.css'))],
    '/codicon.ttf': ['font/ttf', readFileSync(path.join(dist, 'codicon.ttf'))],
    '/stub.js': ['application/javascript', Buffer.from(STUB)],
    '/': ['text/html', Buffer.from(html('e2eNonce123'))],
  };
  browser = await H.launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.route('**/*', route => {
    const u = new URL(route.request().url());
    const f = u.origin === ORIGIN ? files[u.pathname] : undefined;
    return f ? route.fulfill({ status: 200, contentType: f[0], body: f[1] }) : route.abort();
  });
  page = await context.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${ORIGIN}/`);
  await page.locator('#position', { hasText: `op ${N} of ${N}` }).waitFor({ timeout: 15_000 });
  await page.locator('.log-row[data-op="0"]').waitFor({ timeout: 15_000 });
});

await step('only the visible rows are in the DOM; trace text is escaped', async () => {
  const count = await page.locator('.log-row').count();
  assert.ok(count > 10 && count < 80, `${count} row elements for ${N} operations`);
  const text = await page.locator('.log-row[data-op="0"] .summary').textContent();
  assert.match(text, /<b>&amp;$/, 'markup in trace text must show as text');
  assert.equal(await page.locator('.log-row b').count(), 0, 'no element was created from trace text');
  // An index-only session does not know an op's event count: the row says so instead of "0 ev".
  assert.equal((await page.locator('.log-row[data-op="0"] .counts').textContent()).trim(), '9 ev · 1 flush');
  assert.equal((await page.locator('.log-row[data-op="1"] .counts').textContent()).trim(), '— ev');
  return `${count} row elements`;
});

await step('scrolling anywhere in 1M rows renders the right rows fast', async () => {
  const times = [];
  for (const frac of [0.5, 0.123, 0.999, 0.25, 0.75, 0.0001]) {
    const s0 = Date.now();
    await page.locator('.log-viewport').evaluate((v, f) => { v.scrollTop = f * (v.scrollHeight - v.clientHeight); }, frac);
    // Wait for rows of the right region (page fetched from the stub and rendered).
    await page.waitForFunction(f => {
      const rows = [...document.querySelectorAll('.log-row[data-op]')].filter(r => !r.hidden).map(r => Number(r.dataset.op));
      return rows.length > 5 && Math.abs(rows[0] / 1_000_000 - f) < 0.01;
    }, frac, { timeout: 5000 });
    times.push(Date.now() - s0);
  }
  const n = await page.locator('.log-row').count();
  assert.ok(n < 80, `${n} row elements after scrolling`);
  assert.ok(Math.max(...times) < 1500, `scroll-to-render times ${times} ms`);
  return `scroll → rendered in ${times.join(', ')} ms`;
});

await step('keyboard: End selects the last operation, Home the first', async () => {
  await page.locator('.log-viewport').focus();
  await page.keyboard.press('End');
  await page.locator(`.log-row.selected[data-op="${N - 1}"]`).waitFor({ timeout: 5000 });
  await page.keyboard.press('Home');
  await page.locator('.log-row.selected[data-op="0"]').waitFor({ timeout: 5000 });
});

await step('violation rows are highlighted; "only violations" filters to them', async () => {
  await page.locator('.log-viewport').evaluate(v => { v.scrollTop = 0; });
  const viol = page.locator('.log-row.phase-violation[data-op="999"]');
  // 1M × 22 px exceeds what a browser lays out, so the list maps scrollTop to rows
  // proportionally: aim at row 990 the same way.
  await page.locator('.log-viewport').evaluate(v => {
    const visible = Math.ceil(v.clientHeight / 22) + 1;
    v.scrollTop = (990 / (1_000_000 - visible + 1)) * (v.scrollHeight - v.clientHeight);
  });
  await viol.waitFor({ timeout: 5000 });
  assert.match(await viol.locator('.badge.violation').innerText(), /⚠ 1/);
  await page.locator('#only-violations').check();
  await page.locator('.log-row[data-op="1999"]').waitFor({ timeout: 5000 });
  const ops = await page.locator('.log-row[data-op]').evaluateAll(rs => rs.filter(r => !r.hidden).map(r => Number(r.dataset.op)));
  assert.ok(ops.every(op => op % 1000 === 999), `ops: ${ops.slice(0, 10)}`);
  await page.locator('#only-violations').uncheck();
});

await step('clicking a row asks the host to seek there; the plot is drawn', async () => {
  await page.locator('.log-row[data-op="5"]').click();
  const sent = await page.evaluate(() => window.__p2mSent.filter(m => m.type === 'seek'));
  assert.deepEqual(sent.at(-1), { type: 'seek', position: 6 });
  await page.locator('#position', { hasText: `op 6 of ${N}` }).waitFor({ timeout: 5000 });
  await page.locator('.log-row.cursor[data-op="5"]').waitFor({ timeout: 5000 });
  await page.locator('.log-row[data-op="5"] [data-action="expand"]').click();
  await page.locator('.log-row.micro.phase-break').waitFor({ timeout: 5000 });
  const drawn = await page.locator('canvas.plots').evaluate(c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let k = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) k++; return k;
  });
  assert.ok(drawn > 1000, `${drawn} plot pixels`);
  mkdirSync(H.RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(H.RESULTS_DIR, `${NAME}.png`) });
});

await step('brushing a time range on the plot filters the log to it; the chip clears it', async () => {
  const box = await page.locator('canvas.plots').boundingBox();
  assert.ok(box);
  const y = box.y + 40;
  await page.mouse.move(box.x + 48 + (box.width - 48) * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 48 + (box.width - 48) * 0.5, y, { steps: 6 });
  await page.mouse.up();
  const q = await page.evaluate(() => window.__p2mSent.filter(m => m.type === 'query').at(-1));
  assert.ok(q.filter.opFrom > 240_000 && q.filter.opFrom < 260_000, JSON.stringify(q.filter));
  assert.ok(q.filter.opTo > 490_000 && q.filter.opTo < 510_000, JSON.stringify(q.filter));
  await page.locator('button.brush-clear', { hasText: 'ops ' }).click();
  const q2 = await page.evaluate(() => window.__p2mSent.filter(m => m.type === 'query').at(-1));
  assert.equal(q2.filter.opFrom, undefined);
  return `brushed ops ${q.filter.opFrom + 1}–${q.filter.opTo + 1}`;
});

await step('no Content-Security-Policy violation happened', async () => {
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
});

await browser?.close().catch(() => {});
const passed = results.filter(Boolean).length;
console.log(`[e2e:${NAME}] ${passed} passed, ${results.length - passed} failed in ${H.seconds(t0)}`);
process.exitCode = results.length && passed === results.length ? 0 : 1;
