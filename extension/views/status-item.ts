// Status-bar item `p2m.status`: the domain, the position ("op N of M") and the violation and
// diagnostic counts of the trace session; clicking it opens the trace log. Also the e2e
// tests' signal that the extension is active, and what they read after clicking a log row.

import * as vscode from 'vscode';
import type { TraceSession } from '../session/trace-session';
import type { CursorState } from '../session/view-data';

export function statusText(c: CursorState | undefined, loading: boolean): string {
  if (loading) return '$(sync~spin) P2M: loading…';
  if (!c) return '$(layers) P2M';
  const v = c.violations ? ` $(warning) ${c.violationsSoFar}/${c.violations}` : '';
  const d = c.diagnostics ? ` $(info) ${c.diagnosticsSoFar}/${c.diagnostics}` : '';
  return `$(layers) P2M d${c.domain}: op ${c.position} of ${c.opCount}${v}${d}`;
}

export function createStatusItem(session: TraceSession, openLogCommand: string): vscode.Disposable & { item: vscode.StatusBarItem } {
  const item = vscode.window.createStatusBarItem('p2m.status', vscode.StatusBarAlignment.Left, 100);
  item.name = 'P2M Debugger';
  item.command = openLogCommand;
  const render = () => {
    const s = session.session;
    // Index-only sessions say so: no checker counts exist to show (index-only-session.ts).
    item.text = statusText(s?.cursor, session.isLoading) + (s?.summary.indexOnly && !session.isLoading ? ' $(database) index only' : '');
    item.tooltip = s
      ? `P2M: ${s.summary.name}\nDomain ${s.cursor.domain}, op ${s.cursor.position} of ${s.cursor.opCount}\n` +
        `${s.cursor.violations} violations, ${s.cursor.diagnostics} diagnostics in the trace\n` +
        `${s.summary.indexOnly ? `${s.summary.indexOnly}\n` : ''}Click to open the trace log`
      : 'P2M Debugger: no trace loaded. Click to open the trace log.';
    item.backgroundColor = s && s.cursor.violationsSoFar > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  render();
  item.show();
  const subs = [session.onDidChangeSession(render), session.onDidMoveCursor(render)];
  return { item, dispose: () => { item.dispose(); for (const s of subs) s.dispose(); } };
}
