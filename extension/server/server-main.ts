// Wires the language server: capabilities, document sync, the debounced analysis scheduler,
// and one handler per LSP feature (each feature lives in its own module under features/).
// Requests that need replay results wait until the document's pending analysis has finished.
import {
  CancellationToken, CodeActionKind, Connection, InitializeParams, InitializeResult, LSPErrorCodes, ResponseError, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  LSP_LANGUAGES, LSP_SETTINGS_SECTION, LspCommands, LspSettings, RegionsRequest, StateAtLineRequest, TypedRequest, WalkRequest,
} from '../lsp-protocol';
import { DocumentStore } from './document-store';
import { AnalysisScheduler } from './scheduler';
import { Analyzer, DocAnalysis } from './analysis';
import { SEMANTIC_LEGEND, semanticTokens } from './features/semantic-tokens';
import { documentSymbols, foldingRanges } from './features/outline';
import { completions } from './features/completion';
import { inlayHints } from './features/inlay-hints';
import { hover } from './features/hover';
import { codeActions } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { definition, references, workspaceSymbols } from './features/navigation';
import { regions, stateAtLine, walk } from './features/custom-requests';
import { convertToP2mtrace } from './features/convert';

// Short: stale work is cancelled anyway, and a keystroke must re-publish within 200 ms.
const DEFAULT_DEBOUNCE_MS = 50;

function lineOf(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

export function startServer(connection: Connection): void {
  const store = new DocumentStore();
  let settings: LspSettings = {};
  const analyzer = new Analyzer(connection, store, () => settings);
  const scheduler = new AnalysisScheduler((uri, token) => analyzer.run(uri, token), () => settings.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  const handled = (doc: TextDocument | undefined): doc is TextDocument =>
    doc !== undefined && (LSP_LANGUAGES as readonly string[]).includes(doc.languageId);

  /**
   * The document and its analysis, once the analysis pass queued for it has finished. A request
   * the client cancelled meanwhile is answered with RequestCancelled instead of stale work.
   */
  async function settled(uri: string, token?: CancellationToken): Promise<{ doc: TextDocument; a: DocAnalysis | undefined } | undefined> {
    const doc = store.get(uri);
    if (!handled(doc)) return undefined;
    await scheduler.idle(uri);
    if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    return { doc: store.get(uri) ?? doc, a: analyzer.get(uri) };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = params.initializationOptions as { settings?: LspSettings } | undefined;
    settings = init?.settings ?? {};
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['=', ' '], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorInline, CodeActionKind.RefactorRewrite] },
        codeLensProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
        inlayHintProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [LspCommands.convertToP2mtrace] },
      },
      serverInfo: { name: 'p2m-language-server', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration(change => {
    const s = (change.settings as Record<string, unknown> | undefined)?.[LSP_SETTINGS_SECTION.split('.')[0]] as
      { languageServer?: LspSettings } | undefined;
    if (s?.languageServer) {
      settings = s.languageServer;
      analyzer.republish();
    }
  });

  // Fires on open (first pass runs at once: no debounce) and on every edit (debounced).
  store.documents.onDidChangeContent(e => {
    if (handled(e.document)) scheduler.schedule(e.document.uri, analyzer.get(e.document.uri) === undefined);
  });
  store.documents.onDidClose(e => {
    scheduler.cancel(e.document.uri);
    store.forget(e.document.uri);
    analyzer.forget(e.document.uri);
  });

  connection.onHover(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s ? hover(s.a, lineOf(s.doc, p.position.line), p.position, s.doc.languageId) : null;
  });
  // Completion must not wait for a replay in flight (typing triggers it): it uses the latest
  // finished analysis for mapped GFNs, which may be one edit behind.
  connection.onCompletion(p => {
    const doc = store.get(p.textDocument.uri);
    if (!handled(doc) || doc.languageId !== 'p2mtrace') return [];
    return completions(analyzer.get(doc.uri), lineOf(doc, p.position.line), p.position);
  });
  connection.onDefinition(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? definition(s.a, lineOf(s.doc, p.position.line), p.position) : [];
  });
  connection.onReferences(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? references(s.a, lineOf(s.doc, p.position.line), p.position, p.context.includeDeclaration) : [];
  });
  connection.onDocumentSymbol(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? documentSymbols(s.a) : [];
  });
  connection.onWorkspaceSymbol(async p => {
    for (const d of store.all()) if (handled(d)) await scheduler.idle(d.uri);
    return workspaceSymbols(analyzer.all(), p.query);
  });
  connection.onFoldingRanges(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? foldingRanges(s.a) : [];
  });
  connection.onCodeAction(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s ? codeActions(s.a, s.doc.languageId, lineOf(s.doc, p.range.start.line), p) : [];
  });
  connection.onCodeLens(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? codeLenses(s.a) : [];
  });
  connection.languages.semanticTokens.on(p => {
    const doc = store.get(p.textDocument.uri);
    if (!handled(doc) || doc.languageId !== 'p2mtrace') return { data: [] };
    return semanticTokens(doc.getText().split('\n'));
  });
  connection.languages.semanticTokens.onRange(p => {
    const doc = store.get(p.textDocument.uri);
    if (!handled(doc) || doc.languageId !== 'p2mtrace') return { data: [] };
    const lines = doc.getText({ start: { line: 0, character: 0 }, end: { line: p.range.end.line + 1, character: 0 } }).split('\n');
    return semanticTokens(lines, p.range.start.line, p.range.end.line);
  });
  connection.languages.inlayHint.on(async (p, token) => {
    const s = await settled(p.textDocument.uri, token);
    return s?.a ? inlayHints(s.a, p.range) : [];
  });
  connection.onExecuteCommand(async p => {
    if (p.command === LspCommands.convertToP2mtrace) {
      const uri = String(p.arguments?.[0] ?? '');
      const s = await settled(uri);
      if (!s?.a) return { ok: false, message: 'document not open' };
      return convertToP2mtrace(connection, s.a);
    }
    return undefined;
  });

  /** Typed registration of a custom request from lsp-protocol.ts. */
  const handle = <P, R>(req: TypedRequest<P, R>, h: (p: P) => Promise<R>) => connection.onRequest(req.method, (p: P) => h(p));
  handle(StateAtLineRequest, async p => stateAtLine((await settled(p.uri))?.a, p));
  handle(RegionsRequest, async p => regions((await settled(p.uri))?.a, p));
  handle(WalkRequest, async p => walk((await settled(p.uri))?.a, p));

  // Server memory for the benchmark (kB, as process.resourceUsage reports maxRSS).
  connection.onRequest('p2m/debugMemory', (p?: { gc?: boolean }) => {
    const g = (globalThis as { gc?: () => void }).gc;
    if (p?.gc && g) g();
    const m = process.memoryUsage();
    const kb = (n: number) => Math.round(n / 1024);
    return { rss: kb(m.rss), heapUsed: kb(m.heapUsed), arrayBuffers: kb(m.arrayBuffers), maxRss: process.resourceUsage().maxRSS, pid: process.pid };
  });

  store.documents.listen(connection);
  connection.listen();
}
