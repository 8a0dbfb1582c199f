// Reliability (issue 10): a garbage document yields a parse error per bad token. The server
// publishes at most 1000 parse diagnostics plus one "not shown" summary, so a big hostile file
// cannot flood the editor (before the cap: all of them, one per bad token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LspTestClient } from './lsp-client';

let c: LspTestClient;
before(async () => { c = await LspTestClient.start({ debounceMs: 20 }); });
after(async () => { await c.stop(); });

test('parse diagnostics of a garbage document are capped with a summary', async () => {
  const uri = 'file:///t/garbage.p2mtrace';
  const text = 'p2m_set_entry ) ) ) ) ) ) <img src=x onerror=alert(1)>\n'.repeat(1500);
  c.open(uri, text);
  const d = await c.diagnosticsFor(uri, 1, 30_000);
  const parse = d.filter(x => x.code === 'parse');
  assert.equal(parse.length, 1000, `published ${parse.length} parse diagnostics`);
  const summary = d.find(x => x.code === 'truncated' && /'parse'/.test(x.message));
  assert.ok(summary, 'a summary says how many were left out');
  assert.match(summary.message, /^\d+ more 'parse' diagnostics not shown/);
});
