// The language client: starts dist/server.js (its own Node process, stdio) for the trace
// languages and gives the rest of the extension a typed handle on the custom requests declared
// in extension/lsp-protocol.ts (state at line, regions, walk), so views can ask the server
// instead of running a second engine. Settings: `p2m.languageServer.*` (sent at start and on
// change). A failure to start is shown to the user, never swallowed.
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction, CloseHandlerResult, ErrorAction, ErrorHandler, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind,
} from 'vscode-languageclient/node';
import {
  AnalysisDoneNotification, AnalysisDoneParams, LSP_LANGUAGES, LSP_SETTINGS_SECTION, LspCommands, LspSettings, TypedRequest,
} from '../lsp-protocol';

/** What the extension holds on to; dispose stops the server. */
export interface P2mLanguageClient extends vscode.Disposable {
  readonly client: LanguageClient;
  /** Resolves once the server has answered `initialize`. */
  readonly ready: Promise<void>;
  /** Sends a custom request; the result type follows from the request (lsp-protocol.ts). */
  request<P, R>(req: TypedRequest<P, R>, params: P): Promise<R>;
  /** Fires after every analysis pass of a document (status bar, tests). */
  readonly onAnalysisDone: vscode.Event<AnalysisDoneParams>;
}

/** The parts of vscode.ExtensionContext the client needs (tests may pass their own). */
export interface ClientContext {
  readonly extensionPath: string;
  readonly subscriptions: { dispose(): unknown }[];
}

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up (and says so). */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

/**
 * A crashed server is reported and restarted: open documents are re-sent on restart, so the
 * user keeps their place and gets their diagnostics back. Repeated crashes stop the restarts.
 */
function crashHandler(): ErrorHandler {
  const restarts: number[] = [];
  return {
    error: (_e, _m, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: (): CloseHandlerResult => {
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        return { action: CloseAction.DoNotRestart, message: 'The P2M language server crashed repeatedly and was not restarted. See the "P2M Language Server" output.' };
      }
      restarts.push(now);
      void vscode.window.showWarningMessage('The P2M language server stopped unexpectedly; restarting it.');
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

function readSettings(): LspSettings {
  const c = vscode.workspace.getConfiguration(LSP_SETTINGS_SECTION);
  const severity = c.get<LspSettings['severity']>('severity');
  const debounceMs = c.get<number>('debounceMs');
  const snapshotEvery = c.get<number>('snapshotEvery');
  return {
    ...(severity ? { severity } : {}),
    ...(typeof debounceMs === 'number' ? { debounceMs } : {}),
    ...(typeof snapshotEvery === 'number' ? { snapshotEvery } : {}),
  };
}

export function startLanguageClient(context: ClientContext): P2mLanguageClient {
  const module = path.join(context.extensionPath, 'dist', 'server.js');
  const serverOptions: ServerOptions = {
    // --expose-gc: the server collects garbage when the user pauses (analysis.ts), keeping RSS
    // close to the live data on large traces.
    run: { module, transport: TransportKind.stdio, args: ['--stdio'], options: { execArgv: ['--expose-gc'] } },
    debug: { module, transport: TransportKind.stdio, args: ['--stdio'], options: { execArgv: ['--expose-gc', '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LSP_LANGUAGES.flatMap(language => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    initializationOptions: { settings: readSettings() },
    outputChannelName: 'P2M Language Server',
    errorHandler: crashHandler(),
    middleware: {
      // Command arguments cross JSON as strings; the debugger's command expects a vscode.Uri.
      provideCodeLenses: async (doc, token, next) => {
        const lenses = await next(doc, token);
        for (const l of lenses ?? []) {
          const args = l.command?.arguments;
          if (l.command?.command === LspCommands.debugFromLine && typeof args?.[0] === 'string') args[0] = vscode.Uri.parse(args[0]);
        }
        return lenses;
      },
    },
  };
  const client = new LanguageClient('p2m', 'P2M Language Server', serverOptions, clientOptions);
  const analysisDone = new vscode.EventEmitter<AnalysisDoneParams>();
  const ready = client.start().then(() => {
    client.onNotification(AnalysisDoneNotification.method, (p: AnalysisDoneParams) => analysisDone.fire(p));
  }, (e: unknown) => {
    void vscode.window.showErrorMessage(`P2M language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  });
  const configWatch = vscode.workspace.onDidChangeConfiguration(e => {
    if (!e.affectsConfiguration(LSP_SETTINGS_SECTION)) return;
    // The server reads `settings.p2m.languageServer` from this notification.
    void ready.then(() => client.sendNotification('workspace/didChangeConfiguration', { settings: { p2m: { languageServer: readSettings() } } }));
  });
  const handle: P2mLanguageClient = {
    client,
    ready,
    request: async <P, R>(req: TypedRequest<P, R>, params: P): Promise<R> => {
      await ready;
      return client.sendRequest<R>(req.method, params);
    },
    onAnalysisDone: analysisDone.event,
    dispose: () => {
      configWatch.dispose();
      analysisDone.dispose();
      void client.stop().catch(() => undefined);
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
