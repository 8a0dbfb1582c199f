// Foundation suite, run inside a real extension host: activation is lazy, the manifest and
// ids.ts agree, trace files get our language ids, and the commands drive the tree, status
// and the trace-log webview (including its ready/init handshake).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands, ContextKeys, Languages, Panels } from '../../extension/ids';
import { activeAtStart } from './start-state';
import { api, extension, samplesDir, scratchFile, waitFor } from './helpers';

const HELLO = 'hello.p2mtrace';
const helloUri = () => vscode.Uri.file(path.join(samplesDir(), HELLO));

suite('foundation: activation and manifest', () => {
  test('the extension was not active before anything asked for it (no * activation)', () => {
    assert.strictEqual(activeAtStart(), false);
  });

  test('activation events are only onLanguage / onCommand / onView', () => {
    const events: string[] = extension().packageJSON.activationEvents;
    assert.ok(events.length > 0);
    for (const e of events) assert.match(e, /^(onLanguage|onCommand|onView):[\w.-]+$/, e);
  });

  test('a P2M command activates the extension', async () => {
    await vscode.commands.executeCommand(Commands.openSample, helloUri());
    assert.strictEqual(extension().isActive, true);
  });

  test('every command in ids.ts is contributed and registered, and vice versa', async () => {
    const declared = Object.values(Commands).sort();
    const contributed = (extension().packageJSON.contributes.commands as { command: string }[]).map(c => c.command).sort();
    assert.deepStrictEqual(contributed, declared);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of declared) assert.ok(registered.has(id), `${id} is not registered`);
  });

  test('deliberate failure when P2M_FORCE_FAIL=1 (proves a failing test fails the layer)', () => {
    assert.notStrictEqual(process.env.P2M_FORCE_FAIL, '1', 'forced failure (P2M_FORCE_FAIL=1)');
  });
});

suite('foundation: languages', () => {
  test('a .p2mtrace sample opens as p2mtrace', async () => {
    const doc = await vscode.workspace.openTextDocument(helloUri());
    assert.strictEqual(doc.languageId, Languages.p2mtrace);
  });

  test('.xenlog opens as xen-console and .xenalyze.txt as xenalyze', async () => {
    const log = await vscode.workspace.openTextDocument(scratchFile('boot.xenlog', '(XEN) Xen version 4.20\n'));
    assert.strictEqual(log.languageId, Languages.xenConsole);
    const xa = await vscode.workspace.openTextDocument(scratchFile('run.xenalyze.txt',
      '   0.000001141 x. d32768v0 set_p2m_entry d1 o9 t 1 g b3aa800 m d0adc00\n'));
    assert.strictEqual(xa.languageId, Languages.xenalyze);
  });

  test('a *.log whose first line has the (XEN) prefix becomes xen-console; other logs stay log', async () => {
    const xen = await vscode.workspace.openTextDocument(scratchFile('console.log', '(XEN) [  1.000000] Brought up 4 CPUs\n'));
    const plain = await vscode.workspace.openTextDocument(scratchFile('app.log', 'INFO started\n'));
    await waitFor('console.log to switch to xen-console', () => xen.languageId === Languages.xenConsole
      || vscode.workspace.textDocuments.some(d => d.uri.toString() === xen.uri.toString() && d.languageId === Languages.xenConsole));
    assert.strictEqual(plain.languageId, 'log');
  });
});

suite('foundation: commands, tree, status and trace log', () => {
  test('p2m.openSample loads the trace into a session, the GPA tree shows its domain', async () => {
    const p2m = await api();
    const summary = await vscode.commands.executeCommand<{ name: string; opCount: number }>(Commands.openSample, helloUri());
    assert.strictEqual(summary?.name, HELLO);
    const doc = await waitFor('the sample editor', () => vscode.workspace.textDocuments.find(d => d.uri.fsPath === helloUri().fsPath));
    assert.strictEqual(doc.languageId, Languages.p2mtrace);
    assert.strictEqual(p2m.ui.session.session?.summary.name, HELLO);
    const roots = await p2m.ui.tree.getChildren();
    assert.strictEqual(roots.length, 1);
    assert.strictEqual(p2m.ui.tree.getTreeItem(roots[0]).label, 'Domain 1 (vmid 1)');
    assert.ok(ContextKeys.traceLoaded.startsWith('p2m.'));
  });

  test('p2m.showTraceLog opens the "P2M Trace Log" webview and completes ready → init', async () => {
    const p2m = await api();
    await vscode.commands.executeCommand(Commands.showTraceLog);
    const tab = await waitFor('the trace-log tab', () => vscode.window.tabGroups.all.flatMap(g => g.tabs)
      .find(t => t.input instanceof vscode.TabInputWebview && t.label === 'P2M Trace Log'));
    assert.ok((tab.input as vscode.TabInputWebview).viewType.endsWith(Panels.traceLog));
    const panel = p2m.traceLogPanel();
    assert.ok(panel, 'no panel instance');
    await Promise.race([panel.initialized, new Promise((_, rej) => setTimeout(() => rej(new Error('no ready/init handshake within 15 s')), 15_000))]);
    const html = panel.panel.webview.html;
    assert.match(html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /trace-log\.js/);
  });
});
