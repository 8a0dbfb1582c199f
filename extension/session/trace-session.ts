// The trace session model on the extension host: "Load trace" means one session. It owns the
// session worker, shows the cancellable load progress (bytes, records, ops), holds the cursor
// state and fires events the tree, regions view, status bar and trace log follow.
// Context keys it drives: p2m.trace.loaded, p2m.session.loading, p2m.session.atStart,
// p2m.session.atEnd. Settings read: p2m.snapshotInterval, p2m.ipaBits, p2m.strategy, p2m.defaultArch,
// p2m.indexOnlyThresholdMB and p2m.largeTraceMode (full or index-only load of a big trace).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DETECT_BYTES, detectFormat } from '../../engine/trace/detect';
import type { CursorState } from './view-data';
import { WorkerClient } from './worker-client';
import type { LoadSummary, ParamsOf, ResultOf, WorkerMethod } from './worker-protocol';

export const SessionContext = {
  loaded: 'p2m.trace.loaded',
  loading: 'p2m.session.loading',
  atStart: 'p2m.session.atStart',
  atEnd: 'p2m.session.atEnd',
} as const;

export interface ActiveSession {
  readonly uri: vscode.Uri;
  readonly summary: LoadSummary;
  cursor: CursorState;
  /** 'index' for an index-only session (index-only-session.ts). */
  readonly mode: LoadMode;
}

export type LoadMode = 'full' | 'index';

export interface LoadRequest {
  /** Preselects the answer for traces over p2m.indexOnlyThresholdMB (tests, CI, reload). */
  mode?: LoadMode;
  /** Cursor position to restore after loading (kept when in range, else the end). */
  position?: number;
}

export class TraceSession implements vscode.Disposable {
  private client: WorkerClient | undefined;
  /** The worker of a load in progress (becomes `client` when it is ready). */
  private pendingClient: WorkerClient | undefined;
  private active: ActiveSession | undefined;
  private loadingUri: vscode.Uri | undefined;
  private readonly output: vscode.OutputChannel;
  private readonly loadedEmitter = new vscode.EventEmitter<ActiveSession | undefined>();
  private readonly cursorEmitter = new vscode.EventEmitter<CursorState>();
  /** Fires after load (session) and close (undefined). */
  readonly onDidChangeSession = this.loadedEmitter.event;
  /** Fires after every cursor move. */
  readonly onDidMoveCursor = this.cursorEmitter.event;
  /** Why the last onDidMoveCursor fired: a new session ('load') or a seek. */
  lastMoveReason: 'load' | 'seek' = 'load';
  /** Serialises cursor moves so rapid key repeats apply in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly workerPath: string) {
    this.output = vscode.window.createOutputChannel('P2M Session');
    void this.updateContext();
  }

  get session(): ActiveSession | undefined { return this.active; }
  get isLoading(): boolean { return this.loadingUri !== undefined; }

  /**
   * Load a trace file as the new session. The current session stays visible (and usable) until
   * the new one is ready; a cancelled or failed load leaves it in place. A second load while one
   * is running cancels the first. Resolves undefined when cancelled.
   */
  async load(uri: vscode.Uri, req: LoadRequest = {}): Promise<ActiveSession | undefined> {
    if (uri.scheme !== 'file') throw new Error(`P2M can load only files on disk (got ${uri.scheme}:)`);
    const cfg = vscode.workspace.getConfiguration('p2m');
    const mode = req.mode ?? await chooseMode(uri, cfg);
    if (!mode) return undefined; // the user cancelled the large-trace prompt
    void this.pendingClient?.dispose(); // cancels an earlier load still in flight
    const client = new WorkerClient(this.workerPath, (level, msg) => this.output.appendLine(`[worker ${level}] ${msg}`));
    this.pendingClient = client;
    this.loadingUri = uri;
    await this.updateContext();
    let loaded: ActiveSession | undefined;
    try {
      const summary = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, cancellable: true,
        title: `P2M: loading ${path.basename(uri.fsPath)}`,
      }, async (progress, token) => {
        token.onCancellationRequested(() => { void client.dispose(); });
        let last = 0;
        return client.request('load', {
          path: uri.fsPath,
          arch: cfg.get<'arm' | 'x86'>('defaultArch', 'arm'),
          ipaBits: cfg.get<number>('ipaBits', 40),
          strategy: cfg.get<string>('strategy', 'upstream'),
          snapshotInterval: cfg.get<number>('snapshotInterval', 2048),
          mode,
        }, {
          timeoutMs: 0, // big traces take what they take; the user can cancel
          onProgress: p => {
            const pct = p.phase === 'read' && p.totalBytes ? (p.bytes / p.totalBytes) * 40
              : p.phase === 'parse' ? 50 : 50 + (p.totalOps ? (p.ops / p.totalOps) * 50 : 0);
            progress.report({
              increment: Math.max(0, pct - last),
              message: `${mode === 'index' ? 'index only, ' : ''}${p.phase}: ${fmtBytes(p.bytes)} of ${fmtBytes(p.totalBytes)}, ${p.records} records` +
                (p.totalOps ? `, ${p.ops}/${p.totalOps} ops` : ''),
            });
            last = Math.max(last, pct);
          },
        });
      });
      const keep = req.position !== undefined && req.position <= summary.opCount ? req.position : summary.opCount;
      const cursor = await client.request('seek', { position: keep }, { timeoutMs: 0 });
      if (this.pendingClient !== client) { await client.dispose(); return undefined; } // superseded
      // Swap: the new session replaces the old one only now that it is ready.
      const old = this.client;
      this.client = client;
      this.active = loaded = { uri, summary, cursor, mode };
      if (old) void old.dispose();
      this.output.appendLine(`loaded ${uri.fsPath}${mode === 'index' ? ' (index only)' : ''}: ${summary.opCount} ops, ${summary.eventCount} events, ` +
        `${summary.violations} violations (parse ${summary.parseMs} ms, replay ${summary.replayMs} ms)`);
      if (summary.indexOnly) this.output.appendLine(`  ${summary.indexOnly}`);
      for (const d of summary.parseDiagnostics) this.output.appendLine(`  ${d}`);
      return loaded;
    } catch (e) {
      void client.dispose();
      if (e instanceof Error && /session closed|exited|not running/.test(e.message)) return undefined; // cancelled
      throw e;
    } finally {
      if (this.pendingClient === client) { this.pendingClient = undefined; this.loadingUri = undefined; }
      await this.updateContext();
      if (loaded) {
        this.loadedEmitter.fire(loaded);
        this.lastMoveReason = 'load';
        this.cursorEmitter.fire(loaded.cursor);
      }
    }
  }

  async close(): Promise<void> {
    void this.pendingClient?.dispose();
    const c = this.client;
    const had = this.active !== undefined;
    this.client = undefined;
    this.active = undefined;
    if (c) await c.dispose();
    await this.updateContext();
    if (had) this.loadedEmitter.fire(undefined);
  }

  /** Typed query to the worker for the current session. */
  query<M extends WorkerMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (!this.client || !this.active) return Promise.reject(new Error('no trace session'));
    return this.client.request(method, params);
  }

  /** Move the cursor to `position` (ops applied), clamped; views follow through onDidMoveCursor. */
  seek(position: number): Promise<CursorState> {
    return this.enqueue(() => this.doSeek(position));
  }

  /** Relative move; the base position is read when the previous move has landed. */
  step(delta: number): Promise<CursorState> {
    return this.enqueue(() => this.doSeek((this.active?.cursor.position ?? 0) + delta));
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const p = this.queue.then(job, job);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async doSeek(position: number): Promise<CursorState> {
    const s = this.active;
    if (!s) throw new Error('no trace session');
    let cursor: CursorState;
    try {
      cursor = await this.query('seek', { position: Math.max(0, Math.min(s.summary.opCount, position)) });
    } catch (e) {
      // A load finished (or the trace was closed) while this move was in flight: its worker
      // was stopped under it. The move is moot, not an error — a step pressed during a load
      // must not pop up "session closed".
      if (this.active !== s) return this.active?.cursor ?? s.cursor;
      throw e;
    }
    if (this.active !== s) return cursor;
    s.cursor = cursor;
    await this.updateContext();
    this.lastMoveReason = 'seek';
    this.cursorEmitter.fire(cursor);
    return cursor;
  }

  private async updateContext(): Promise<void> {
    const s = this.active;
    const set = (k: string, v: boolean) => vscode.commands.executeCommand('setContext', k, v);
    await Promise.all([
      set(SessionContext.loaded, !!s),
      set(SessionContext.loading, this.isLoading),
      set(SessionContext.atStart, !!s && s.cursor.position === 0),
      set(SessionContext.atEnd, !!s && s.cursor.position === s.summary.opCount),
    ]);
  }

  dispose(): void {
    void this.close();
    this.loadedEmitter.dispose();
    this.cursorEmitter.dispose();
    this.output.dispose();
  }
}

/**
 * Full or index-only for this file: full under p2m.indexOnlyThresholdMB; over it the
 * p2m.largeTraceMode setting, or the user's answer (undefined = cancelled).
 */
async function chooseMode(uri: vscode.Uri, cfg: vscode.WorkspaceConfiguration): Promise<LoadMode | undefined> {
  let size = 0;
  try { size = fs.statSync(uri.fsPath).size; } catch { return 'full'; } // the worker reports the error
  const limitMb = cfg.get<number>('indexOnlyThresholdMB', 512);
  if (size <= limitMb * 2 ** 20) return 'full';
  // Index-only reads .p2mtrace text only (index-only-reader.ts): other formats load fully.
  if (sniffFormat(uri.fsPath) !== 'p2mtrace') return 'full';
  const preset = cfg.get<string>('largeTraceMode', 'ask');
  if (preset === 'full' || preset === 'index') return preset;
  const full = 'Load fully', index = 'Index only';
  const pick = await vscode.window.showWarningMessage(
    `${path.basename(uri.fsPath)} is ${fmtBytes(size)} (over p2m.indexOnlyThresholdMB = ${limitMb} MiB). ` +
    'Index only streams it once and keeps an op index and the final state: no BBM checker results or plots; ' +
    'micro-operations are recomputed when you expand a row.', { modal: true }, full, index);
  return pick === full ? 'full' : pick === index ? 'index' : undefined;
}

function sniffFormat(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(DETECT_BYTES);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return detectFormat(head.subarray(0, n), path.basename(file)).format;
    } finally { fs.closeSync(fd); }
  } catch { return undefined; }
}

export function isLargeTrace(file: string): boolean {
  try {
    return fs.statSync(file).size > vscode.workspace.getConfiguration('p2m').get<number>('indexOnlyThresholdMB', 512) * 2 ** 20;
  } catch { return false; }
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 2 ** 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}
