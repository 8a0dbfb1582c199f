// Marks the replay cursor in the trace editor: the line of the last applied operation gets a
// whole-line highlight and an after-text "◀ op N of M", so stepping in the tree, the trace log
// or the debugger is visible in the source too. Follows TraceSession cursor moves.

import * as vscode from 'vscode';
import type { TraceSession } from '../session/trace-session';

export function trackEditorCursor(session: TraceSession): vscode.Disposable {
  const deco = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorCursor.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  const paint = () => {
    const s = session.session;
    for (const ed of vscode.window.visibleTextEditors) {
      if (!s || ed.document.uri.fsPath !== s.uri.fsPath || !s.cursor.line || s.cursor.line > ed.document.lineCount) {
        ed.setDecorations(deco, []);
        continue;
      }
      const line = s.cursor.line - 1;
      ed.setDecorations(deco, [{
        range: new vscode.Range(line, 0, line, 0),
        renderOptions: { after: { contentText: `  ◀ op ${s.cursor.position} of ${s.cursor.opCount}`, color: new vscode.ThemeColor('editorCodeLens.foreground') } },
      }]);
    }
  };
  return vscode.Disposable.from(
    deco,
    session.onDidMoveCursor(paint),
    session.onDidChangeSession(paint),
    vscode.window.onDidChangeVisibleTextEditors(paint),
  );
}
