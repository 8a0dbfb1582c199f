// Bundles every entry point with esbuild. Output paths are a contract (see README):
//   dist/extension.js, dist/server.js, dist/debug-adapter.js, dist/cli.js, dist/media/*.
// Usage: node scripts/build.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify') || process.env.P2M_MINIFY === '1';
const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', minify, logLevel: 'warning' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // vscode-languageclient, required after activation (extension/client/lazy-language-client.ts).
  { ...node, entryPoints: { 'language-client': 'extension/client/language-client.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'extension/server/server.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'debug-adapter': 'extension/debug/debug-adapter-main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'session-worker': 'extension/session/session-worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'engine/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // Webview bundles: browser IIFE, no node built-ins, one file per panel.
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: 'linked', minify, logLevel: 'warning',
    entryPoints: readdirSync(path.join(root, 'media'), { withFileTypes: true })
      .filter(d => d.isDirectory() && existsSync(path.join(root, 'media', d.name, 'main.ts')))
      .map(d => ({ in: `media/${d.name}/main.ts`, out: d.name })),
    outdir: 'dist/media',
  },
];

function copyAssets() {
  // Webview CSS and the codicon font are served from dist/media (the only localResourceRoot).
  mkdirSync(path.join(root, 'dist/media'), { recursive: true });
  for (const d of readdirSync(path.join(root, 'media'), { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(path.join(root, 'media', d.name))) {
      if (f.endsWith('.css')) cpSync(path.join(root, 'media', d.name, f), path.join(root, 'dist/media', `${d.name}.css`));
    }
  }
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  if (existsSync(codicons)) {
    cpSync(path.join(codicons, 'codicon.css'), path.join(root, 'dist/media/codicon.css'));
    cpSync(path.join(codicons, 'codicon.ttf'), path.join(root, 'dist/media/codicon.ttf'));
  }
}

process.chdir(root);
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  copyAssets();
  console.log('[build] watching for changes…');
} else {
  const t0 = Date.now();
  await Promise.all(builds.map(b => esbuild.build(b)));
  copyAssets();
  chmodSync(path.join(root, 'dist/cli.js'), 0o755);
  console.log(`[build] bundled in ${Date.now() - t0} ms`);
}
