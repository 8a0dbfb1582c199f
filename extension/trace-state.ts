// The "current trace": the one document the P2M views describe. Commands set it; the tree,
// status bar and trace-log panel listen to `onDidChange`. Also keeps the context key
// `p2m.trace.loaded` in sync so `when` clauses (welcome view, menus) can use it.
import * as vscode from 'vscode';
import { ContextKeys } from './ids';
import type { TraceInfo } from './protocol';
import { summarizeTrace, type TraceSummary } from './trace-summary';

export interface LoadedTrace {
  readonly info: TraceInfo;
  readonly summary: TraceSummary;
}

export class TraceState implements vscode.Disposable {
  private current: LoadedTrace | null = null;
  private readonly emitter = new vscode.EventEmitter<LoadedTrace | null>();
  readonly onDidChange = this.emitter.event;

  get trace(): LoadedTrace | null { return this.current; }

  /** Make `doc` the current trace. */
  async load(doc: vscode.TextDocument): Promise<LoadedTrace> {
    const summary = summarizeTrace(doc.getText(), doc.languageId);
    const info: TraceInfo = {
      name: doc.uri.path.split('/').pop() || doc.uri.toString(),
      uri: doc.uri.toString(),
      languageId: doc.languageId,
      // Not doc.lineCount: the editor counts the empty "line" after a final newline.
      lineCount: summary.lineCount,
    };
    this.current = { info, summary };
    await vscode.commands.executeCommand('setContext', ContextKeys.traceLoaded, true);
    this.emitter.fire(this.current);
    return this.current;
  }

  dispose(): void { this.emitter.dispose(); }
}
