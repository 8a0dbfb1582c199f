// Benchmark case: extension activation time and bundle sizes (targets: activation ≤ 50 ms,
// .vsix ≤ 2 MB). Activation here is dist/extension.js loaded and `activate()` run against a
// stand-in `vscode` module (every API a no-op), in a fresh process: it measures our own
// module-evaluation and activation work, not VS Code's extension-host overhead (the ext-host
// test layer runs the real thing). Sizes: every dist/*.js bundle, the webview media, and the
// newest .vsix in the repository root (built by `node scripts/package.mjs`), if any.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

/** A `vscode` stand-in: any property, call or construction yields another stand-in. */
function standIn(): unknown {
  const fn = function () { /* no-op */ };
  const handler: ProxyHandler<typeof fn> = {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === Symbol.iterator) return function* () { /* empty */ };
      return proxy;
    },
    set: () => true, // writes are swallowed (classes extending a stand-in set fields)
    apply: () => proxy,
    construct: () => proxy as object,
  };
  const proxy: unknown = new Proxy(fn, handler);
  return proxy;
}

function sizeKB(file: string): number { return Math.round(fs.statSync(file).size / 1024); }
function dirKB(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  const walk = (d: string) => { for (const f of fs.readdirSync(d)) { const p = path.join(d, f); const st = fs.statSync(p); if (st.isDirectory()) walk(p); else total += st.size; } };
  walk(dir);
  return Math.round(total / 1024);
}

export function run(_size: 'small' | 'full' = 'full'): BenchResult {
  const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../..');
  const dist = path.join(root, 'dist');
  const entry = path.join(dist, 'extension.js');
  const metrics: Record<string, number | string> = {};
  if (!fs.existsSync(entry)) throw new Error(`${entry} missing: run npm run build first`);
  // Route require('vscode') to the stand-in.
  // esbuild's CJS interop copies the module's own keys, so the namespaces must be real keys.
  const ns: Record<string, unknown> = {};
  for (const k of ['commands', 'window', 'workspace', 'languages', 'debug', 'env', 'extensions', 'tasks', 'Uri', 'EventEmitter',
    'Disposable', 'TreeItem', 'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'StatusBarAlignment', 'ViewColumn',
    'Range', 'Position', 'Selection', 'MarkdownString', 'ProgressLocation', 'ConfigurationTarget']) ns[k] = standIn();
  // Every name the bundle reads off its `vscode` import (esbuild names it vscode<N> / import_vscode<N>).
  for (const m of fs.readFileSync(entry, 'utf8').matchAll(/\b(?:import_)?vscode\d*\.([A-Za-z_$][\w$]*)/g)) ns[m[1]] ??= standIn();
  ns.version = '1.90.0'; // vscode-languageclient checks the host version
  // Bundled libraries (vscode-languageclient) read other names straight off the module.
  const vscode = new Proxy(ns, {
    get: (t, k) => (k in t || typeof k !== 'string' || k === 'then' || k === '__esModule' ? t[k as string] : (t[k] = standIn())),
  });
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const load = M._load;
  M._load = (req, parent, isMain) => (req === 'vscode' ? vscode : load(req, parent, isMain));
  const ctx = { subscriptions: [] as unknown[], extensionUri: vscode, extensionPath: root, globalState: vscode, workspaceState: vscode, asAbsolutePath: (p: string) => path.join(root, p) };
  const t0 = process.hrtime.bigint();
  const ext = require(entry) as { activate(c: unknown): unknown };
  const t1 = process.hrtime.bigint();
  try {
    ext.activate(ctx);
    metrics.activationMs = +(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2);
  } catch (e) {
    metrics.activationMs = `failed under the stand-in: ${e instanceof Error ? e.message : String(e)}`;
  } finally { M._load = load; }
  metrics.moduleLoadMs = +(Number(t1 - t0) / 1e6).toFixed(2);
  for (const f of fs.readdirSync(dist).filter(f => f.endsWith('.js')).sort()) metrics[`${f}KB`] = sizeKB(path.join(dist, f));
  metrics.mediaKB = dirKB(path.join(dist, 'media'));
  const vsix = fs.readdirSync(root).filter(f => f.endsWith('.vsix')).map(f => path.join(root, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  metrics.vsixKB = vsix ? sizeKB(vsix) : 'no .vsix (node scripts/package.mjs)';
  metrics.target = 'activationMs <= 50, vsixKB <= 2048';
  return { name: 'extension', metrics };
}
