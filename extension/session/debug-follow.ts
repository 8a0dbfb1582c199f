// Keeps the trace session's cursor and a p2m debug session's cursor together, so the tree
// and the trace log follow a stopped debugger, and a click in the trace log moves the
// debugger. Contract with extension/debug/p2m-session.ts:
//   - adapter → UI: custom event `p2m.cursor`, body { op, event, … } (state before op `op`);
//   - UI → adapter: custom request `p2m.moveCursor`, args { op, event }.
// Only `p2m` sessions whose `trace` is the loaded trace are followed.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TraceSession } from './trace-session';

export const CURSOR_EVENT = 'p2m.cursor';
export const MOVE_CURSOR_REQUEST = 'p2m.moveCursor';

export function followDebugger(session: TraceSession): vscode.Disposable {
  let fromDebugger = -1;
  const sameTrace = (s: vscode.DebugSession) => {
    const prog = s.configuration.trace ?? s.configuration.program;
    const cur = session.session?.uri.fsPath;
    if (s.type !== 'p2m' || typeof prog !== 'string' || cur === undefined) return false;
    const base = s.workspaceFolder?.uri.fsPath ?? '';
    return path.resolve(base, prog) === path.resolve(cur);
  };
  return vscode.Disposable.from(
    vscode.debug.onDidReceiveDebugSessionCustomEvent(e => {
      if (e.event !== CURSOR_EVENT || !sameTrace(e.session)) return;
      const op = (e.body as { op?: unknown } | undefined)?.op;
      if (typeof op !== 'number') return;
      fromDebugger = op;
      if (session.session?.cursor.position !== op) void session.seek(op).catch(() => undefined);
    }),
    session.onDidMoveCursor(c => {
      const s = vscode.debug.activeDebugSession;
      // Do not echo a move that came from the debugger itself.
      if (!s || !sameTrace(s) || c.position === fromDebugger) return;
      fromDebugger = c.position;
      void Promise.resolve(s.customRequest(MOVE_CURSOR_REQUEST, { op: c.position, event: 0 })).catch(() => undefined);
    }),
  );
}
