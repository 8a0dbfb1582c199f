// Extension host entry (dist/extension.js). Placeholder until the Foundation/UI issues fill it.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const status = vscode.window.createStatusBarItem('p2m.status', vscode.StatusBarAlignment.Left, 100);
  status.text = '$(layers) P2M';
  status.show();
  context.subscriptions.push(status);
}

export function deactivate(): void {}
