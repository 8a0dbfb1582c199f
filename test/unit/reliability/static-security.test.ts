// Security checks that are properties of the source tree: no eval/Function/vm anywhere in
// shipped code, no HTML sinks in the webview code, every webview confined to dist/media, the
// Workspace Trust declaration, and the expression language (breakpoint conditions, debug
// console) refusing JavaScript-style escapes instead of running them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateText, type ExprEnv } from '../../../engine/replay/expr/evaluator';

const ROOT = process.env.P2M_ROOT ?? process.cwd();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|mjs|js)$/.test(e.name)) out.push(rel);
  }
  return out;
}
/** Code without comments and string literals' contents are kept: we look for calls. */
const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

test('no eval, Function constructor, vm or string timers in engine/, extension/, media/', () => {
  const files = ['engine', 'extension', 'media'].flatMap(sources);
  assert.ok(files.length > 50, `only ${files.length} files found`);
  const bad: string[] = [];
  for (const f of files) {
    const code = stripComments(fs.readFileSync(path.join(ROOT, f), 'utf8'));
    for (const [re, what] of [
      [/\beval\s*\(/, 'eval('], [/\bnew\s+Function\s*\(/, 'new Function('], [/(^|[^.\w])Function\s*\(/, 'Function('],
      [/from\s+['"](node:)?vm['"]|require\(['"](node:)?vm['"]\)/, 'vm module'],
      [/set(Timeout|Interval)\s*\(\s*['"`]/, 'string timer'],
    ] as const) if (re.test(code)) bad.push(`${f}: ${what}`);
  }
  assert.deepEqual(bad, []);
});

test('webview code writes no HTML: no innerHTML/outerHTML/insertAdjacentHTML/document.write', () => {
  const bad = sources('media').filter(f => /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/.test(stripComments(fs.readFileSync(path.join(ROOT, f), 'utf8'))));
  assert.deepEqual(bad, []);
});

test('every webview panel is confined to dist/media (localResourceRoots) and scripts need enableScripts only there', () => {
  const files = sources('extension').filter(f => /createWebviewPanel|\.webview\.options\s*=/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  assert.ok(files.length > 0);
  for (const f of files) {
    const code = fs.readFileSync(path.join(ROOT, f), 'utf8');
    assert.match(code, /localResourceRoots:\s*\[mediaRoot\]/, `${f}: localResourceRoots`);
    assert.match(code, /mediaRoot\s*=\s*vscode\.Uri\.joinPath\([^)]*'dist',\s*'media'\)/, `${f}: mediaRoot is dist/media`);
  }
});

test('manifest declares Workspace Trust support and activates on no wildcard', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, true);
  assert.ok(!pkg.activationEvents.includes('*'));
  // Nothing in the contributed settings names a program to run.
  const props = Object.keys(pkg.contributes?.configuration?.properties ?? {});
  assert.deepEqual(props.filter((p: string) => /path|command|executable|program/i.test(p)), []);
});

test('expression language: JavaScript escapes are errors, never executed', () => {
  const calls: string[] = [];
  const env: ExprEnv = { lookup: n => (n === 'gfn' ? 0x10 : undefined), call: n => { calls.push(n); return undefined; } };
  for (const src of [
    "constructor.constructor('return process')()", "gfn.constructor", "this", "globalThis.process",
    "__proto__", "gfn['constructor']", "require('child_process')", "(() => 1)()", "`${gfn}`",
    "process.exit(1)", "import('fs')",
  ]) {
    const r = evaluateText(src, env);
    assert.equal(r.ok, false, `${src} evaluated to ${r.ok ? String(r.value) : ''}`);
  }
  // Calls reach only the host's own function table, by plain name (unknown → error above).
  assert.ok(calls.every(n => /^[A-Za-z_]\w*$/.test(n)), `calls: ${calls}`);
  const ok = evaluateText('gfn == 0x10', env);
  assert.ok(ok.ok && ok.value === true);
});
