// Shared machinery for the tests that need a real VS Code: code-server (VS Code 1.100.3 in the
// browser, installed by scripts/setup outside the repo) driven by Debian's Chromium through
// playwright-core. Used by scripts/test-ext-host.mjs, test/e2e/run.mjs and scripts/open-samples.mjs.
//
// Process hygiene: every server binds 127.0.0.1 on a free port, is spawned detached (its own
// process group) and is stopped by that group id, so its extension host and helpers go too.
// Anything started here is also stopped on exit or on SIGINT/SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CODE_SERVER_VERSION = '4.100.3';
/** Where scripts/setup installs it (same P2M_CODE_SERVER_DIR override); P2M_CODE_SERVER names the binary directly. */
export const CODE_SERVER = process.env.P2M_CODE_SERVER
  || path.join(process.env.P2M_CODE_SERVER_DIR || path.join(os.homedir(), `.cache/code-server-${CODE_SERVER_VERSION}`),
    'node_modules/.bin/code-server');
export const CHROMIUM = process.env.P2M_CHROMIUM || '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT, 'test-results');
/** Throwaway state (user data, extensions, logs) lives here, git-ignored. */
export const STATE_ROOT = path.join(ROOT, '.cs');

/** Fail loudly, with what is missing and how to install it, instead of skipping. */
export function requirePrerequisites({ browser = true } = {}) {
  const missing = [];
  if (!existsSync(CODE_SERVER)) missing.push(`code-server ${CODE_SERVER_VERSION} (expected at ${CODE_SERVER}; set P2M_CODE_SERVER_DIR or P2M_CODE_SERVER to override)`);
  if (browser && !existsSync(CHROMIUM)) missing.push(`Chromium (expected at ${CHROMIUM}; set P2M_CHROMIUM to override)`);
  if (missing.length) {
    const msg = ['MISSING PREREQUISITES:', ...missing.map(m => `  - ${m}`),
      'Install them with:  bash scripts/setup   (as root: apt packages chromium ripgrep libkrb5-dev',
      'build-essential python3, then code-server into ~/.cache; see README "Set-up").'].join('\n');
    throw new Error(msg);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Keep the workbench quiet and offline: no welcome page, trust prompt, tips, updates, gallery.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'window.dialogStyle': 'custom',
  'git.enabled': false,
};

/** Everything started by this process, stopped in reverse order on exit/signals. */
const live = new Set();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  const killAll = () => { for (const p of live) killGroup(p.pid, 'SIGKILL'); };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { killAll(); process.exit(128 + (os.constants.signals[sig] ?? 1)); });
  }
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

const alive = pid => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };

/**
 * Fresh state directory `.cs/<name>-<pid>`: per process, because several people may run tests
 * in one working tree at once. Directories of processes that no longer exist are removed first;
 * the latest one of a finished run stays for its logs until the next run.
 */
export function freshStateDir(name) {
  mkdirSync(STATE_ROOT, { recursive: true });
  for (const d of readdirSync(STATE_ROOT)) {
    const m = /-(\d+)$/.exec(d);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(path.join(STATE_ROOT, d), { recursive: true, force: true });
  }
  const dir = path.join(STATE_ROOT, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function csArgs(stateDir, extensionsDir) {
  const userDataDir = path.join(stateDir, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  const configFile = path.join(stateDir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n'); // so ~/.config/code-server is neither read nor written
  return { userDataDir, configFile,
    common: ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir] };
}

/** Install a .vsix into `extensionsDir` with code-server's own CLI (no gallery involved). */
export function installVsix(vsix, stateDir, extensionsDir) {
  const { common } = csArgs(stateDir, extensionsDir);
  const r = spawnSync(CODE_SERVER, [...common, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Start code-server on 127.0.0.1:<free port> (or `port`) with throwaway dirs; resolves once
 * /healthz answers. `env` reaches the extension host's process.env.
 */
export async function startCodeServer({ stateDir, folder, extensionsDir, env = {}, port }) {
  requirePrerequisites({ browser: false });
  hookExit();
  port ??= await freePort();
  extensionsDir ??= path.join(stateDir, 'extensions');
  const { common } = csArgs(stateDir, extensionsDir);
  const args = [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--ignore-last-opened',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', folder];
  const logFile = path.join(stateDir, 'code-server.log');
  const log = createWriteStream(logFile);
  // detached: own process group, so stop() reaches the extension host and pty helpers too.
  // EXTENSIONS_GALLERY={} disables marketplace lookups (they would fail offline anyway).
  const proc = spawn(CODE_SERVER, args, {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
  });
  live.add(proc);
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      killGroup(proc.pid, 'SIGTERM');
      const exited = await Promise.race([
        new Promise(r => proc.once('exit', () => r(true))),
        new Promise(r => setTimeout(() => r(false), 5000)),
      ]);
      if (!exited) killGroup(proc.pid, 'SIGKILL');
    }
    // The group may outlive its leader (e.g. an extension host still shutting down).
    killGroup(proc.pid, 'SIGKILL');
    live.delete(proc);
  };
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) { await stop(); throw new Error(`code-server exited early (${proc.exitCode}); log: ${logFile}`); }
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() - t0 > 30_000) { await stop(); throw new Error(`code-server did not answer /healthz within 30 s; log: ${logFile}`); }
    await new Promise(r => setTimeout(r, 100));
  }
  return { port, url, authority: `127.0.0.1:${port}`, proc, stop, logFile, extensionsDir };
}

/** Headless Debian Chromium. Playwright supplies its own temporary profile directory. */
export async function launchBrowser() {
  requirePrerequisites();
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Abort (and record) every request that leaves 127.0.0.1: the tests must work offline. */
export async function guardNetwork(context) {
  const external = [];
  await context.route('**/*', route => {
    const u = new URL(route.request().url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname !== '127.0.0.1') {
      external.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  return external;
}

/** Workbench URL opening `folder`, optionally with a test `payload`. */
export function workbenchUrl(cs, folder, payload) {
  let url = `${cs.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** `vscode-remote://` URI for a local path, the only form code-server's test payload loads. */
export const remoteUri = (cs, p) => `vscode-remote://${cs.authority}${p}`;

export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.statusbar').waitFor({ timeout });
}

export const seconds = t0 => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
