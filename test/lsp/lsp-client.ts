// Test-side LSP client: spawns `node dist/server.js --stdio` and drives it over a real
// JSON-RPC connection (vscode-languageserver-protocol's createProtocolConnection), with
// helpers to open/edit documents and wait for published diagnostics and analysis passes.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection, Diagnostic, InitializeRequest, ProtocolConnection, PublishDiagnosticsNotification,
  PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter, TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { AnalysisDoneNotification, AnalysisDoneParams, LspSettings, TypedRequest } from '../../extension/lsp-protocol';

const ROOT = process.env.P2M_ROOT ?? path.resolve(__dirname, '../..');

export class LspTestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly analyses: AnalysisDoneParams[] = [];
  /** workspace/applyEdit requests the server sent (answered as applied). */
  readonly appliedEdits: unknown[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly versions = new Map<string, number>();
  stderr = '';

  private constructor(readonly proc: ChildProcess, readonly conn: ProtocolConnection) {}

  static async start(settings: LspSettings = {}): Promise<LspTestClient> {
    // Same flags as the extension's client (extension/client/language-client.ts).
    const proc = spawn(process.execPath, ['--expose-gc', path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const c = new LspTestClient(proc, conn);
    proc.stderr!.on('data', d => { c.stderr += String(d); });
    conn.onNotification(PublishDiagnosticsNotification.type, p => { c.diagnostics.set(p.uri, p); c.wake(); });
    conn.onNotification(AnalysisDoneNotification.method, (p: AnalysisDoneParams) => { c.analyses.push(p); c.wake(); });
    conn.onRequest('workspace/applyEdit', (p: unknown) => { c.appliedEdits.push(p); return { applied: true }; });
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings },
    });
    await conn.sendNotification('initialized', {});
    return c;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Wait until `pred` holds, re-checking after every notification. */
  async until<T>(pred: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`);
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  open(uri: string, text: string, languageId = 'p2mtrace'): void {
    this.versions.set(uri, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  close(uri: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Final diagnostics of exactly `version` of `uri` (after its analysis pass has finished). */
  async diagnosticsFor(uri: string, version: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    await this.analysisFor(uri, version, timeoutMs);
    return this.firstDiagnosticsFor(uri, version, timeoutMs);
  }

  /** The first diagnostics published for `version` (may precede the replay's on a big file). */
  firstDiagnosticsFor(uri: string, version: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return this.until(() => {
      const p = this.diagnostics.get(uri);
      return p && p.version === version ? p.diagnostics : undefined;
    }, timeoutMs, `diagnostics of ${uri} v${version}`);
  }

  analysisFor(uri: string, version: number, timeoutMs = 10_000): Promise<AnalysisDoneParams> {
    return this.until(() => this.analyses.find(a => a.uri === uri && a.version === version), timeoutMs, `analysis of ${uri} v${version}`);
  }

  request<P, R>(req: TypedRequest<P, R>, params: P): Promise<R> {
    return this.conn.sendRequest(req.method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise(r => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch { /* already gone */ }
    await new Promise<void>(resolve => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); resolve(); }, 3000);
      this.proc.once('exit', () => { clearTimeout(t); resolve(); });
    });
    this.conn.dispose();
  }
}
