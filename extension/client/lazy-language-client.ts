// The language client, loaded after activation. vscode-languageclient is ~1 MB of bundle and
// loading it was ~46 ms of a ~51 ms activation, so it lives in its own bundle
// (dist/language-client.js, entry extension/client/language-client.ts) that is required on
// the next event-loop turn after `activate` returns, or at once when something needs it first.
// The handle returned here has the same shape as the real one and forwards to it.
import * as path from 'path';
import * as vscode from 'vscode';
import type { TypedRequest, AnalysisDoneParams } from '../lsp-protocol';
import type { ClientContext, P2mLanguageClient } from './language-client';

type ClientModule = { startLanguageClient(context: ClientContext): P2mLanguageClient };

/** Path of the separately bundled client, next to dist/extension.js. */
export function languageClientBundle(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'language-client.js');
}

export function startLazyLanguageClient(context: ClientContext,
  load: () => ClientModule = () => require(languageClientBundle(context.extensionPath)) as ClientModule): P2mLanguageClient {
  let real: P2mLanguageClient | undefined;
  let failed: unknown;
  let disposed = false;
  const analysisDone = new vscode.EventEmitter<AnalysisDoneParams>();
  let resolveReady!: () => void, rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => { resolveReady = res; rejectReady = rej; });
  // Callers that never await `ready` must not turn a start failure into an unhandled rejection.
  ready.catch(() => undefined);

  const get = (): P2mLanguageClient => {
    if (real) return real;
    if (failed !== undefined) throw failed;
    try {
      real = load().startLanguageClient({ extensionPath: context.extensionPath, subscriptions: [] });
    } catch (e) {
      failed = e;
      void vscode.window.showErrorMessage(`P2M language client failed to load: ${e instanceof Error ? e.message : String(e)}`);
      rejectReady(e);
      throw e;
    }
    const sub = real.onAnalysisDone(p => analysisDone.fire(p));
    real.ready.then(resolveReady, rejectReady);
    context.subscriptions.push(sub);
    return real;
  };
  // After activation returns: the server starts as early as before, minus the blocking require.
  setImmediate(() => { if (!disposed) { try { get(); } catch { /* reported in get() */ } } });

  const handle: P2mLanguageClient = {
    get client() { return get().client; },
    ready,
    request: async <P, R>(req: TypedRequest<P, R>, params: P): Promise<R> => get().request(req, params),
    onAnalysisDone: analysisDone.event,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      analysisDone.dispose();
      real?.dispose();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
