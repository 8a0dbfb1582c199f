// VS Code side of the `p2m` debugger: the inline debug adapter (default) or the standalone
// dist/debug-adapter.js (setting `P2M_DEBUG_ADAPTER=process`), configuration provider and
// snippets, the "P2M: Debug This Trace" / "Debug from here" commands, and the cursor sync
// (the adapter's `p2m.cursor` events become `onDidMoveCursor`, which the tree view and trace
// log follow; `moveCursor` sends the UI's clicks back to the session).
//
// Drives: debug type `p2m`; commands p2m.debugThisTrace, p2m.debugFromLine.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { CURSOR_EVENT, MOVE_CURSOR_REQUEST, P2mDebugSession, type CursorEventBody } from './p2m-session';
import type { P2mLaunchArgs } from './launch-args';

import { DebugCommands } from './debug-command-ids';

export const DEBUG_TYPE = 'p2m';
export { DebugCommands };
const TRACE_LANGS = new Set(['p2mtrace', 'xenalyze', 'xen-console']);

export interface DebugApi {
  /** Fires when a `p2m` session stops somewhere (views follow the cursor). */
  readonly onDidMoveCursor: vscode.Event<CursorEventBody & { session: vscode.DebugSession }>;
  /** Move the active `p2m` session's cursor (a click in the trace log). */
  moveCursor(op: number, event?: number): Thenable<void>;
}

type LaunchConfig = vscode.DebugConfiguration & Partial<P2mLaunchArgs>;

function traceUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const ed = vscode.window.activeTextEditor;
  return ed && (TRACE_LANGS.has(ed.document.languageId) || ed.document.uri.fsPath.endsWith('.p2mtrace')) ? ed.document.uri : undefined;
}

function launchConfig(uri: vscode.Uri, extra: Partial<P2mLaunchArgs> = {}): LaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${path.basename(uri.fsPath)}`, trace: uri.fsPath, stopOnEntry: true, ...extra };
}

class ConfigProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'P2M: Debug trace', trace: '${file}', stopOnEntry: true }];
  }
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: LaunchConfig): LaunchConfig | undefined {
    // F5 without a launch.json: debug the trace in the active editor.
    if (!config.type && !config.request && !config.name) {
      const uri = traceUri(undefined);
      if (uri) return launchConfig(uri);
    }
    if (!config.trace) {
      const uri = traceUri(undefined);
      if (!uri) {
        void vscode.window.showInformationMessage('P2M: open a trace file (.p2mtrace, xenalyze dump, Xen console log) or set "trace" in the launch configuration.');
        return undefined;
      }
      config.trace = uri.fsPath;
    }
    return config;
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}
  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    // Inline by default: no extra process, same code as the standalone adapter.
    if (process.env.P2M_DEBUG_ADAPTER === 'process') {
      return new vscode.DebugAdapterExecutable(process.execPath, [path.join(this.extensionPath, 'dist', 'debug-adapter.js')]);
    }
    return new vscode.DebugAdapterInlineImplementation(new P2mDebugSession());
  }
}

export function activateDebug(context: vscode.ExtensionContext): DebugApi {
  const moved = new vscode.EventEmitter<CursorEventBody & { session: vscode.DebugSession }>();
  context.subscriptions.push(
    moved,
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context.extensionPath)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigProvider()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations: () => {
        const uri = traceUri(undefined);
        return uri ? [launchConfig(uri)] : [];
      },
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.commands.registerCommand(DebugCommands.debugThisTrace, async (arg?: unknown) => {
      const uri = traceUri(arg);
      if (!uri) { void vscode.window.showInformationMessage('P2M: Debug This Trace needs an open trace file.'); return false; }
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), launchConfig(uri));
    }),
    vscode.commands.registerCommand(DebugCommands.debugFromLine, async (arg?: unknown, line?: number) => {
      const uri = traceUri(arg);
      if (!uri) { void vscode.window.showInformationMessage('P2M: Debug from here needs an open trace file.'); return false; }
      const l = line ?? (vscode.window.activeTextEditor?.selection.active.line ?? 0) + 1;
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), launchConfig(uri, { stopOnEntry: false, stopAtLine: l }));
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent(e => {
      if (e.session.type === DEBUG_TYPE && e.event === CURSOR_EVENT) moved.fire({ ...(e.body as CursorEventBody), session: e.session });
    }),
  );
  return {
    onDidMoveCursor: moved.event,
    moveCursor: async (op: number, event = 0) => {
      const s = vscode.debug.activeDebugSession;
      if (s?.type === DEBUG_TYPE) await s.customRequest(MOVE_CURSOR_REQUEST, { op, event });
    },
  };
}
