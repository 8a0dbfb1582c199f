// Reload on change (issue 10, "never losing the user's work"): watches the loaded trace file
// and reloads it when it changes on disk. Bursts of writes (a trace being appended) are
// debounced: one reload after p2m.reloadDebounceMs of quiet, or at the latest after 4× that
// while writes keep coming. The reload goes through TraceSession.load, so the last good
// session stays visible until the new one is ready and a failed reload keeps it; the error
// (with the location the reader gave) is shown and kept in `lastError`. The cursor position
// is kept when it is still in range, and so is the session's mode (full or index-only).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActiveSession, TraceSession } from './trace-session';

export interface ReloadOutcome { uri: string; ok: boolean; error?: string; opCount?: number; position?: number }

export class TraceReloader implements vscode.Disposable {
  private watcher: vscode.Disposable | undefined;
  private watched: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstChange = 0;
  private running: Promise<void> | undefined;
  private again = false;
  /** The last reload's result (tests and the output channel). */
  lastOutcome: ReloadOutcome | undefined;
  private readonly emitter = new vscode.EventEmitter<ReloadOutcome>();
  readonly onDidReload = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly session: TraceSession, private readonly output: vscode.OutputChannel) {
    this.subs.push(session.onDidChangeSession(s => this.follow(s)));
  }

  private follow(s: ActiveSession | undefined): void {
    const file = s?.uri.fsPath;
    if (file === this.watched) return;
    this.unwatch();
    if (!file) return;
    this.watched = file;
    // A RelativePattern on the file's own folder also works for files outside the workspace.
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const onEvent = () => this.changed();
    // The editor-independent node watcher as well: the VS Code watcher can miss files outside
    // the workspace on some hosts; duplicates are harmless (debounced).
    let nodeWatch: fs.FSWatcher | undefined;
    try { nodeWatch = fs.watch(file, { persistent: false }, onEvent); nodeWatch.on('error', () => undefined); } catch { /* watcher not available */ }
    this.watcher = vscode.Disposable.from(w, w.onDidChange(onEvent), w.onDidCreate(onEvent), { dispose: () => nodeWatch?.close() });
  }

  private unwatch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    this.watched = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(): void {
    if (!vscode.workspace.getConfiguration('p2m').get<boolean>('reloadOnChange', true)) return;
    const quiet = vscode.workspace.getConfiguration('p2m').get<number>('reloadDebounceMs', 750);
    const now = Date.now();
    if (!this.timer) this.firstChange = now;
    else clearTimeout(this.timer);
    // Trailing debounce with a ceiling, so a file appended without pause still reloads.
    const wait = Math.max(0, Math.min(quiet, this.firstChange + 4 * quiet - now));
    this.timer = setTimeout(() => { this.timer = undefined; void this.reload(); }, wait);
  }

  /** Reload the current trace now (also the command behind the watcher). */
  reload(): Promise<void> {
    if (this.running) { this.again = true; return this.running; }
    this.running = this.doReload().finally(() => {
      this.running = undefined;
      if (this.again) { this.again = false; void this.reload(); }
    });
    return this.running;
  }

  private async doReload(): Promise<void> {
    const s = this.session.session;
    if (!s || !fs.existsSync(s.uri.fsPath)) return;
    const position = s.cursor.position;
    const name = path.basename(s.uri.fsPath);
    this.output.appendLine(`${name} changed on disk: reloading (cursor at op ${position})`);
    let outcome: ReloadOutcome;
    try {
      const n = await this.session.load(s.uri, { mode: s.mode, position });
      if (!n) return; // superseded by another load or cancelled
      outcome = { uri: s.uri.toString(), ok: true, opCount: n.summary.opCount, position: n.cursor.position };
      this.output.appendLine(`reloaded ${name}: ${n.summary.opCount} ops, cursor at op ${n.cursor.position}`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      outcome = { uri: s.uri.toString(), ok: false, error };
      this.output.appendLine(`reload of ${name} failed, keeping the loaded session: ${error}`);
      void vscode.window.showErrorMessage(`P2M: reloading ${name} failed; the previous session stays loaded. ${error}`);
    }
    this.lastOutcome = outcome;
    this.emitter.fire(outcome);
  }

  dispose(): void {
    this.unwatch();
    for (const d of this.subs) d.dispose();
    this.emitter.dispose();
  }
}
