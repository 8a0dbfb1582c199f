// Wires the UI issue's pieces into the extension host: the trace session (worker), the
// "Guest Physical Address Space" tree (p2m.gpaSpace), the "Regions" view (p2m.regions), the
// status item, the trace-log webview host, debugger following and the command table.
// extension.ts calls activateUi once; the returned handle is part of the extension API the
// extension-host tests use.

import * as vscode from 'vscode';
import { TraceLogHost } from '../panel/trace-log-host';
import { followDebugger } from '../session/debug-follow';
import { TraceReloader } from '../session/trace-reloader';
import { TraceSession } from '../session/trace-session';
import { AddressSpaceTree } from '../views/address-space-tree';
import { trackEditorCursor } from '../views/editor-cursor';
import { RegionsView } from '../views/regions-view';
import { createStatusItem } from '../views/status-item';
import { registerCommandTable, whyDisabled, type UiContext } from './command-table';
import { UI_COMMANDS } from './index';
import { UiCommands } from './ui-command-ids';

export const UiViews = { gpaSpace: 'p2m.gpaSpace', regions: 'p2m.regions' } as const;

export interface UiHandle {
  readonly session: TraceSession;
  readonly tree: AddressSpaceTree;
  readonly treeView: vscode.TreeView<unknown>;
  readonly regions: RegionsView;
  readonly status: vscode.StatusBarItem;
  /** Reloads the session's trace when the file changes on disk. */
  readonly reloader: TraceReloader;
  traceLog(): TraceLogHost | undefined;
  /** Why a UI command is disabled right now (undefined = it can run). */
  whyDisabled(commandId: string): string | undefined;
}

export function activateUi(context: vscode.ExtensionContext): UiHandle {
  const output = vscode.window.createOutputChannel('P2M');
  const session = new TraceSession(context.asAbsolutePath('dist/session-worker.js'));
  const tree = new AddressSpaceTree(session);
  const treeView = vscode.window.createTreeView(UiViews.gpaSpace, { treeDataProvider: tree, showCollapseAll: true });
  tree.view = treeView;
  const regions = new RegionsView(session);
  const regionsView = vscode.window.createTreeView(UiViews.regions, { treeDataProvider: regions });
  regions.view = regionsView;
  const status = createStatusItem(session, UiCommands.showTraceLog);
  const reloader = new TraceReloader(session, output);
  const ctx: UiContext = {
    extensionUri: context.extensionUri, session, tree, regions, output,
    showLog: () => TraceLogHost.show(context.extensionUri, session, output),
  };
  context.subscriptions.push(
    output, session, tree, treeView, regions, regionsView, status, reloader,
    followDebugger(session),
    trackEditorCursor(session),
    ...registerCommandTable(UI_COMMANDS, ctx),
    // The tree's title shows where the cursor is, so the position is visible without the log.
    session.onDidMoveCursor(c => { treeView.description = `op ${c.position} of ${c.opCount}`; }),
    session.onDidChangeSession(s => { if (!s) treeView.description = undefined; }),
  );
  return {
    session, tree, treeView: treeView as vscode.TreeView<unknown>, regions, status: status.item, reloader,
    traceLog: () => TraceLogHost.instance,
    whyDisabled: id => whyDisabled(UI_COMMANDS, ctx, id),
  };
}
