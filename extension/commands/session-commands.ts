// Session commands: p2m.openSample (bundled samples/), p2m.loadTrace (file picker, explorer
// context menu, editor title), p2m.closeTrace, p2m.showTraceLog.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { TraceLogHost } from '../panel/trace-log-host';
import { isLargeTrace, type LoadRequest } from '../session/trace-session';
import { needSession, type CommandSpec, type UiContext } from './command-table';
import { UiCommands } from './ui-command-ids';

const TEXT_TRACE = /\.(p2mtrace|xenlog|log|txt)$/i;

/** `{ mode: 'index' | 'full' }` as the command's second argument preselects the large-trace choice. */
function loadRequest(arg: unknown): LoadRequest {
  const m = typeof arg === 'object' && arg !== null ? (arg as { mode?: unknown }).mode : undefined;
  return m === 'index' || m === 'full' ? { mode: m } : {};
}

async function loadUri(ctx: UiContext, uri: vscode.Uri, req: LoadRequest = {}): Promise<unknown> {
  // Text traces open in an editor too, so "Replay to Line" and the language server apply;
  // not huge ones (an editor would read the whole file into the extension host).
  if (TEXT_TRACE.test(uri.path) && req.mode !== 'index' && !isLargeTrace(uri.fsPath)) {
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
    } catch {
      // Binary or too large for an editor: the session loads it anyway (the reader decides).
    }
  }
  const s = await ctx.session.load(uri, req);
  if (s) {
    void vscode.commands.executeCommand('p2m.gpaSpace.focus');
    // The editor just covered an open trace log: bring the log back, it follows the new session.
    TraceLogHost.instance?.panel.reveal(undefined, true);
  }
  return s?.summary;
}

/** The samples/ bundled with the extension, else trace files in the workspace. */
async function sampleFiles(ctx: UiContext): Promise<vscode.Uri[]> {
  const dir = vscode.Uri.joinPath(ctx.extensionUri, 'samples');
  try {
    const files = fs.readdirSync(dir.fsPath).filter(f => !f.startsWith('.') && !f.endsWith('.md')).sort();
    if (files.length) return files.map(f => vscode.Uri.joinPath(dir, f));
  } catch { /* not bundled: look in the workspace */ }
  return vscode.workspace.findFiles('**/*.{p2mtrace,xenlog,xentrace}', '**/node_modules/**', 200);
}

export const sessionCommands: CommandSpec[] = [
  {
    id: UiCommands.openSample, title: 'Open Sample Trace',
    make: ctx => async (arg?: unknown) => {
      if (arg instanceof vscode.Uri) return loadUri(ctx, arg);
      const files = await sampleFiles(ctx);
      if (typeof arg === 'string') {
        const f = files.find(u => u.path.endsWith('/' + arg));
        if (!f) throw new Error(`no bundled sample named '${arg}'`);
        return loadUri(ctx, f);
      }
      if (files.length === 0) throw new Error('no sample traces: the extension has no samples/ folder and the workspace has no trace files');
      const pick = await vscode.window.showQuickPick(files.map(uri => ({ label: uri.path.split('/').pop() ?? '', uri })),
        { title: 'P2M: Open Sample Trace', placeHolder: 'Choose a bundled sample trace' });
      return pick ? loadUri(ctx, pick.uri) : undefined;
    },
  },
  {
    id: UiCommands.loadTrace, title: 'Load Trace…',
    make: ctx => async (arg?: unknown, opts?: unknown) => {
      if (arg instanceof vscode.Uri) return loadUri(ctx, arg, loadRequest(opts));
      const picked = await vscode.window.showOpenDialog({
        title: 'P2M: Load Trace', canSelectMany: false, openLabel: 'Load Trace',
        filters: { 'Trace files': ['p2mtrace', 'xenlog', 'log', 'txt', 'bin', 'xentrace'], 'All files': ['*'] },
      });
      return picked?.[0] ? loadUri(ctx, picked[0]) : undefined;
    },
  },
  {
    id: UiCommands.closeTrace, title: 'Close Trace', precondition: needSession,
    make: ctx => async () => { await ctx.session.close(); return true; },
  },
  {
    id: UiCommands.showTraceLog, title: 'Show Trace Log',
    make: ctx => () => ctx.showLog(),
  },
];
