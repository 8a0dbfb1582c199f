// Server tests over a real LSP connection: Xen console logs (checkpoints compared with the
// replay, "Convert this console log to .p2mtrace"), workspace symbols over open traces,
// configurable severities, and cancellation of stale analysis when newer edits arrive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CancellationTokenSource, CodeAction, CodeLens, SymbolInformation } from 'vscode-languageserver/node';
import { LspTestClient } from './lsp-client';

const ROOT = process.env.P2M_ROOT ?? path.resolve(__dirname, '../..');
let c: LspTestClient;
before(async () => { c = await LspTestClient.start({ debounceMs: 20 }); });
after(async () => { await c.stop(); });
const req = <R>(method: string, params: object) => c.conn.sendRequest(method, params) as Promise<R>;

test('console log: p2m_dump_info checkpoint matches the replay; a wrong counter is a mismatch on its block', async () => {
  const text = readFileSync(path.join(ROOT, 'samples/dom0-boot.xenlog'), 'utf8');
  const uri = 'file:///c/dom0-boot.xenlog';
  c.open(uri, text, 'xen-console');
  const d1 = await c.diagnosticsFor(uri, 1);
  assert.deepEqual(d1.filter(d => d.code === 'checkpoint-mismatch'), [], JSON.stringify(d1));
  const lenses = await req<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  const dumpLine = text.split('\n').findIndex(l => l.includes('p2m mappings for domain 0'));
  assert.ok(lenses.some(l => l.range.start.line === dumpLine && l.command?.title === '✓ checkpoint matches'),
    JSON.stringify(lenses.map(l => [l.range.start.line, l.command?.title])));

  const lines = text.split('\n');
  const k = lines.findIndex(l => /4K mappings: \d+/.test(l));
  const col = lines[k].search(/\d+\s*$/);
  const v2 = c.change(uri, [{ range: { start: { line: k, character: col }, end: { line: k, character: lines[k].length } }, text: '9999' }]);
  const d2 = await c.diagnosticsFor(uri, v2);
  const mm = d2.find(d => d.code === 'checkpoint-mismatch');
  assert.ok(mm, JSON.stringify(d2));
  assert.equal(mm.range.start.line, dumpLine);
  assert.match(mm.message, /9999/);

  const actions = await req<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
  });
  const conv = actions.find(a => a.title === 'Convert this console log to .p2mtrace');
  assert.ok(conv?.command, actions.map(a => a.title).join(','));
  const res = await req<{ ok: boolean; uri: string }>('workspace/executeCommand', { command: conv.command.command, arguments: conv.command.arguments });
  assert.equal(res.ok, true);
  assert.equal(res.uri, 'file:///c/dom0-boot.p2mtrace');
  const edit = c.appliedEdits.at(-1) as { edit: { documentChanges: Array<{ kind?: string; edits?: Array<{ newText: string }> }> } };
  assert.equal(edit.edit.documentChanges[0].kind, 'create');
  const out = edit.edit.documentChanges[1].edits![0].newText;
  assert.match(out, /p2m_set_entry d=0 gfn=0x80000 nr=0x40000 mfn=0x80000/);
  assert.match(out, /expect_stats d=0 vmid=1 map1g=0 sh1g=1 map2m=512 sh2m=1 map4k=9999/);
  c.close(uri);
});

test('xenalyze dump: set_p2m_entry lines are replayed, hover describes the operation', async () => {
  const uri = 'file:///c/run.xenalyze.txt';
  const text = [
    'init_pcpus: through first trace write, done for now.',
    '   0.000001141 x. d32768v0 set_p2m_entry d1 o9 t 1 g b3aa800 m d0adc00',
    '   0.000002000 x. d32768v0 set_p2m_entry d1 o0 t 1 g b3aa801 m ffffffffffffffff',
    '',
  ].join('\n');
  c.open(uri, text, 'xenalyze');
  const a = await c.analysisFor(uri, 1);
  assert.equal(a.ops, 2);
  const h = await req<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 40 } });
  assert.match(h?.contents.value ?? '', /Operation #0/);
  assert.match(h?.contents.value ?? '', /2M×1/);
  c.close(uri);
});

test('workspace symbols search every open trace, and a GFN query finds the operations touching it', async () => {
  const a = 'file:///w/a.p2mtrace', b = 'file:///w/b.p2mtrace';
  c.open(a, 'domain 1\np2m_set_entry gfn=0x1000 nr=0x10 mfn=0x5000\nexpect gfn=0x1004 mfn=0x5004\n');
  c.open(b, 'domain 2\np2m_set_entry gfn=0x2000 nr=1 mfn=0x6000\n');
  await c.diagnosticsFor(a, 1);
  await c.diagnosticsFor(b, 1);
  const all = await req<SymbolInformation[]>('workspace/symbol', { query: 'domain' });
  assert.deepEqual(all.map(s => [s.name, s.location.uri]).sort(), [['domain 1', a], ['domain 2', b]]);
  const byGfn = await req<SymbolInformation[]>('workspace/symbol', { query: '0x1004' });
  assert.deepEqual(byGfn.map(s => [s.location.uri, s.location.range.start.line]).sort(), [[a, 1], [a, 2]]);
  c.close(a); c.close(b);
});

test('severity is configurable per group, and "off" hides the group', async () => {
  const uri = 'file:///s/sev.p2mtrace';
  c.open(uri, 'config pool_pages=0\np2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000\np2m_set_entry gfn=0x40201 nr=1 mfn=0x300000\nbogus\n');
  const d1 = await c.diagnosticsFor(uri, 1);
  assert.equal(d1.find(d => d.code === 'rc-error')?.severity, 2);
  const waitPublish = (pred: (ds: typeof d1) => boolean) => c.until(() => { const p = c.diagnostics.get(uri); return p && pred(p.diagnostics) ? p.diagnostics : undefined; });
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { p2m: { languageServer: { severity: { rc: 'error', parse: 'off' } } } } });
  const d2 = await waitPublish(ds => ds.some(d => d.code === 'rc-error' && d.severity === 1));
  assert.equal(d2.filter(d => d.code === 'parse').length, 0);
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { p2m: { languageServer: {} } } });
  await waitPublish(ds => ds.some(d => d.code === 'parse'));
  c.close(uri);
});

test('cancellation: a newer edit cancels the pass in flight; only the latest version is published', async () => {
  const uri = 'file:///x/cancel.p2mtrace';
  const lines = ['config pool_pages=unlimited'];
  for (let i = 0; i < 40_000; i++) lines.push(`p2m_set_entry gfn=${'0x' + (i * 7).toString(16)} nr=1 mfn=${'0x' + (0x100000 + i).toString(16)}`);
  c.open(uri, lines.join('\n') + '\n');
  await c.analysisFor(uri, 1, 120_000);
  const before = c.analyses.length;
  // Edit near the top (forces a long replay), then edit again while that pass runs.
  const v2 = c.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# a\n' }]);
  await c.until(() => c.analyses.length > before || c.diagnostics.get(uri)?.version === v2, 30_000, 'pass for v2 to start publishing');
  const v3 = c.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# b\n' }]);
  const a3 = await c.analysisFor(uri, v3, 120_000);
  assert.equal(a3.ops, 40_000);
  assert.ok(!c.analyses.some(a => a.uri === uri && a.version === v2), 'the pass for v2 finished although v3 had arrived');
  // A request waiting for a pass, then cancelled by the client, is answered with RequestCancelled.
  const v4 = c.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# c\n' }]);
  const cts = new CancellationTokenSource();
  const p = c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }, cts.token);
  setTimeout(() => cts.cancel(), 20);
  await assert.rejects(p, (e: { code?: number }) => e.code === -32800);
  await c.analysisFor(uri, v4, 120_000);
  c.close(uri);
});

test('typing during the first replay of a large file does not restart it from the top', async () => {
  const uri = 'file:///x/first-pass.p2mtrace';
  const lines = ['config pool_pages=unlimited'];
  for (let i = 0; i < 150_000; i++) lines.push(`p2m_set_entry gfn=${'0x' + (i * 3).toString(16)} nr=1 mfn=${'0x' + (0x100000 + i).toString(16)}`);
  c.open(uri, lines.join('\n') + '\n');
  // Wait until the first pass has published its parse diagnostics (it is replaying now), give
  // it time to take a few snapshots, then type at the end of the file.
  await c.firstDiagnosticsFor(uri, 1, 60_000);
  await new Promise(r => setTimeout(r, 250));
  const v2 = c.change(uri, [{ range: { start: { line: 150_001, character: 0 }, end: { line: 150_001, character: 0 } }, text: 'expect gfn=0x0 mfn=0x100000\n' }]);
  const a2 = await c.analysisFor(uri, v2, 120_000);
  assert.equal(a2.ops, 150_001);
  if (!c.analyses.some(a => a.uri === uri && a.version === 1)) {
    // The first pass was cancelled: the second resumed from its snapshots.
    assert.ok(a2.resumedFromLine > 0 && a2.replayedOps < 150_001, JSON.stringify(a2));
  }
  const d = await c.diagnosticsFor(uri, v2);
  assert.deepEqual(d.filter(x => x.code === 'checkpoint-mismatch'), []);
  c.close(uri);
});
