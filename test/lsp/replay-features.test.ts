// Server tests over a real LSP connection for the features that need the live replay:
// engine diagnostics on the operation's line, hover, GFN completion, definition, references,
// code lenses, op-index/chunk inlay hints, the "insert expect" action, custom requests, and
// incremental re-analysis from a snapshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeAction, CodeLens, CompletionItem, Hover, InlayHint, Location, MarkupContent } from 'vscode-languageserver/node';
import { LspTestClient } from './lsp-client';
import { RegionsRequest, StateAtLineRequest, WalkRequest } from '../../extension/lsp-protocol';

let c: LspTestClient;
before(async () => { c = await LspTestClient.start({ debounceMs: 20, snapshotEvery: 2 }); });
after(async () => { await c.stop(); });

// p2m-model.md §6.2 seed (G1 then G4), an expect that holds and one that does not.
const SEED = [
  'config ipa_bits=40 pool_pages=64',                                     // 0
  'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx',     // 1
  'p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx',           // 2
  'expect gfn=0x40201 mfn=0x300000 t=ram_rw order=0',                     // 3
  'expect gfn=0x40202 mfn=0x999999',                                      // 4
  '',
].join('\n');

async function openAndWait(uri: string, text: string) {
  c.open(uri, text);
  return c.diagnosticsFor(uri, 1);
}
const req = <R>(method: string, params: object) => c.conn.sendRequest(method, params) as Promise<R>;
const md = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

test('engine diagnostics land on the operation line: drift, failed expect, rc errors, GFN beyond IPA', async () => {
  const uri = 'file:///r/seed.p2mtrace';
  const diags = await openAndWait(uri, SEED);
  const byLine = (l: number) => diags.filter(d => d.range.start.line === l);
  assert.ok(byLine(2).some(d => d.code === 'sim-stats-drift'), JSON.stringify(diags));
  const exp = byLine(4).find(d => d.code === 'checkpoint-mismatch');
  assert.ok(exp, JSON.stringify(diags));
  assert.match(exp.message, /0x100202/);
  assert.deepEqual(byLine(3), []);
  assert.equal(exp.range.start.character, 0);
  assert.equal(exp.range.end.character, SEED.split('\n')[4].length);

  const uri2 = 'file:///r/enomem.p2mtrace';
  const d2 = await openAndWait(uri2, 'config ipa_bits=40 pool_pages=0\np2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000\np2m_set_entry gfn=0x40201 nr=1 mfn=0x300000\n');
  const rc = d2.find(d => d.code === 'rc-error');
  assert.ok(rc && rc.range.start.line === 2, JSON.stringify(d2));
  assert.match(rc.message, /-ENOMEM/);

  // rc= declares the expected return code: a match silences rc-error, a mismatch is an error.
  const uri2b = 'file:///r/enomem-declared.p2mtrace';
  const d2b = await openAndWait(uri2b, 'config ipa_bits=40 pool_pages=0\np2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000\np2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 rc=-12\np2m_set_entry gfn=0x40202 nr=1 mfn=0x300001 rc=0\n');
  assert.deepEqual(d2b.filter(d => d.code === 'rc-error').map(d => [d.range.start.line, d.severity]), [[3, 1]], JSON.stringify(d2b));
  c.close(uri2b);

  const uri3 = 'file:///r/ipa.p2mtrace';
  const d3 = await openAndWait(uri3, 'config ipa_bits=32 pool_pages=unlimited\np2m_set_entry gfn=0x100000 nr=1 mfn=0x5000\n');
  assert.ok(d3.some(d => d.code === 'sim-gfn-beyond-ipa' && d.range.start.line === 1), JSON.stringify(d3));
  for (const u of [uri, uri2, uri3]) c.close(u);
});

test('hover: what an operation did, a GFN translation at that point, a descriptor decode', async () => {
  const uri = 'file:///r/hover.p2mtrace';
  const text = SEED + 'write_pte table=0x80010 index=1 level=3 old=0 new=0x00800003000007ff\n';
  await openAndWait(uri, text);
  const h2 = md(await req<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 3 } }));
  assert.match(h2, /TLB flushes: 2/);
  assert.match(h2, /table pages: \+2/);
  assert.match(h2, /4K×1/);
  const gfnCol = SEED.split('\n')[2].indexOf('0x40201');
  const hg = md(await req<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: gfnCol + 2 } }));
  assert.match(hg, /before this line: mfn 0x100201 · ram_rw/);
  assert.match(hg, /after this line: mfn 0x300000 · ram_rw/);
  const newCol = text.split('\n')[5].indexOf('new=') + 6;
  const hd = md(await req<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: newCol } }));
  assert.match(hd, /4K page → mfn 0x300000 · ram_rw · rwx/);
  assert.match(hd, /\| 55–58 \| type \| 1 ram_rw \|/);
  c.close(uri);
});

test('completion offers the GFNs mapped at that point; definition and references follow the replay', async () => {
  const uri = 'file:///r/nav.p2mtrace';
  await openAndWait(uri, SEED);
  const items = await req<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 'expect gfn='.length } });
  const labels = items.map(i => i.label);
  assert.ok(labels.includes('0x40000'), labels.join(','));
  assert.ok(labels.includes('0x40201'), labels.join(','));
  const col = 'expect gfn='.length + 2;
  const def = await req<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: col } });
  assert.deepEqual(def.map(l => l.range.start.line), [2]);
  const def2 = await req<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 4, character: col } });
  assert.deepEqual(def2.map(l => l.range.start.line), [1], 'gfn 0x40202 was last changed by the 1G map');
  const refs = await req<Location[]>('textDocument/references', { textDocument: { uri }, position: { line: 3, character: col }, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map(l => l.range.start.line), [1, 2, 3]);
  c.close(uri);
});

test('code lenses, op-index and chunk inlay hints, insert-expect action', async () => {
  const uri = 'file:///r/lens.p2mtrace';
  await openAndWait(uri, SEED);
  const lenses = await req<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  const on = (l: number) => lenses.filter(x => x.range.start.line === l).map(x => x.command?.title);
  assert.deepEqual(on(2), ['▶ Replay to here', 'Debug from here', '2 TLB flushes · 2 pages']);
  assert.deepEqual(lenses.filter(x => x.range.start.line === 2).map(x => x.command?.arguments), [[3], [uri, 3], undefined]);
  assert.ok(on(3).includes('✓ checkpoint matches'), on(3).join('|'));
  assert.ok(on(4).some(t => t?.startsWith('✗ checkpoint mismatch')), on(4).join('|'));
  const hints = await req<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } });
  const labels = hints.map(h => `${h.position.line}:${h.label}`);
  assert.ok(labels.includes('1:#0') && labels.includes('2:#1') && labels.includes('4:#3'), labels.join(' '));
  assert.ok(labels.includes('1:→ 1G×1') && labels.includes('2:→ 4K×1'), labels.join(' '));
  const actions = await req<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line: 2, character: 20 }, end: { line: 2, character: 20 } }, context: { diagnostics: [] },
  });
  const ins = actions.find(a => a.title === 'Insert expect line with the current state');
  assert.ok(ins, actions.map(a => a.title).join(','));
  assert.equal(ins.edit!.changes![uri][0].newText, 'expect gfn=0x40201 mfn=0x300000 t=ram_rw a=rwx order=0\n');
  assert.deepEqual(ins.edit!.changes![uri][0].range.start, { line: 3, character: 0 });
  c.close(uri);
});

test('custom requests: state at line, regions, walk', async () => {
  const uri = 'file:///r/custom.p2mtrace';
  await openAndWait(uri, SEED);
  const s1 = await c.request(StateAtLineRequest, { uri, line: 1 });
  assert.equal(s1.ready, true);
  assert.deepEqual(s1.stats.mappings, [0, 1, 0, 0]);
  assert.equal(s1.opIndex, 0);
  const s2 = await c.request(StateAtLineRequest, { uri, line: 2 });
  assert.deepEqual(s2.stats.mappings, [0, 0, 511, 511]);
  assert.deepEqual(s2.stats.shattered, [0, 1, 1, 0]);
  assert.equal(s2.tlbFlushes, 2);
  assert.match(s2.dumpInfo, /4K mappings: 511/);
  const r = await c.request(RegionsRequest, { uri, line: 2, fromGfn: '0x40200', toGfn: '0x403ff' });
  assert.deepEqual(r.regions.slice(0, 3).map(x => [x.gfn, x.count, x.mfn, x.level]), [
    ['0x40200', 1, '0x100200', 3], ['0x40201', 1, '0x300000', 3], ['0x40202', 510, '0x100202', 3],
  ]);
  const w = await c.request(WalkRequest, { uri, line: 2, gfn: '0x40201' });
  assert.deepEqual(w.steps.map(s => [s.level, s.index, s.descriptor]), [
    [1, 1, '0x800000800107ff'], [2, 1, '0x800000800117ff'], [3, 1, '0x800003000007ff'],
  ]);
  assert.equal(w.mfn, '0x300000');
  // Earlier line: still the 1G block.
  const w1 = await c.request(WalkRequest, { uri, line: 1, gfn: '0x40201' });
  assert.deepEqual(w1.steps.map(s => s.level), [1]);
  assert.equal(w1.mfn, '0x100201');
  c.close(uri);
});

test('an edit near the end re-replays from the last snapshot, not from the start', async () => {
  const uri = 'file:///r/incremental.p2mtrace';
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; i < 20; i++) lines.push(`p2m_set_entry gfn=${'0x' + (0x1000 + i * 0x200).toString(16)} nr=0x200 mfn=${'0x' + (0x80000 + i * 0x200).toString(16)}`);
  c.open(uri, lines.join('\n') + '\n');
  const a1 = await c.analysisFor(uri, 1);
  assert.equal(a1.ops, 20);
  assert.equal(a1.replayedOps, 20);
  assert.equal(a1.resumedFromLine, 0);
  const v2 = c.change(uri, [{ range: { start: { line: 18, character: 0 }, end: { line: 18, character: 0 } }, text: 'expect gfn=0x1000 mfn=0x80000\n' }]);
  const a2 = await c.analysisFor(uri, v2);
  assert.equal(a2.ops, 21);
  // Snapshots every few ops (at most 8 per document): only the last few ops are re-executed.
  assert.ok(a2.replayedOps <= 7, `replayed ${a2.replayedOps} ops`);
  assert.ok(a2.resumedFromLine >= 13 && a2.resumedFromLine <= 18, `resumed at ${a2.resumedFromLine}`);
  // The results after the resume equal a full replay's: state at the end.
  const s = await c.request(StateAtLineRequest, { uri, line: 100 });
  assert.deepEqual(s.stats.mappings, [0, 0, 20, 0]);
  const d = await c.diagnosticsFor(uri, v2);
  assert.deepEqual(d, []);
  c.close(uri);
});

test('BBM findings from the engine: the legacy strategy breaks break-before-make on the seed, upstream does not', async () => {
  const body = 'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000\np2m_set_entry gfn=0x40201 nr=1 mfn=0x300000\n';
  const legacy = 'file:///r/legacy.p2mtrace', upstream = 'file:///r/upstream.p2mtrace';
  const dl = await openAndWait(legacy, 'config ipa_bits=40 strategy=legacy\n' + body);
  const bbm = dl.filter(d => d.code === 'bbm-violation');
  assert.ok(bbm.length > 0, JSON.stringify(dl));
  assert.ok(bbm.every(d => d.range.start.line === 2), JSON.stringify(bbm));
  const du = await openAndWait(upstream, 'config ipa_bits=40\n' + body);
  assert.deepEqual(du.filter(d => d.code === 'bbm-violation'), []);
  c.close(legacy); c.close(upstream);
});

test('a huge operation typed in the editor is not replayed (the server stays responsive) and says why', async () => {
  const uri = 'file:///r/huge.p2mtrace';
  const d = await openAndWait(uri, 'p2m_set_entry gfn=0x1 nr=0x1000000000 mfn=0x2\nexpect gfn=0x1 mfn=invalid\n');
  const w = d.find(x => x.code === 'trace');
  assert.ok(w && w.range.start.line === 0, JSON.stringify(d));
  assert.match(w.message, /p2m replay/);
  assert.deepEqual(d.filter(x => x.code === 'checkpoint-mismatch'), []);
  c.close(uri);
});
