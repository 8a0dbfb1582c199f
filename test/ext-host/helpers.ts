// Small helpers for extension-host suites. Changes made through the API (tabs, languages)
// reach the extension host asynchronously, so tests poll instead of reading once.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { P2mApi } from '../../extension/api';
import { EXTENSION_ID } from '../../extension/ids';

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

export function extension(): vscode.Extension<P2mApi> {
  const ext = vscode.extensions.getExtension<P2mApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

/** Activates if needed and returns the extension's API. */
export async function api(): Promise<P2mApi> {
  return extension().activate();
}

/** The `samples/` folder of the extension under test. */
export function samplesDir(): string {
  return path.join(extension().extensionPath, 'samples');
}

// Every test file is its own bundle with its own copy of this module: the list lives on the
// host's global object so the suite runner (another bundle) sees all of them.
const scratchDirs: string[] = ((globalThis as { __p2mScratchDirs?: string[] }).__p2mScratchDirs ??= []);

/** Removes every scratch file's folder; the suite runner calls it once all tests have run. */
export function removeScratchFiles(): void {
  for (const d of scratchDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Write a scratch file outside the workspace (the host runs on this machine). */
export function scratchFile(name: string, content: string): vscode.Uri {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-ext-host-'));
  scratchDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}
