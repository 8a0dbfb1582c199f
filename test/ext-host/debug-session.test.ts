// Debugger suite, run inside a real extension host: a `p2m` debug session starts through
// the VS Code debug API, stops at a gutter breakpoint on a trace line, shows the simulated
// call stack, evaluates in the debug console, steps back, and ends.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, scratchFile, waitFor } from './helpers';

const TRACE = [
  'config ipa_bits=40',
  'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx',
  'p2m_set_entry gfn=0x40201 nr=0x1 mfn=0x300000 t=ram_rw a=rwx',
  'p2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000 t=ram_rw a=rwx',
  '',
].join('\n');

suite('debugger: p2m debug session in the real VS Code', () => {
  const stops: Array<{ session: vscode.DebugSession; body: { reason: string; threadId?: number } }> = [];
  let tracker: vscode.Disposable | undefined;

  suiteSetup(async () => {
    await api();
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('p2m', {
      createDebugAdapterTracker: session => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { reason: string; threadId?: number } }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, body: m.body });
        },
      }),
    });
  });
  suiteTeardown(() => { tracker?.dispose(); vscode.debug.removeBreakpoints(vscode.debug.breakpoints); });

  test('starts, stops at a line breakpoint, shows the Xen call stack, evaluates, steps back', async () => {
    const uri = scratchFile('debug-me.p2mtrace', TRACE);
    const bp = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(2, 0)));
    vscode.debug.addBreakpoints([bp]);
    const ok = await vscode.debug.startDebugging(undefined, { type: 'p2m', request: 'launch', name: 'ext-host p2m', trace: uri.fsPath });
    assert.strictEqual(ok, true, 'startDebugging failed');
    const stop = await waitFor('a stopped event', () => stops.find(s => s.body.reason === 'breakpoint'), 20_000);
    const session = stop.session;
    const st = await session.customRequest('stackTrace', { threadId: stop.body.threadId ?? 2 }) as { stackFrames: { name: string; line: number }[] };
    assert.strictEqual(st.stackFrames[0].line, 3);
    assert.strictEqual(st.stackFrames[st.stackFrames.length - 1].name, 'p2m_set_entry');
    const ev = await session.customRequest('evaluate', { expression: 'lookup 0x40201', context: 'repl' }) as { result: string };
    assert.match(ev.result, /mfn 0x100201/);
    const before = stops.length;
    await session.customRequest('stepBack', { threadId: stop.body.threadId ?? 2 });
    await waitFor('the stop after step back', () => stops.length > before);
    const st2 = await session.customRequest('stackTrace', { threadId: stop.body.threadId ?? 2 }) as { stackFrames: { line: number }[] };
    assert.strictEqual(st2.stackFrames[0].line, 2);
    const ended = new Promise<void>(r => { const d = vscode.debug.onDidTerminateDebugSession(s => { if (s.id === session.id) { d.dispose(); r(); } }); });
    await vscode.debug.stopDebugging(session);
    await ended;
  });
});
