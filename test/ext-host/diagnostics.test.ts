// Language server, inside a real extension host: the client starts dist/server.js and the
// replay's findings appear in vscode.languages.getDiagnostics for a sample with a known
// violation (samples/bbm-violation-writes.p2mtrace: two in-place overwrites of valid entries
// that need break-before-make), and a parse error appears on the line that has it. The client
// is the one the extension starts on activation (extension.ts → extension/client).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { StateAtLineRequest, StateAtLineResult } from '../../extension/lsp-protocol';
import { api, samplesDir, scratchFile, waitFor } from './helpers';

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter(d => d.source === 'p2m');

/** Resolves true once `probe` holds, false after `ms`. */
async function within(ms: number, probe: () => boolean): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (probe()) return true;
    await new Promise(r => setTimeout(r, 100));
  }
  return probe();
}

suite('language server: diagnostics in the editor', () => {
  test('activation starts the language client: a parse error shows up without anything else', async () => {
    await api();
    const probe = scratchFile('probe.p2mtrace', 'bogus_statement\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(probe));
    const wired = await within(30_000, () => ours(probe).length > 0);
    assert.ok(wired, 'no p2m diagnostics: the extension did not start the language client (extension.ts)');
    const d = ours(probe)[0];
    assert.strictEqual(codeOf(d), 'parse');
    assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 0, 'bogus_statement'.length]);
  });

  test('a BBM violation in a sample is reported on the write_pte lines that make it', async () => {
    const uri = vscode.Uri.file(path.join(samplesDir(), 'bbm-violation-writes.p2mtrace'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const bbm = await waitFor('bbm-violation diagnostics', () => {
      const ds = ours(uri).filter(d => codeOf(d) === 'bbm-violation');
      return ds.length >= 2 ? ds : undefined;
    }, 30_000);
    for (const d of bbm) {
      assert.match(doc.lineAt(d.range.start.line).text, /write_pte/, `diagnostic on line ${d.range.start.line + 1}: ${d.message}`);
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      assert.match(d.message, /break/);
    }
  });

  test('a parse error gets the exact range of the bad value, and edits move it', async () => {
    const uri = scratchFile('bad.p2mtrace', 'config ipa_bits=40\np2m_set_entry gfn=0x10 nr=1 mfn=0x5 t=ram_rx\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const bad = await waitFor('parse diagnostic', () => ours(uri).find(d => codeOf(d) === 'parse'), 30_000);
    const col = doc.lineAt(1).text.indexOf('ram_rx');
    assert.deepStrictEqual([bad.range.start.line, bad.range.start.character, bad.range.end.character], [1, col, col + 6]);
    await editor.edit(e => e.insert(new vscode.Position(0, 0), '# moved down\n'));
    await waitFor('diagnostic moved to line 3', () => ours(uri).find(d => codeOf(d) === 'parse' && d.range.start.line === 2), 30_000);
  });

  test('custom requests through the extension client: state at a line of the seed sample', async () => {
    const client = (await api()).languageClient;
    const uri = vscode.Uri.file(path.join(samplesDir(), 'seed-4k-remap-in-1g.p2mtrace'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const remap = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text).findIndex(t => /gfn=0x40201/.test(t));
    assert.ok(remap > 0, 'the sample has the 4K remap line');
    // The server answers once the document is replayed; poll until it is.
    let s: StateAtLineResult | undefined;
    for (let i = 0; i < 100 && !s?.ready; i++) {
      s = await client.request(StateAtLineRequest, { uri: uri.toString(), line: remap });
      if (!s.ready) await new Promise(res => setTimeout(res, 200));
    }
    assert.ok(s?.ready, 'the server answered with a replayed state');
    assert.deepStrictEqual(s.stats.mappings, [0, 0, 511, 511]);
    assert.deepStrictEqual(s.stats.shattered, [0, 1, 1, 0]);
  });
});

