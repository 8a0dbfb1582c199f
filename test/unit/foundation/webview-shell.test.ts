// Pure parts of the extension shell: the webview HTML/CSP and the webview protocol guard.
// (The vscode-bound parts are covered by the extension-host suites in test/ext-host/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderWebviewHtml, makeNonce } from '../../../extension/webview-html';
import { isWebviewToHost } from '../../../extension/protocol';

const shell = {
  cspSource: 'https://webview.test', scriptUri: 'https://webview.test/dist/media/trace-log.js',
  styleUri: 'https://webview.test/dist/media/trace-log.css', codiconUri: 'https://webview.test/dist/media/codicon.css',
  title: 'P2M Trace Log',
};

test('webview CSP: default none, scripts only by nonce, styles and fonts only from cspSource', () => {
  const html = renderWebviewHtml({ ...shell, nonce: 'abc123' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  const directives = new Map(csp.split(';').map(d => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'nonce-abc123'");
  assert.equal(directives.get('style-src'), shell.cspSource);
  assert.equal(directives.get('font-src'), shell.cspSource);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  // Every script tag carries the nonce and none is inline.
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], /nonce="abc123"/);
  assert.equal(scripts[0][2].trim(), '');
  assert.match(html, /<title>P2M Trace Log<\/title>/);
  assert.match(html, /<div id="root"/);
  // Styles come only as stylesheets from cspSource: no <style> element, no style attribute.
  assert.doesNotMatch(html, /<style|style=/);
});

test('webview HTML escapes the title and URIs', () => {
  const html = renderWebviewHtml({ ...shell, title: '<img src=x onerror=alert(1)> & "q"', nonce: 'n' });
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;q&quot;/);
});

test('nonces are fresh, alphanumeric and long enough', () => {
  const a = makeNonce(), b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
});

test('protocol guard accepts only known webview messages', () => {
  assert.equal(isWebviewToHost({ type: 'ready' }), true);
  for (const bad of [null, undefined, 42, 'ready', {}, { type: 'init' }, { type: 'READY' }, []]) {
    assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
  }
});
