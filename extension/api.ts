// What `activate` returns: a small, typed handle for the extension-host tests (and other
// extensions). Keep it narrow; tests should observe behaviour through it, not internals.
import type { P2mLanguageClient } from './client/language-client';
import type { UiHandle } from './commands/activate-ui';
import type { TraceLogHost } from './panel/trace-log-host';
import type { DebugApi } from './debug/activate-debug';

export interface P2mApi {
  /** Trace session, views and command preconditions of the UI. */
  readonly ui: UiHandle;
  /** The language client for the trace languages (dist/server.js). */
  readonly languageClient: P2mLanguageClient;
  /** The `p2m` debugger: cursor events of stopped sessions, and moving their cursor. */
  readonly debug: DebugApi;
  /** The open trace-log panel, if any. */
  traceLogPanel(): TraceLogHost | undefined;
}
