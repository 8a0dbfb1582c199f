// `npm run package`: bundle, build p2m-debugger-<version>.vsix with @vscode/vsce, then verify it.
// The checks are the packaging test layer too (test-all runs this), each printed as ✔/✘:
//   - the .vsix exists and is under 2 MB;
//   - it holds only the allowlist (dist/ without maps, media/ assets, syntaxes/, language
//     configurations, package.json, README, CHANGELOG, LICENSE): no sources, tests or maps;
//   - every contract file is in it (the four dist/*.js entry points, webview bundles, grammars);
//   - the packaged manifest has the identity and engine the issue fixes;
//   - each bundled entry point starts and answers --help.
// Usage: node scripts/package.mjs [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VSIX = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
const MAX_BYTES = 2 * 1024 * 1024;
const t0 = Date.now();

const results = [];
function check(name, fn) {
  try {
    const detail = fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`  ✘ ${name}\n      ${String(e?.message ?? e).split('\n').join('\n      ')}`);
  }
}
function finish() {
  const passed = results.filter(r => r.ok).length;
  const failed = results.length - passed;
  console.log(`[package] ${passed} passed, ${failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  process.exit(failed ? 1 : 0);
}

if (!process.argv.includes('--no-build')) {
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) { check('bundle with scripts/build.mjs', () => { throw new Error(`exit ${b.status}`); }); finish(); }
}

let vsceOk = false;
check(`vsce package → ${path.basename(VSIX)}`, () => {
  const vsce = path.join(ROOT, 'node_modules/.bin/vsce');
  if (!existsSync(vsce)) throw new Error('node_modules/.bin/vsce missing: run `bash scripts/setup` (npm ci)');
  // README images (docs/images) are relative; the repository is not on GitHub, so vsce needs a base URL.
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository',
    '--baseContentUrl', 'https://example.invalid/p2m-debugger/blob/HEAD/', '--baseImagesUrl', 'https://example.invalid/p2m-debugger/raw/HEAD/', '-o', VSIX],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`vsce exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  if (!existsSync(VSIX)) throw new Error('vsce reported success but wrote no file');
  vsceOk = true;
});
if (!vsceOk) finish();

const { default: yauzl } = await import('yauzl');
const entries = await new Promise((resolve, reject) => {
  yauzl.open(VSIX, { lazyEntries: true }, (err, zip) => {
    if (err) return reject(err);
    const names = [];
    zip.on('entry', e => { names.push(e.fileName); zip.readEntry(); });
    zip.on('end', () => resolve(names));
    zip.on('error', reject);
    zip.readEntry();
  });
});
const files = entries.filter(n => !n.endsWith('/'));

check('size under 2 MB', () => {
  const size = statSync(VSIX).size;
  if (size >= MAX_BYTES) throw new Error(`${size} bytes`);
  return `${(size / 1024).toFixed(0)} KiB, ${files.length} files`;
});

// Everything the extension needs at run time, and nothing else.
const ALLOWED = [
  /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/,
  // vsce stores README/CHANGELOG lower-cased and may add .txt to LICENSE.
  /^extension\/package\.json$/, /^extension\/(readme|changelog)\.md$/i, /^extension\/LICENSE(\.txt)?$/,
  /^extension\/dist\/[^/]+\.js$/, /^extension\/dist\/media\/[^/]+\.(js|css|ttf|woff2?|svg|png)$/,
  /^extension\/media\/[^/]+\.(svg|png)$/, /^extension\/syntaxes\/[^/]+\.tmLanguage\.json$/,
  /^extension\/language-configuration[^/]*\.json$/,
  // "P2M: Open Sample Trace" opens the bundled samples; the walkthrough's step pages.
  /^extension\/samples\/[^/]+$/, /^extension\/media\/walkthrough\/[^/]+\.md$/,
];
check('only allowlisted files (no sources, tests or maps)', () => {
  const bad = files.filter(f => !ALLOWED.some(re => re.test(f)));
  if (bad.length) throw new Error(`not allowed: ${bad.join(', ')}`);
});

const REQUIRED = ['dist/extension.js', 'dist/language-client.js', 'dist/server.js', 'dist/debug-adapter.js', 'dist/cli.js',
  'dist/media/trace-log.js', 'dist/media/trace-log.css', 'package.json', 'readme.md', 'changelog.md',
  'media/icon.svg', 'syntaxes/p2mtrace.tmLanguage.json', 'syntaxes/xen-console.tmLanguage.json',
  'syntaxes/xenalyze.tmLanguage.json'];
check('contract files present', () => {
  const lower = new Set(files.map(f => f.toLowerCase()));
  const missing = REQUIRED.filter(f => !lower.has(`extension/${f}`.toLowerCase()));
  if (!files.some(f => /^extension\/LICENSE(\.txt)?$/.test(f))) missing.push('LICENSE');
  if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
});

check('manifest identity, engine, activation and bin', () => {
  const want = { publisher: 'p2m-tools', name: 'p2m-debugger', displayName: 'P2M Debugger for Xen' };
  for (const [k, v] of Object.entries(want)) if (pkg[k] !== v) throw new Error(`${k} is ${JSON.stringify(pkg[k])}, want ${JSON.stringify(v)}`);
  if (pkg.engines?.vscode !== '^1.90.0') throw new Error(`engines.vscode is ${pkg.engines?.vscode}`);
  if (pkg.bin?.p2m !== 'dist/cli.js') throw new Error('bin.p2m must be dist/cli.js');
  const bad = (pkg.activationEvents ?? []).filter(e => !/^(onLanguage|onCommand|onView):/.test(e));
  if (bad.length) throw new Error(`activation events not allowed: ${bad.join(', ')}`);
  // Every `contributes` file reference must be inside the package.
  const refs = [...JSON.stringify(pkg.contributes).matchAll(/"(?:path|configuration|icon)":"\.?\/?([^"$][^"]*\.(?:json|svg|png))"/g)].map(m => m[1]);
  const missing = refs.filter(r => !files.includes(`extension/${r}`));
  if (missing.length) throw new Error(`contributes references files not in the .vsix: ${missing.join(', ')}`);
  return `${refs.length} contributed files referenced`;
});

for (const entry of ['dist/cli.js', 'dist/server.js', 'dist/debug-adapter.js']) {
  check(`${entry} --help exits 0`, () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, entry), '--help'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`exit ${r.status ?? r.signal}\n${r.stderr}`);
    if (!/usage/i.test(r.stdout)) throw new Error(`no usage text on stdout:\n${r.stdout}`);
  });
}
finish();
