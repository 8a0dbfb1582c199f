// UI suite in the real extension host: loading a sample into a session, the tree's top levels
// and a revealed GFN path, commands enabled/disabled by context (and saying why), stepping
// forward/back changing the tree, export writing the expected dump text, the trace log's
// paged protocol. Uses the seed scenario (p2m-model.md §6.2, golden G4).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TreeNodeModel } from '../../extension/views/tree-model';
import { Commands, ContextKeys } from '../../extension/ids';
import { api, samplesDir, scratchFile, waitFor } from './helpers';

const SEED = 'seed-4k-remap-in-1g.p2mtrace';
const seedUri = () => vscode.Uri.file(path.join(samplesDir(), SEED));
type Cursor = { position: number; opCount: number };

async function labelsOf(node?: TreeNodeModel): Promise<string[]> {
  const p2m = await api();
  return (await p2m.ui.tree.getChildren(node)).map(n => String(p2m.ui.tree.getTreeItem(n).label));
}

suite('ui: commands are disabled until a trace is loaded, and say why', () => {
  test('before loading, replay commands return { disabled } with a reason', async () => {
    const p2m = await api();
    await vscode.commands.executeCommand(Commands.closeTrace);
    for (const id of [Commands.stepForward, Commands.stepBack, Commands.goToGfn, Commands.exportState, Commands.replayAll]) {
      const r = await vscode.commands.executeCommand<{ disabled?: string }>(id);
      assert.match(r?.disabled ?? '', /no trace is loaded/, id);
      assert.match(p2m.ui.whyDisabled(id) ?? '', /no trace is loaded/);
    }
    assert.deepStrictEqual(await p2m.ui.tree.getChildren(), [], 'empty tree → welcome view');
  });
});

suite('ui: session, tree, stepping and export on the seed sample', () => {
  suiteSetup(async () => {
    const summary = await vscode.commands.executeCommand<{ name: string }>(Commands.openSample, seedUri());
    assert.strictEqual(summary?.name, SEED);
  });

  test('the session is loaded, the status bar shows the position', async () => {
    const p2m = await api();
    const s = p2m.ui.session.session;
    assert.ok(s, 'no session');
    assert.strictEqual(s.cursor.position, s.summary.opCount, 'a fresh load shows the final state');
    assert.match(p2m.ui.status.text, new RegExp(`P2M d1: op ${s.summary.opCount} of ${s.summary.opCount}`));
    assert.strictEqual(p2m.ui.whyDisabled(Commands.stepBack), undefined);
    assert.match(p2m.ui.whyDisabled(Commands.stepForward) ?? '', /already at the end/);
    assert.ok(ContextKeys.atEnd.startsWith('p2m.session.'));
  });

  test('tree top levels: domain → root pages → L1 entries', async () => {
    const p2m = await api();
    const [dom] = await p2m.ui.tree.getChildren();
    assert.strictEqual(p2m.ui.tree.getTreeItem(dom).label, 'Domain 1 (vmid 1)');
    const roots = await p2m.ui.tree.getChildren(dom);
    assert.deepStrictEqual(roots.map(r => String(p2m.ui.tree.getTreeItem(r).label).replace(/MFN 0x[0-9a-f]+/, 'MFN …')),
      ['Root page 0: L1 table, MFN …', 'Root page 1: L1 table, MFN …']);
    const l1 = await labelsOf(roots[0]);
    assert.strictEqual(l1.length, 3, l1.join(' | '));
    assert.strictEqual(l1[0], '0x0–0x3ffff: unmapped');
    assert.match(l1[1], /^0x40000–0x7ffff: L2 table, MFN 0x[0-9a-f]+$/);
  });

  test('Go to GFN reveals and selects the path to the remapped page', async () => {
    const p2m = await api();
    await vscode.commands.executeCommand('p2m.gpaSpace.focus');
    const node = await vscode.commands.executeCommand<TreeNodeModel>(Commands.goToGfn, { domain: 1, gfn: 0x40201 });
    assert.strictEqual(node?.label, '0x40201: 4K ram_rw, MFN 0x300000');
    const sel = await waitFor(`the tree selection (visible=${p2m.ui.treeView.visible})`, () => p2m.ui.treeView.selection.length > 0 && p2m.ui.treeView.selection);
    assert.strictEqual((sel[0] as TreeNodeModel).id, node.id);
    // The path the tree shows: domain → root page 0 → L2 table → L3 table → page.
    let n: TreeNodeModel | undefined = node;
    const chain: string[] = [];
    while (n) { chain.unshift(n.key.kind); n = p2m.ui.tree.getParent(n); }
    assert.deepStrictEqual(chain, ['domain', 'root', 'table', 'table', 'leaf']);
  });

  test('stepping back and forward changes the tree', async () => {
    const p2m = await api();
    const end = p2m.ui.session.session!.summary.opCount;
    const back = await vscode.commands.executeCommand<Cursor>(Commands.stepBack);
    assert.strictEqual(back?.position, end - 1);
    // Seek to just after the first p2m_set_entry (the 1G block): no tables under R0[1] yet.
    const line = 7; // samples/seed-4k-remap-in-1g.p2mtrace: the G1 p2m_set_entry
    const pos = await p2m.ui.session.query('opForLine', { line });
    await vscode.commands.executeCommand(Commands.goToOperation, pos);
    const [dom] = await p2m.ui.tree.getChildren();
    const [r0] = await p2m.ui.tree.getChildren(dom);
    assert.deepStrictEqual(await labelsOf(r0), ['0x0–0x3ffff: unmapped', '0x40000–0x7ffff: 1G ram_rw, MFN 0x100000', '0x80000–0x7ffffff: unmapped']);
    // Step forward over the remap: the block became a table.
    await vscode.commands.executeCommand(Commands.goToOperation, await p2m.ui.session.query('opForLine', { line: 10 }));
    const after = await labelsOf((await p2m.ui.tree.getChildren(dom))[0]);
    assert.match(after[1], /^0x40000–0x7ffff: L2 table, MFN 0x[0-9a-f]+$/);
    const reset = await vscode.commands.executeCommand<Cursor>(Commands.reset);
    assert.strictEqual(reset?.position, 0);
    assert.match(p2m.ui.whyDisabled(Commands.stepBack) ?? '', /already at the start/);
    const r = await vscode.commands.executeCommand<{ disabled?: string }>(Commands.stepBack);
    assert.match(r?.disabled ?? '', /already at the start/);
    const fwd = await vscode.commands.executeCommand<Cursor>(Commands.stepForward);
    assert.strictEqual(fwd?.position, 1);
    await vscode.commands.executeCommand(Commands.replayAll);
    assert.strictEqual(p2m.ui.session.session?.cursor.position, end);
  });

  test('Replay to Line follows the cursor in the trace editor (and a line argument, as the code lens sends)', async () => {
    const p2m = await api();
    const doc = await vscode.workspace.openTextDocument(seedUri());
    const ed = await vscode.window.showTextDocument(doc);
    ed.selection = new vscode.Selection(6, 0, 6, 0); // line 7: the G1 p2m_set_entry
    const c = await vscode.commands.executeCommand<Cursor>(Commands.replayToLine);
    assert.strictEqual(c?.position, await p2m.ui.session.query('opForLine', { line: 7 }));
    const c2 = await vscode.commands.executeCommand<Cursor>(Commands.replayToLine, 10);
    assert.strictEqual(c2?.position, await p2m.ui.session.query('opForLine', { line: 10 }));
    assert.ok(c2.position > c.position);
    await vscode.commands.executeCommand(Commands.replayAll);
  });

  test('Export State writes the expected p2m_dump_info text (G4)', async () => {
    const out = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-export-')), 'state.xenlog'));
    const written = await vscode.commands.executeCommand<vscode.Uri>(Commands.exportState, 'dump', out);
    assert.strictEqual(written?.fsPath, out.fsPath);
    assert.strictEqual(fs.readFileSync(out.fsPath, 'utf8'), [
      '(XEN) p2m mappings for domain 1 (vmid 1):',
      '(XEN)   1G mappings: 0 (shattered 1)',
      '(XEN)   2M mappings: 511 (shattered 1)',
      '(XEN)   4K mappings: 511', ''].join('\n'));
    const json = vscode.Uri.file(out.fsPath.replace(/xenlog$/, 'json'));
    await vscode.commands.executeCommand(Commands.exportState, 'json', json);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(json.fsPath, 'utf8')).domains[0].trueCounts.slice(1), [0, 511, 512]);
  });

  test('a failed load keeps the current session (the last good one stays visible)', async () => {
    const p2m = await api();
    const bad = scratchFile('garbage.p2mtrace', 'this is not a trace\n\u0000\u0001\n');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(Commands.loadTrace, bad)), /no trace records|unknown|expected/);
    assert.strictEqual(p2m.ui.session.session?.summary.name, SEED);
    assert.strictEqual(p2m.ui.session.isLoading, false);
    assert.ok((await p2m.ui.tree.getChildren()).length > 0);
  });

  test('Copy as Dump Line and Copy Descriptor on a tree node', async () => {
    const node = await vscode.commands.executeCommand<TreeNodeModel>(Commands.goToGfn, { domain: 1, gfn: 0x40201 });
    assert.ok(node);
    assert.strictEqual(await vscode.commands.executeCommand(Commands.copyDumpLine, node), '3RD[0x001] = 0x800003000007ff');
    assert.strictEqual(await vscode.env.clipboard.readText(), '3RD[0x001] = 0x800003000007ff');
    assert.strictEqual(await vscode.commands.executeCommand(Commands.copyDescriptor, node), '0x00800003000007ff');
  });

  test('Lookup GFN shows the walk; Watch Range makes a data breakpoint id; Regions search filters', async () => {
    const p2m = await api();
    const text = await vscode.commands.executeCommand<string>(Commands.lookupGfn, { domain: 1, gfn: 0x40201 });
    assert.match(text ?? '', /→ MFN 0x300000 ram_rw/);
    assert.match(text ?? '', /0x40200–0x403ff: L3 table/);
    const node = await vscode.commands.executeCommand<TreeNodeModel>(Commands.goToGfn, { domain: 1, gfn: 0x40201 });
    const id = await vscode.commands.executeCommand<string>(Commands.watchRange, node);
    assert.strictEqual(id, 'gfn:1:40201:40202');
    if ('DataBreakpoint' in vscode) {
      assert.ok(vscode.debug.breakpoints.some(b => (b as { dataId?: string }).dataId === id), 'data breakpoint added');
    }
    await vscode.commands.executeCommand(Commands.searchRegions, '0x300000');
    const rows = await p2m.ui.regions.getChildren();
    assert.strictEqual(rows.length, 1);
    assert.match(String(p2m.ui.regions.getTreeItem(rows[0]).label), /^0x40201–0x40201 → MFN 0x300000: ram_rw rwx/);
    await vscode.commands.executeCommand(Commands.clearRegionFilter);
    assert.strictEqual((await p2m.ui.regions.getChildren()).length, 5);
  });

  test('the trace log pages rows from the session and follows the cursor', async () => {
    const p2m = await api();
    await vscode.commands.executeCommand(Commands.showTraceLog);
    const host = await waitFor('the trace-log host', () => p2m.traceLogPanel());
    await Promise.race([host.initialized, new Promise((_, rej) => setTimeout(() => rej(new Error('no ready/init within 15 s')), 15_000))]);
    assert.match(host.panel.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
    assert.doesNotMatch(host.panel.webview.html, /unsafe-inline|unsafe-eval/);
    const q = await p2m.ui.session.query('logQuery', { filter: { kinds: ['set_entry'] } });
    assert.strictEqual(q.total, 2);
    const page = await p2m.ui.session.query('logPage', { offset: 0, count: 200 });
    assert.ok(page.rows[1].text.includes('0x40201'));
    await vscode.commands.executeCommand(Commands.closeTrace);
    assert.strictEqual(p2m.ui.session.session, undefined);
  });
});

suite('ui: the views follow a p2m debug session', () => {
  test('stopping in the debugger loads that trace into the views and moves their cursor; a UI seek moves the debugger', async () => {
    const p2m = await api();
    await vscode.commands.executeCommand(Commands.closeTrace);
    const stops: number[] = [];
    const sub = vscode.debug.onDidReceiveDebugSessionCustomEvent(e => {
      if (e.event === 'p2m.cursor') stops.push((e.body as { op: number }).op);
    });
    try {
      const ok = await vscode.debug.startDebugging(undefined,
        { type: 'p2m', request: 'launch', name: 'follow', trace: seedUri().fsPath, stopOnEntry: false, stopAtLine: 10 });
      assert.strictEqual(ok, true);
      const s = await waitFor('the views to adopt the debugged trace', () => p2m.ui.session.session?.summary.name === SEED && p2m.ui.session.session, 30_000);
      const target = (await p2m.ui.session.query('opForLine', { line: 10 })) - 1; // stopped before the op on line 10
      await waitFor(`the views' cursor at the debugger's position ${target} (stops: ${stops})`, () => s.cursor.position === target, 15_000);
      // The tree shows the state before the remap: the 1G block is still there.
      const [dom] = await p2m.ui.tree.getChildren();
      const [r0] = await p2m.ui.tree.getChildren(dom);
      assert.ok((await labelsOf(r0)).includes('0x40000–0x7ffff: 1G ram_rw, MFN 0x100000'));
      // A seek in the UI (a click in the trace log) moves the debugger too.
      const before = stops.length;
      await p2m.ui.session.seek(0);
      await waitFor('the debugger to report the moved cursor', () => stops.slice(before).includes(0), 10_000);
    } finally {
      sub.dispose();
      const d = vscode.debug.activeDebugSession;
      if (d) await vscode.debug.stopDebugging(d);
    }
  });
});
