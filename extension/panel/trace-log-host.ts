// Host side of the "P2M Trace Log" webview (view type p2m.traceLog), one instance at a time.
// Serves dist/media only (localResourceRoots), renders the strict-CSP shell, validates every
// message from the webview (unknown or malformed ones are logged and ignored) and answers
// with paged data from the session worker: the host never holds or sends the whole log.
// Follows the replay cursor (posts `cursor` after every move) and the session (re-inits).

import * as vscode from 'vscode';
import type { TraceSession } from '../session/trace-session';
import type { LogFilter } from '../session/view-data';
import { renderWebviewHtml } from '../webview-html';
import { parseTraceLogMessage, type HostToTraceLog, type SessionInfo, type TraceLogToHost } from '../protocol';

export const TRACE_LOG_VIEW_TYPE = 'p2m.traceLog';
export const TRACE_LOG_TITLE = 'P2M Trace Log';

export class TraceLogHost implements vscode.Disposable {
  private static current: TraceLogHost | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  private pendingFilter: LogFilter | undefined;
  /** Resolves once the webview said `ready` and got `init` (tests wait on it). */
  readonly initialized: Promise<void>;
  private resolveInit!: () => void;
  /** Count of rejected webview messages (tests assert that junk is ignored). */
  rejected = 0;

  static show(extensionUri: vscode.Uri, session: TraceSession, log: vscode.OutputChannel): TraceLogHost {
    const cur = TraceLogHost.current;
    if (cur) { cur.panel.reveal(undefined, true); return cur; }
    const mediaRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
    const panel = vscode.window.createWebviewPanel(TRACE_LOG_VIEW_TYPE, TRACE_LOG_TITLE,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
        enableScripts: true, localResourceRoots: [mediaRoot], retainContextWhenHidden: false,
      });
    TraceLogHost.current = new TraceLogHost(panel, mediaRoot, session, log);
    return TraceLogHost.current;
  }

  static get instance(): TraceLogHost | undefined { return TraceLogHost.current; }

  private constructor(readonly panel: vscode.WebviewPanel, mediaRoot: vscode.Uri,
    private readonly session: TraceSession, private readonly log: vscode.OutputChannel) {
    this.initialized = new Promise(r => { this.resolveInit = r; });
    const w = panel.webview;
    const uri = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(mediaRoot, f)).toString();
    w.html = renderWebviewHtml({
      cspSource: w.cspSource, scriptUri: uri('trace-log.js'), styleUri: uri('trace-log.css'),
      codiconUri: uri('codicon.css'), title: TRACE_LOG_TITLE,
    });
    this.subs.push(
      w.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      session.onDidChangeSession(() => { if (this.ready) void this.sendInit(); }),
      session.onDidMoveCursor(c => { if (this.ready) void this.sendCursor(c.position); }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** "Show in Trace Log": filter the log to ops that touched a GFN range. */
  setFilter(filter: LogFilter): void {
    if (this.ready) this.post({ type: 'setFilter', filter });
    else this.pendingFilter = filter;
  }

  private post(m: HostToTraceLog): void { void this.panel.webview.postMessage(m); }

  private info(): SessionInfo | null {
    const s = this.session.session;
    if (!s) return null;
    return {
      name: s.summary.name, opCount: s.summary.opCount, kinds: s.summary.kinds, domains: s.summary.domains,
      pageSize: vscode.workspace.getConfiguration('p2m').get<number>('logPageSize', 200),
    };
  }

  private async sendInit(): Promise<void> {
    this.post({ type: 'init', session: this.info(), cursor: this.session.session?.cursor ?? null });
    if (this.pendingFilter) { this.post({ type: 'setFilter', filter: this.pendingFilter }); this.pendingFilter = undefined; }
  }

  private async sendCursor(position: number): Promise<void> {
    const s = this.session.session;
    if (!s) return;
    const index = await this.session.query('logIndexOf', { op: position - 1 }).catch(() => -1);
    this.post({ type: 'cursor', cursor: s.cursor, index });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseTraceLogMessage(raw);
    if (!m) {
      this.rejected++;
      this.log.appendLine(`[trace log] ignored a message outside the protocol: ${safePreview(raw)}`);
      return;
    }
    try {
      await this.handle(m);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!/no trace session/.test(message)) this.post({ type: 'error', message });
    }
  }

  private async handle(m: TraceLogToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A webview restored after being hidden says `ready` again: answer every time.
        this.ready = true;
        await this.sendInit();
        this.resolveInit();
        break;
      case 'query': {
        const r = await this.session.query('logQuery', { filter: m.filter });
        this.post({ type: 'queryResult', gen: m.gen, total: r.total, cursorIndex: r.cursorIndex });
        break;
      }
      case 'page': {
        const max = vscode.workspace.getConfiguration('p2m').get<number>('logPageSize', 200);
        const page = await this.session.query('logPage', { offset: m.offset, count: Math.min(m.count, max) });
        this.post({ type: 'page', gen: m.gen, page });
        break;
      }
      case 'microOps':
        this.post({ type: 'microOps', op: m.op, rows: await this.session.query('microOps', { op: m.op }) });
        break;
      case 'seek': await this.session.seek(m.position); break;
      case 'plots': this.post({ type: 'plots', data: await this.session.query('plots', { buckets: m.buckets }) }); break;
      case 'compare': this.post({ type: 'strategies', results: await this.session.query('compareStrategies', {}) }); break;
    }
  }

  dispose(): void {
    if (TraceLogHost.current === this) TraceLogHost.current = undefined;
    for (const s of this.subs.splice(0)) s.dispose();
    this.panel.dispose();
  }
}

function safePreview(v: unknown): string {
  try { return JSON.stringify(v).slice(0, 200); } catch { return typeof v; }
}
