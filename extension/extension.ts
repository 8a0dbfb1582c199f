// Extension host entry (dist/extension.js). Wires the pieces together and nothing more:
// the UI (trace session, "Guest Physical Address Space" tree, "Regions" view, status bar,
// trace log, command table: extension/commands/activate-ui.ts), the language client
// (extension/client: dist/server.js for the trace languages; its ~1 MB library is a separate
// bundle, dist/language-client.js, loaded right after activation) and Xen-console detection for
// *.log files. Activation is on our languages, commands and views only (package.json).
import * as vscode from 'vscode';
import type { P2mApi } from './api';
import { startLazyLanguageClient } from './client/lazy-language-client';
import { activateUi } from './commands/activate-ui';
import { activateDebug } from './debug/activate-debug';
import { registerLogLanguageDetection } from './log-language';

export function activate(context: vscode.ExtensionContext): P2mApi {
  try {
    const ui = activateUi(context);
    const languageClient = startLazyLanguageClient(context);
    const debug = activateDebug(context);
    context.subscriptions.push(registerLogLanguageDetection(), languageClient);
    return { ui, languageClient, debug, traceLogPanel: () => ui.traceLog() };
  } catch (e) {
    // An activation error would otherwise only reach the extension host log.
    void vscode.window.showErrorMessage(`P2M Debugger failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {}
