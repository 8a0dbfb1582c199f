// The one typed message protocol between the extension host and the P2M webviews.
// Both sides import these types (the webview bundle imports types only, so no vscode code
// leaks into it). Handshake: the webview posts `ready` once its script runs; the host answers
// with `init`. Messages posted before `ready` could be lost, which is why the host waits.

/** What the host knows about the currently loaded trace, as plain JSON. */
export interface TraceInfo {
  /** File name shown to the user, e.g. `hello.p2mtrace`. */
  readonly name: string;
  /** Full URI string of the document. */
  readonly uri: string;
  /** Language id the editor gave it (`p2mtrace`, `xen-console`, `xenalyze`, ...). */
  readonly languageId: string;
  /** Number of text lines. */
  readonly lineCount: number;
}

/** Webview → host. */
export type WebviewToHost =
  | { readonly type: 'ready' };

/** Host → webview. */
export type HostToWebview =
  | { readonly type: 'init'; readonly title: string; readonly trace: TraceInfo | null }
  | { readonly type: 'traceChanged'; readonly trace: TraceInfo | null };

/** Narrowing guard for untrusted input arriving from a webview. */
export function isWebviewToHost(msg: unknown): msg is WebviewToHost {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ready';
}
