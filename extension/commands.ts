// Command table: every `p2m.*` command is a factory `(ctx) => handler`, registered in one loop.
// Commands: p2m.openSample, p2m.loadTrace, p2m.showTraceLog (ids in ./ids.ts).
// A command whose precondition is missing tells the user why instead of throwing.
import * as vscode from 'vscode';
import { BUILTIN_SAMPLE, BUILTIN_SAMPLE_NAME } from './builtin-sample';
import { Commands, Languages, type CommandId } from './ids';
import { TraceLogPanel } from './trace-log-panel';
import type { TraceState } from './trace-state';

export interface CommandContext {
  readonly extensionUri: vscode.Uri;
  readonly state: TraceState;
}

type Handler = (...args: unknown[]) => unknown;

/** Files the trace commands offer; `.log` is included only when the user picks it explicitly. */
const TRACE_GLOB = '**/*.{p2mtrace,xenlog,xenalyze.txt}';
const OPEN_FILTERS: Record<string, string[]> = {
  'Trace files': ['p2mtrace', 'xenlog', 'log', 'txt'],
  'All files': ['*'],
};

async function openTrace(ctx: CommandContext, uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  await ctx.state.load(doc);
  return doc;
}

async function openBuiltinSample(ctx: CommandContext): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: Languages.p2mtrace, content: BUILTIN_SAMPLE });
  await vscode.window.showTextDocument(doc, { preview: false });
  await ctx.state.load(doc);
  void vscode.window.showInformationMessage(
    `P2M: no trace files in this workspace, so a built-in ${BUILTIN_SAMPLE_NAME} was opened.`);
  return doc;
}

/** Sample files first (a `samples/` folder), then by path. */
function rankSamples(uris: readonly vscode.Uri[]): vscode.Uri[] {
  const inSamples = (u: vscode.Uri) => (/\/samples\//.test(u.path) ? 0 : 1);
  return [...uris].sort((a, b) => inSamples(a) - inSamples(b) || a.path.localeCompare(b.path));
}

const factories: Record<CommandId, (ctx: CommandContext) => Handler> = {
  [Commands.openSample]: ctx => async (arg?: unknown) => {
    if (arg instanceof vscode.Uri) return openTrace(ctx, arg);
    const found = rankSamples(await vscode.workspace.findFiles(TRACE_GLOB, '**/node_modules/**', 500));
    if (found.length === 0) return openBuiltinSample(ctx);
    if (found.length === 1) return openTrace(ctx, found[0]);
    const pick = await vscode.window.showQuickPick(
      found.map(uri => ({ label: uri.path.split('/').pop() ?? uri.path, description: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'P2M: Open Sample Trace', placeHolder: 'Choose a trace file' });
    return pick ? openTrace(ctx, pick.uri) : undefined;
  },

  [Commands.loadTrace]: ctx => async (arg?: unknown) => {
    if (arg instanceof vscode.Uri) return openTrace(ctx, arg);
    const picked = await vscode.window.showOpenDialog({
      title: 'P2M: Load Trace', canSelectMany: false, openLabel: 'Load Trace', filters: OPEN_FILTERS,
    });
    return picked?.[0] ? openTrace(ctx, picked[0]) : undefined;
  },

  [Commands.showTraceLog]: ctx => () => {
    const panel = TraceLogPanel.show(ctx.extensionUri, ctx.state);
    if (!ctx.state.trace) {
      void vscode.window.showInformationMessage('P2M: no trace loaded yet. Use "P2M: Open Sample Trace" or "P2M: Load Trace…" to fill the log.');
    }
    return panel;
  },
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(factories).map(([id, make]) => {
    const handler = make(ctx);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        // Surface failures to the user; tests still see the rejection.
        void vscode.window.showErrorMessage(`${id} failed: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    });
  });
}
