// `npm test`: every test layer, in order, each with its own pass/fail summary, then one line
// `N passed, N failed` summed over all layers. Exit 1 if anything failed.
//
// A layer is one entry in LAYERS: a name and a command. To add one (LSP, DAP, ...), append an
// entry; its output only needs a summary this script can read:
//   - our own line          `[anything] N passed, N failed`   (the last one counts), or
//   - node:test's           `ℹ pass N` / `ℹ fail N`           (summed over runs), or
//   - mocha's               `N passing` / `N failing`          (summed over runs).
// A layer that exits non-zero without reporting a failure counts one failure; a layer that
// exits 0 but reports no tests counts one failure too ("no tests ran"): nothing is skipped
// silently. A layer whose prerequisites are missing must fail and say how to install them.
// Env: P2M_LAYERS=unit,e2e runs only those layers (the build always runs). A layer with
// `requires` is reported failed ("not run") when a required layer failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// `requires`: layers that must have passed first (a failed build must not be tested through
// stale bundles, nor a stale .vsix installed by the e2e layer).
/** @type {{ name: string, cmd: string[], requires?: string[], env?: Record<string,string> }[]} */
const LAYERS = [
  { name: 'build', cmd: [npm, 'run', 'build'] },            // tsc --noEmit (root + engine) + esbuild
  { name: 'unit', cmd: [node, 'scripts/test-unit.mjs'] },    // layer 1: plain Node (node:test)
  { name: 'grammars', cmd: [node, 'scripts/test-grammars.mjs'] }, // TextMate grammars, VS Code's tokenizer
  // Layers added by other issues go here (language server over LSP, debug adapter over DAP).
  { name: 'lsp', cmd: [node, 'test/lsp/run.mjs'], requires: ['build'] },              // language server over a real LSP connection
  { name: 'dap', cmd: [node, 'test/dap/run.mjs'], requires: ['build'] },              // debug adapter (dist/debug-adapter.js) over DAP
  { name: 'fuzz', cmd: [node, 'scripts/fuzz.mjs', '--seconds', '25', '--seed', '1', '--no-save'] }, // seeded mutation fuzz smoke over every reader + replay (long runs: npm run fuzz)
  { name: 'bench-smoke', cmd: [node, 'scripts/bench.mjs', '--size', 'small'], requires: ['build'] }, // every benchmark case, small inputs (numbers not asserted)
  { name: 'package', cmd: [node, 'scripts/package.mjs', '--no-build'], requires: ['build'] },
  { name: 'ext-host', cmd: [node, 'scripts/test-ext-host.mjs', '--host=code-server'], requires: ['build'] },
  ...(process.env.VSCODE_EXECUTABLE
    ? [{ name: 'ext-host (electron)', cmd: [node, 'scripts/test-ext-host.mjs', '--host=electron'], requires: ['build'] }]
    : []),
  // The package layer just built the .vsix: e2e installs that one instead of rebuilding.
  { name: 'e2e', cmd: [node, 'test/e2e/run.mjs'], requires: ['build', 'package'], env: { P2M_E2E_USE_VSIX: '1' } },
];

function parseCounts(out) {
  const own = [...out.matchAll(/^\s*\[[^\]\n]+\] (\d+) passed, (\d+) failed/gm)].pop();
  if (own) return { passed: +own[1], failed: +own[2], via: 'summary line' };
  const sum = re => [...out.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
  if (/^ℹ pass \d+/m.test(out)) {
    return { passed: sum(/^ℹ pass (\d+)/gm), failed: sum(/^ℹ fail (\d+)/gm) + sum(/^ℹ cancelled (\d+)/gm), via: 'node:test' };
  }
  if (/^\s*\d+ passing/m.test(out)) return { passed: sum(/^\s*(\d+) passing/gm), failed: sum(/^\s*(\d+) failing/gm), via: 'mocha' };
  return null;
}

// Every layer's temp files (scratch traces, state dirs, code-server's and Chromium's own) go to
// one folder per run, removed at the end: repeated runs on one machine leave nothing in /tmp.
const RUN_TMP = mkdtempSync(path.join(os.tmpdir(), 'p2m-test-run-'));

function runLayer(layer) {
  return new Promise(resolve => {
    const t0 = Date.now();
    const child = spawn(layer.cmd[0], layer.cmd.slice(1), {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...layer.env, FORCE_COLOR: '0', P2M_TEST_RUN: RUN_ID, TMPDIR: RUN_TMP },
    });
    let out = '';
    child.stdout.on('data', d => { out += d; process.stdout.write(d); });
    child.stderr.on('data', d => { out += d; process.stderr.write(d); });
    child.on('error', e => { out += `\n${e.message}`; });
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, out, ms: Date.now() - t0 }));
  });
}

// Every process a layer starts (code-server, its extension host, Chromium, ...) inherits this
// marker, so after the last layer any process still carrying it was left running.
const RUN_ID = `${process.pid}-${Date.now()}`;

function leftovers() {
  const mark = Buffer.from(`P2M_TEST_RUN=${RUN_ID}\0`);
  const found = [];
  for (const pid of readdirSync('/proc').filter(d => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`).includes(mark)) continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 100)}`);
    } catch { /* gone, or not ours to read */ }
  }
  return found;
}

const t0 = Date.now();
const only = process.env.P2M_LAYERS?.split(',').map(s => s.trim()).filter(Boolean);
const rows = [];
const failedLayers = new Set();
for (const layer of LAYERS) {
  if (only && layer.name !== 'build' && !only.includes(layer.name)) continue;
  console.log(`\n━━━━ layer: ${layer.name} ━━━━  (${layer.cmd.map(c => path.basename(c)).join(' ')})`);
  const blockedBy = (layer.requires ?? []).filter(n => failedLayers.has(n));
  if (blockedBy.length) {
    console.log(`[${layer.name}] not run: ${blockedBy.join(', ')} failed`);
    rows.push({ name: layer.name, passed: 0, failed: 1, ms: 0, note: `not run: ${blockedBy.join(', ')} failed` });
    failedLayers.add(layer.name);
    continue;
  }
  const r = await runLayer(layer);
  let counts = parseCounts(r.out);
  let note = counts ? counts.via : '';
  if (layer.name === 'build') {
    counts = { passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
    note = 'type check + bundle';
  } else if (!counts) {
    counts = { passed: 0, failed: 1 };
    note = r.code === 0 ? 'no tests ran (no summary found)' : `exit ${r.code} without a summary`;
  } else if (r.code !== 0 && counts.failed === 0) {
    counts = { ...counts, failed: 1 };
    note = `exit ${r.code} although no test failed`;
  } else if (counts.passed + counts.failed === 0) {
    counts = { passed: 0, failed: 1 };
    note = 'no tests ran';
  }
  if (counts.failed) failedLayers.add(layer.name);
  rows.push({ name: layer.name, ...counts, ms: r.ms, note });
  console.log(`━━━━ ${layer.name}: ${counts.passed} passed, ${counts.failed} failed (${(r.ms / 1000).toFixed(1)}s)`);
}

// Process hygiene is a check of its own: every server/browser must be gone by now.
let left = leftovers();
if (left.length) { await new Promise(r => setTimeout(r, 3000)); left = leftovers(); } // allow exits in flight
rows.push({ name: 'no processes left', passed: left.length ? 0 : 1, failed: left.length ? 1 : 0, ms: 0,
  note: left.length ? `still running: ${left.join(' | ').slice(0, 300)}` : '' });

rmSync(RUN_TMP, { recursive: true, force: true });

const W = Math.max(...rows.map(r => r.name.length));
console.log('\n━━━━ summary ━━━━');
for (const r of rows) {
  const mark = r.failed ? '✘' : '✔';
  console.log(`${mark} ${r.name.padEnd(W)}  ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${(r.ms / 1000).toFixed(1).padStart(6)}s  ${r.note ?? ''}`);
}
const passed = rows.reduce((a, r) => a + r.passed, 0);
const failed = rows.reduce((a, r) => a + r.failed, 0);
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
