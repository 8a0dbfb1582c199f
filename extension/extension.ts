// Extension host entry (dist/extension.js). Wires the pieces together and nothing more:
// trace state, the Guest Physical Address Space tree (view p2m.gpaSpace), the status bar,
// the command table, and Xen-console detection for *.log files.
// Activation is on our languages, commands and view only (package.json).
import * as vscode from 'vscode';
import type { P2mApi } from './api';
import { registerCommands } from './commands';
import { GpaTreeProvider } from './gpa-tree';
import { Views } from './ids';
import { registerLogLanguageDetection } from './log-language';
import { createStatusBar } from './status-bar';
import { TraceLogPanel } from './trace-log-panel';
import { TraceState } from './trace-state';

export function activate(context: vscode.ExtensionContext): P2mApi {
  try {
    const state = new TraceState();
    const gpaTree = new GpaTreeProvider(state);
    context.subscriptions.push(
      state,
      gpaTree,
      vscode.window.createTreeView(Views.gpaSpace, { treeDataProvider: gpaTree, showCollapseAll: true }),
      createStatusBar(state),
      ...registerCommands({ extensionUri: context.extensionUri, state }),
      registerLogLanguageDetection(),
    );
    return { state, gpaTree, traceLogPanel: () => TraceLogPanel.instance };
  } catch (e) {
    // An activation error would otherwise only reach the extension host log.
    void vscode.window.showErrorMessage(`P2M Debugger failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {}
