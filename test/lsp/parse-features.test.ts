// Server tests over a real LSP connection: parse diagnostics with exact ranges that move
// with the lines, outline, folding, semantic tokens, completion, size inlay hints and quick
// fixes — the features that need only the parser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeAction, CompletionItem, DocumentSymbol, FoldingRange, InlayHint, SemanticTokens,
} from 'vscode-languageserver/node';
import { LspTestClient } from './lsp-client';

let c: LspTestClient;
before(async () => { c = await LspTestClient.start({ debounceMs: 20 }); });
after(async () => { await c.stop(); });

const SAMPLE = [
  '# seed: 1G block then a 4K remap inside it',  // 0
  'config ipa_bits=40',                            // 1
  'domain 1',                                      // 2
  'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx', // 3
  'begin',                                         // 4
  'p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rx a=rwx',        // 5  (bad type)
  'end',                                           // 6
  'expect gfn=0x40201 mfn=0x300000',               // 7
  '',
].join('\n');

test('parse error has the exact range of the bad value and moves with inserted lines', async () => {
  const uri = 'file:///t/parse-move.p2mtrace';
  c.open(uri, SAMPLE);
  const d1 = await c.diagnosticsFor(uri, 1);
  const bad = d1.filter(d => d.code === 'parse');
  assert.equal(bad.length, 1, JSON.stringify(d1));
  const col = SAMPLE.split('\n')[5].indexOf('ram_rx');
  assert.deepEqual(bad[0].range, { start: { line: 5, character: col }, end: { line: 5, character: col + 'ram_rx'.length } });
  assert.match(bad[0].message, /ram_rx/);

  const v2 = c.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# one\n# two\n' }]);
  const d2 = (await c.diagnosticsFor(uri, v2)).filter(d => d.code === 'parse');
  assert.equal(d2.length, 1);
  assert.equal(d2[0].range.start.line, 7);
  assert.equal(d2[0].range.start.character, col);

  // Fix the value: the diagnostic goes away.
  const v3 = c.change(uri, [{ range: { start: { line: 7, character: col }, end: { line: 7, character: col + 6 } }, text: 'ram_ro' }]);
  const d3 = (await c.diagnosticsFor(uri, v3)).filter(d => d.code === 'parse');
  assert.deepEqual(d3, []);
  c.close(uri);
});

test('document symbols: config, domain section with a begin/end group and a checkpoint', async () => {
  const uri = 'file:///t/outline.p2mtrace';
  c.open(uri, SAMPLE);
  await c.diagnosticsFor(uri, 1);
  const syms = await c.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as DocumentSymbol[];
  assert.deepEqual(syms.map(s => s.name), ['config', 'domain 1']);
  const dom = syms[1];
  assert.deepEqual(dom.range.start.line, 2);
  assert.deepEqual(dom.children!.map(s => s.name), ['begin … end', 'expect gfn=0x40201']);
  assert.equal(dom.children![0].range.start.line, 4);
  assert.equal(dom.children![0].range.end.line, 6);
  const folds = await c.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } }) as FoldingRange[];
  assert.ok(folds.some(f => f.startLine === 4 && f.endLine === 6), JSON.stringify(folds));
  c.close(uri);
});

test('semantic tokens classify statement, keys, numbers and enum values', async () => {
  const uri = 'file:///t/tokens.p2mtrace';
  c.open(uri, 'p2m_set_entry gfn=0x10 nr=1 mfn=invalid # drop\n');
  await c.diagnosticsFor(uri, 1);
  const init = await c.conn.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } }) as SemanticTokens;
  // Decode (deltaLine, deltaStart, length, type, mods) tuples on one line.
  const toks: Array<[number, number, number]> = [];
  let ch = 0;
  for (let i = 0; i < init.data.length; i += 5) {
    ch = init.data[i] === 0 ? ch + init.data[i + 1] : init.data[i + 1];
    toks.push([ch, init.data[i + 2], init.data[i + 3]]);
  }
  const legend = ['keyword', 'function', 'property', 'number', 'enumMember', 'comment', 'macro', 'string', 'operator'];
  const named = toks.map(([s, l, t]) => `${'p2m_set_entry gfn=0x10 nr=1 mfn=invalid # drop'.slice(s, s + l)}:${legend[t]}`);
  assert.deepEqual(named, [
    'p2m_set_entry:function', 'gfn:property', '=:operator', '0x10:number', 'nr:property', '=:operator', '1:number',
    'mfn:property', '=:operator', 'invalid:enumMember', '# drop:comment',
  ]);
  c.close(uri);
});

test('completion: statements at line start, missing keys, type names after t=', async () => {
  const uri = 'file:///t/complete.p2mtrace';
  const text = '\np2m_set_entry gfn=0x10 \np2m_set_entry gfn=0x10 nr=1 mfn=0x5 t=\n';
  c.open(uri, text);
  await c.diagnosticsFor(uri, 1);
  const at = async (line: number, character: number) =>
    (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as CompletionItem[];
  const s = await at(0, 0);
  assert.ok(s.some(i => i.label === 'p2m_set_entry' && /gfn=.*nr=.*mfn=/.test(i.insertText ?? '')));
  assert.ok(s.some(i => i.label === 'expect'));
  const k = (await at(1, 23)).map(i => i.label);
  assert.ok(k.includes('nr=') && k.includes('mfn=') && k.includes('t='), k.join(','));
  assert.ok(!k.includes('gfn='), 'gfn is already present');
  const t = (await at(2, 'p2m_set_entry gfn=0x10 nr=1 mfn=0x5 t='.length)).map(i => i.label);
  assert.ok(t.includes('ram_rw') && t.includes('mmio_direct_dev'), t.join(','));
  assert.ok(!t.includes('max_real_type'));
  c.close(uri);
});

test('inlay hints decode sizes: nr=0x40000 → 1 GiB, order=9 → 2 MiB', async () => {
  const uri = 'file:///t/hints.p2mtrace';
  const text = 'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000\n__p2m_set_entry gfn=0x200 order=9 mfn=0x200\n';
  c.open(uri, text);
  await c.diagnosticsFor(uri, 1);
  const hints = await c.conn.sendRequest('textDocument/inlayHint', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
  }) as InlayHint[];
  const sizes = hints.filter(h => /iB$/.test(String(h.label)));
  assert.deepEqual(sizes.map(h => [h.position.line, h.label]), [[0, '1 GiB'], [1, '2 MiB']]);
  assert.equal(sizes[0].position.character, 'p2m_set_entry gfn=0x40000 nr=0x40000'.length);
  c.close(uri);
});

test('quick fixes: misspelt statement, type, unknown key, hex without 0x, missing key', async () => {
  const uri = 'file:///t/fixes.p2mtrace';
  const lines = [
    'p2m_set_entyr gfn=0x10 nr=1 mfn=0x5',
    'p2m_set_entry gfn=0x10 nr=1 mfn=0x5 t=ram_rx',
    'p2m_set_entry gfn=0x10 nr=1 mfn=0x5 acess=rw',
    'p2m_set_entry gfn=4000a nr=1 mfn=0x5',
    'p2m_set_entry gfn=0x10 nr=1',
  ];
  c.open(uri, lines.join('\n') + '\n');
  const diags = await c.diagnosticsFor(uri, 1);
  const fixesAt = async (line: number) => {
    const ds = diags.filter(d => d.range.start.line === line);
    assert.ok(ds.length > 0, `no diagnostic on line ${line}`);
    const all = (await c.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: ds[0].range, context: { diagnostics: ds },
    })) as CodeAction[];
    return all.filter(a => a.kind === 'quickfix');
  };
  const newText = (a: CodeAction) => a.edit!.changes![uri][0].newText;
  const f0 = await fixesAt(0);
  assert.equal(newText(f0[0]), 'p2m_set_entry');
  assert.equal(f0[0].isPreferred, true);
  const f1 = (await fixesAt(1)).map(newText);
  assert.ok(f1.includes('ram_rw') && f1.includes('ram_ro'), f1.join(','));
  const f2 = (await fixesAt(2)).map(newText);
  assert.ok(f2.includes('a'), f2.join(','));
  const f3 = (await fixesAt(3)).map(newText);
  assert.deepEqual(f3, ['0x4000a']);
  const f4 = (await fixesAt(4)).map(newText);
  assert.deepEqual(f4, [' mfn=invalid']);
  c.close(uri);
});
