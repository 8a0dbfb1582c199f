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
  /** Seeks this module is applying on the debugger's behalf: never echo those back. */
  let applying = 0;
  const traceOf = (s: vscode.DebugSession): string | undefined => {
    const prog = s.configuration.trace ?? s.configuration.program;
    if (s.type !== 'p2m' || typeof prog !== 'string') return undefined;
    return path.resolve(s.workspaceFolder?.uri.fsPath ?? '', prog);
  };
  const sameTrace = (s: vscode.DebugSession) => {
    const t = traceOf(s), cur = session.session?.uri.fsPath;
    return t !== undefined && cur !== undefined && t === path.resolve(cur);
  };
  // Debug sessions whose trace we already tried to load into the views (once each).
  const adopted = new Set<string>();
  return vscode.Disposable.from(
    vscode.debug.onDidReceiveDebugSessionCustomEvent(async e => {
      if (e.event !== CURSOR_EVENT) return;
      const op = (e.body as { op?: unknown } | undefined)?.op;
      if (typeof op !== 'number') return;
      if (!sameTrace(e.session)) {
        // Debugging a trace the views do not show: load it once, so they can follow.
        const t = traceOf(e.session);
        if (!t || adopted.has(e.session.id) || session.isLoading) return;
        adopted.add(e.session.id);
        try { if (!(await session.load(vscode.Uri.file(t)))) return; } catch { return; }
      }
      if (session.session?.cursor.position === op) return;
      applying++;
      void session.seek(op).catch(() => undefined).finally(() => { applying--; });
    }),
    session.onDidMoveCursor(c => {
      const s = vscode.debug.activeDebugSession;
      // Only the user's own moves go to the debugger: not a fresh load's initial position,
      // and not a move that came from the debugger itself.
      if (!s || !sameTrace(s) || applying > 0 || session.lastMoveReason !== 'seek') return;
      void Promise.resolve(s.customRequest(MOVE_CURSOR_REQUEST, { op: c.position, event: 0 })).catch(() => undefined);
    }),
  );
}
