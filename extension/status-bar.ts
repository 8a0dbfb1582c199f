// Status-bar item `p2m.status`: shows that the extension is active and which trace is loaded;
// clicking it opens the trace log. The e2e test waits for it as its "extension activated" signal.
import * as vscode from 'vscode';
import { Commands } from './ids';
import type { TraceState } from './trace-state';

export function createStatusBar(state: TraceState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('p2m.status', vscode.StatusBarAlignment.Left, 100);
  item.name = 'P2M Debugger';
  item.command = Commands.showTraceLog;
  const render = () => {
    const t = state.trace;
    item.text = t ? `$(layers) P2M: ${t.info.name}` : '$(layers) P2M';
    item.tooltip = t ? `P2M Debugger: ${t.info.uri}\nClick to open the trace log` : 'P2M Debugger: no trace loaded';
  };
  render();
  item.show();
  const sub = state.onDidChange(render);
  return vscode.Disposable.from(item, sub);
}
