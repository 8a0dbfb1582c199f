// HTML shell for P2M webviews, kept out of command handlers so every panel shares one
// strict CSP: nothing loads unless it comes from the extension's dist/media folder
// (`cspSource`) or is our own nonce'd script. No inline styles, no eval, no remote hosts.
import { randomBytes } from 'node:crypto';

export interface WebviewShell {
  /** `webview.cspSource` of the panel. */
  readonly cspSource: string;
  /** `webview.asWebviewUri(...)` strings of the bundle and its stylesheet under dist/media. */
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Document title; also the initial header text before the webview's script runs. */
  readonly title: string;
  /** Fresh per render; tests may pass a fixed one. */
  readonly nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] ?? c));

export function renderWebviewHtml(shell: WebviewShell): string {
  const nonce = shell.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${shell.cspSource}`,
    `font-src ${shell.cspSource}`,
    `img-src ${shell.cspSource}`,
  ].join('; ');
  const title = escapeHtml(shell.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(shell.styleUri)}">
<title>${title}</title>
</head>
<body>
<header><h1 id="title">${title}</h1><p id="status">Loading…</p></header>
<main id="root"></main>
<script nonce="${nonce}" src="${escapeHtml(shell.scriptUri)}"></script>
</body>
</html>`;
}
