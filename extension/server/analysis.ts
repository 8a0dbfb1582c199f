// Per-document analysis state and the pass that recomputes it: split lines, parse to records,
// replay on the engine (resuming from a snapshot before the first edited line), then compose
// and publish diagnostics. One pass per document at a time (see scheduler.ts); a pass checks
// its cancel token between chunks and leaves the previous state untouched when cancelled.
import { Connection, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisDoneNotification, AnalysisDoneParams, LspSettings } from '../lsp-protocol';
import { DocumentParser, ParsedDocument } from './parse-document';
import { CancelToken, yieldToLoop } from './scheduler';
import { DocumentStore } from './document-store';
import { resolveSeverity } from './severity';
import { DocReplay, ReplayDiagnostic, ReplayRunStats, replayDiagnostics } from './replay/doc-replay';
import type { OpInfo } from './replay/types';

export interface DocAnalysis {
  uri: string;
  version: number;
  languageId: string;
  lines: string[];
  parsed: ParsedDocument;
  replay: DocReplay;
  diagnostics: Diagnostic[];
}

/** First passes over more records than this publish parse diagnostics before replaying. */
const EARLY_PUBLISH_RECORDS = 5000;
/** CPU time of this process since `from`, in ms: comparable across machine loads. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return Math.round((d.user + d.system) / 1000);
}

/** Quiet time after the last pass before an explicit garbage collection (ms). */
const IDLE_GC_MS = 1500;
/** Replay diagnostics published per group at most (the rest are counted in one summary). */
const MAX_PER_GROUP = 1000;

export class Analyzer {
  private readonly analyses = new Map<string, DocAnalysis>();
  private readonly parsers = new Map<string, DocumentParser>();
  private readonly replays = new Map<string, DocReplay>();

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly settings: () => LspSettings,
  ) {}

  get(uri: string): DocAnalysis | undefined {
    return this.analyses.get(uri);
  }

  all(): DocAnalysis[] {
    return [...this.analyses.values()];
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
    this.parsers.delete(uri);
    this.replays.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Re-publish every document's diagnostics (settings changed). */
  republish(): void {
    for (const a of this.analyses.values()) {
      a.diagnostics = this.composeDiagnostics(a.lines, a.parsed, a.replay.diagnostics(a.lines));
      void this.connection.sendDiagnostics({ uri: a.uri, version: a.version, diagnostics: a.diagnostics });
    }
  }

  async run(uri: string, token: CancelToken): Promise<void> {
    const doc = this.store.get(uri);
    if (!doc) return;
    const dirty = this.store.takeDirtyLine(uri) ?? 0;
    const kept = this.replays.get(uri);
    if (kept) kept.keptProgress = false;
    try {
      const done = await this.analyse(doc, dirty, token);
      // A cancelled pass gives its change back, unless its replay kept progress for the text it
      // parsed: then only changes made since (already recorded) matter to the next pass.
      if (!done && !this.replays.get(uri)?.keptProgress) this.store.restoreDirtyLine(uri, dirty);
    } catch (e) {
      this.store.restoreDirtyLine(uri, dirty);
      this.connection.console.error(`p2m: analysis of ${uri} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  /** Returns false when cancelled (state unchanged). */
  private async analyse(doc: TextDocument, dirtyLine: number, token: CancelToken): Promise<boolean> {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const text = doc.getText();
    const lines = text.split('\n');
    let parser = this.parsers.get(doc.uri);
    let unchangedBefore = dirtyLine;
    if (!parser || parser.languageId !== doc.languageId) {
      parser = new DocumentParser(doc.languageId, doc.uri);
      this.parsers.set(doc.uri, parser);
      unchangedBefore = 0;
    }
    const parsed = parser.parse(text, lines, unchangedBefore);
    const tParsed = performance.now();
    let firstPublish = 0;
    let firstPublishCpu = 0;
    if (token.cancelled) return false;
    await yieldToLoop();
    if (token.cancelled) return false;
    const prev = this.analyses.get(doc.uri);
    if (prev === undefined && parsed.records.length > EARLY_PUBLISH_RECORDS) {
      // A long first replay: show the parse diagnostics now, the replay's when it is done.
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: this.composeDiagnostics(lines, parsed, []) });
      if (!firstPublish) { firstPublish = performance.now(); firstPublishCpu = cpuSince(cpu0); }
    }
    // One replay per document across passes, so a cancelled pass's progress is not lost.
    let replay = this.replays.get(doc.uri);
    if (!replay) {
      replay = new DocReplay(this.settings().snapshotEvery ?? 4000);
      this.replays.set(doc.uri, replay);
    }
    // The replay mutates `replay` in place only once it has finished (it works on a copy of its
    // tables until then), so a cancelled run leaves the previous results intact.
    // On a long pass, publish early: the ops replayed so far, then the previous results for the
    // rest of the file shifted by the number of lines the edit added or removed. The final
    // publish below replaces them.
    if (prev !== undefined) {
      // Optimistic re-publish right after parsing: exact parse diagnostics, replay diagnostics
      // of the unchanged prefix, and the previous ones after the edit moved with their lines.
      const delta = lines.length - prev.lines.length;
      const kept = prev.replay.ops.filter(op => op.diags.length > 0 && (op.line < dirtyLine || op.line + delta > dirtyLine + Math.max(0, delta)))
        .map(op => (op.line < dirtyLine ? op : { ...op, line: op.line + delta }));
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: this.composeDiagnostics(lines, parsed, replayDiagnostics(kept, prev.replay.bbmFindings, lines)) });
      if (!firstPublish) { firstPublish = performance.now(); firstPublishCpu = cpuSince(cpu0); }
    }
    const onProgress = prev === undefined ? undefined : (done: readonly OpInfo[], lastLine: number) => {
      if (token.cancelled) return;
      const delta = lines.length - prev.lines.length;
      const tail = prev.replay.ops.filter(op => op.diags.length > 0 && op.line + delta > lastLine).map(op => ({ ...op, line: op.line + delta }));
      const diags = this.composeDiagnostics(lines, parsed, replayDiagnostics([...done, ...tail], prev.replay.bbmFindings, lines));
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diags });
      if (!firstPublish) { firstPublish = performance.now(); firstPublishCpu = cpuSince(cpu0); }
    };
    const run: ReplayRunStats | null = await replay.update(parsed, replay.hasState ? dirtyLine : 0, token, onProgress);
    if (run === null || token.cancelled) return false;
    const tReplayed = performance.now();
    const a: DocAnalysis = { uri: doc.uri, version: doc.version, languageId: doc.languageId, lines, parsed, replay, diagnostics: [] };
    a.diagnostics = this.composeDiagnostics(a.lines, a.parsed, a.replay.diagnostics(a.lines));
    this.analyses.set(doc.uri, a);
    await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.diagnostics });
    const done: AnalysisDoneParams = {
      uri: doc.uri, version: doc.version, records: parsed.records.length, ops: replay.opCount,
      replayedOps: run.replayedOps, resumedFromLine: run.resumedFromLine, diagnostics: a.diagnostics.length,
      durationMs: Math.round(performance.now() - t0), replayed: run.replayed,
      phases: {
        parseMs: Math.round(tParsed - t0), replayMs: Math.round(tReplayed - tParsed), publishMs: Math.round(performance.now() - tReplayed),
        firstPublishMs: Math.round((firstPublish || performance.now()) - t0),
        // CPU time of this process during the pass: comparable across machine loads.
        cpuMs: cpuSince(cpu0),
        firstPublishCpuMs: firstPublishCpu || cpuSince(cpu0),
      },
    };
    void this.connection.sendNotification(AnalysisDoneNotification.method, done);
    this.scheduleIdleGc();
    return true;
  }

  private gcTimer: NodeJS.Timeout | undefined;

  /**
   * A pass leaves the previous results as garbage; V8 collects it lazily, which lets the
   * process's RSS grow well past the live data. When the server runs with --expose-gc (the
   * client starts it so), collect once the user has paused for a moment.
   */
  private scheduleIdleGc(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return;
    if (this.gcTimer) clearTimeout(this.gcTimer);
    this.gcTimer = setTimeout(() => { this.gcTimer = undefined; gc(); }, IDLE_GC_MS);
    this.gcTimer.unref();
  }

  private composeDiagnostics(lines: readonly string[], parsed: ParsedDocument, replayDiags: readonly ReplayDiagnostic[]): Diagnostic[] {
    const settings = this.settings();
    const out: Diagnostic[] = [];
    let parseCount = 0;
    for (const d of parsed.diagnostics) {
      const natural = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
      const sev = resolveSeverity(settings, 'parse', natural);
      if (sev === null) continue;
      // A garbage file has a parse error per bad token (millions for a big one): cap like the
      // replay groups, counted in the same summary below.
      if (++parseCount > MAX_PER_GROUP) continue;
      const line = Math.max(0, d.line - 1);
      const lineLen = lines[line]?.replace(/\r$/, '').length ?? 0;
      const start = Math.max(0, d.column - 1);
      const end = d.endColumn !== undefined ? Math.max(start, d.endColumn - 1) : lineLen;
      out.push({
        range: { start: { line, character: start }, end: { line, character: end } },
        severity: sev, source: 'p2m', code: 'parse', message: d.message,
      });
    }
    const perGroup = new Map<string, number>();
    if (parseCount > MAX_PER_GROUP) perGroup.set('parse', parseCount);
    for (const d of replayDiags) {
      const sev = resolveSeverity(settings, d.group, d.severity);
      if (sev === null) continue;
      const n = (perGroup.get(d.group) ?? 0) + 1;
      perGroup.set(d.group, n);
      if (n > MAX_PER_GROUP) continue;
      out.push({ range: d.range, severity: sev, source: 'p2m', code: d.code, message: d.message });
    }
    // Tens of thousands of findings help nobody and slow the editor: say how many were left out.
    for (const [group, n] of perGroup) {
      if (n <= MAX_PER_GROUP) continue;
      out.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information,
        source: 'p2m', code: 'truncated', message: `${n - MAX_PER_GROUP} more '${group}' diagnostics not shown (first ${MAX_PER_GROUP} listed)`,
      });
    }
    return out;
  }
}
