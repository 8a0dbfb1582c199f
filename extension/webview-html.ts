// HTML shell for P2M webviews, kept out of command handlers: strict CSP (nothing but our
// nonce'd bundle and the stylesheets/font under dist/media, the only localResourceRoot), no
// inline script or style, no eval, no remote hosts; an empty #root the bundle fills.
// Pure string building, testable without vscode.

import { randomBytes } from 'node:crypto';

export interface WebviewShell {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  title: string;
  nonce?: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] ?? c));

/** A fresh nonce per render: 18 random bytes, alphanumeric. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function renderWebviewHtml(s: WebviewShell): string {
  const nonce = s.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${s.cspSource}`,
    `font-src ${s.cspSource}`,
    `img-src ${s.cspSource}`,
  ].join('; '); // cspSource and the nonce hold no quote or angle bracket: no escaping needed
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(s.codiconUri)}">
<link rel="stylesheet" href="${esc(s.styleUri)}">
<title>${esc(s.title)}</title>
</head>
<body>
<div id="root" data-title="${esc(s.title)}"></div>
<script nonce="${nonce}" src="${esc(s.scriptUri)}"></script>
</body>
</html>`;
}
