// The "P2M Trace Log" webview panel (view type `p2m.traceLog`), one instance at a time.
// It serves dist/media/trace-log.{js,css} only (localResourceRoots = dist/media) and speaks the
// typed protocol of ./protocol.ts: it waits for the webview's `ready`, then sends `init`, and
// forwards later trace changes as `traceChanged`. The UI issue grows the real log on this.
import * as vscode from 'vscode';
import { Panels } from './ids';
import { isWebviewToHost, type HostToWebview, type TraceInfo } from './protocol';
import type { TraceState } from './trace-state';
import { renderWebviewHtml } from './webview-html';

export const TRACE_LOG_TITLE = 'P2M Trace Log';

export class TraceLogPanel implements vscode.Disposable {
  private static current: TraceLogPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** Resolves when the webview has said `ready` and received `init`; used by tests. */
  readonly initialized: Promise<void>;
  private resolveInit!: () => void;

  /** Show the panel, creating it if needed. */
  static show(extensionUri: vscode.Uri, state: TraceState): TraceLogPanel {
    if (TraceLogPanel.current) {
      TraceLogPanel.current.panel.reveal();
      return TraceLogPanel.current;
    }
    const mediaRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
    const panel = vscode.window.createWebviewPanel(Panels.traceLog, TRACE_LOG_TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      retainContextWhenHidden: false,
    });
    TraceLogPanel.current = new TraceLogPanel(panel, mediaRoot, state);
    return TraceLogPanel.current;
  }

  static get instance(): TraceLogPanel | undefined { return TraceLogPanel.current; }

  private constructor(readonly panel: vscode.WebviewPanel, mediaRoot: vscode.Uri, private readonly state: TraceState) {
    this.initialized = new Promise(r => { this.resolveInit = r; });
    const { webview } = panel;
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'trace-log.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'trace-log.css')).toString(),
      title: TRACE_LOG_TITLE,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((msg: unknown) => this.onMessage(msg)),
      state.onDidChange(t => { if (this.ready) this.post({ type: 'traceChanged', trace: t?.info ?? null }); }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private onMessage(msg: unknown): void {
    if (!isWebviewToHost(msg)) return; // ignore anything not in the protocol
    switch (msg.type) {
      case 'ready':
        // A webview reloaded after being hidden says `ready` again: answer every time.
        this.ready = true;
        this.post({ type: 'init', title: TRACE_LOG_TITLE, trace: this.traceInfo() });
        this.resolveInit();
        break;
    }
  }

  private traceInfo(): TraceInfo | null { return this.state.trace?.info ?? null; }

  private post(msg: HostToWebview): void { void this.panel.webview.postMessage(msg); }

  dispose(): void {
    if (TraceLogPanel.current === this) TraceLogPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
