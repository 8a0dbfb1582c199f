// Pure parts of the Foundation's extension shell: the webview HTML/CSP, the webview protocol
// guard and the placeholder trace summary. (The vscode-bound parts are covered by the
// extension-host suite in test/ext-host/foundation.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderWebviewHtml, makeNonce } from '../../../extension/webview-html';
import { isWebviewToHost } from '../../../extension/protocol';
import { summarizeTrace } from '../../../extension/trace-summary';

const shell = {
  cspSource: 'https://webview.test', scriptUri: 'https://webview.test/dist/media/trace-log.js',
  styleUri: 'https://webview.test/dist/media/trace-log.css', title: 'P2M Trace Log',
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
  assert.match(html, /<h1 id="title">P2M Trace Log<\/h1>/);
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

test('trace summary counts lines and .p2mtrace directives, skipping comments and console prefixes', () => {
  const text = [
    '# comment p2m_set_entry',
    'config ipa_bits=40',
    '',
    'p2m_set_entry gfn=0x40000 nr=0x1 mfn=0x100000 t=ram_rw a=rwx',
    '(XEN) [  12.000001] p2m_set_entry gfn=0x40001 nr=0x1 mfn=invalid t=invalid a=rwx',
    '(d1) tlb_flush',
    '   # indented comment',
  ].join('\n') + '\n';
  const s = summarizeTrace(text, 'p2mtrace');
  assert.equal(s.lineCount, 7);
  assert.deepEqual(s.directives, [['config', 1], ['p2m_set_entry', 2], ['tlb_flush', 1]]);
});

test('trace summary: other languages get a line count only; CRLF and no final newline', () => {
  assert.deepEqual(summarizeTrace('(XEN) a\r\n(XEN) b', 'xen-console'), { lineCount: 2, directives: [] });
  assert.equal(summarizeTrace('', 'p2mtrace').lineCount, 0);
});
