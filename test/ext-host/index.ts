// Entry loaded by the extension host (extensionTestsPath = out/ext-host/index.js). The contract
// is the one of @vscode/test-electron: export `run(): Promise<void>`, reject on failures. The same
// module serves both hosts: code-server's `?payload` route and desktop VS Code.
//
// Runs every out/ext-host/**/*.test.js (bundled from test/ext-host/**/*.test.ts), mocha TDD UI
// (`suite`/`test`). Results also go to $P2M_EXT_HOST_RESULT_FILE as JSON, so the runner can
// count them without parsing mocha's text.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../extension/ids';
import { removeScratchFiles } from './helpers';
import { setActiveAtStart } from './start-state';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? testFiles(p) : d.name.endsWith('.test.js') ? [p] : [];
  }).sort();
}

interface Result { passed: number; failed: number; failures: { title: string; error: string }[] }

export function run(): Promise<void> {
  // Recorded before any test runs: proves there is no `*`/startup activation.
  setActiveAtStart(vscode.extensions.getExtension(EXTENSION_ID)?.isActive ?? null);
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, grep: process.env.P2M_TEST_GREP || undefined });
  for (const f of testFiles(__dirname)) mocha.addFile(f);
  const result: Result = { passed: 0, failed: 0, failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      removeScratchFiles(); // runs in the host process: no leftovers in the temp dir after a run
      const line = `[ext-host] ${result.passed} passed, ${result.failed} failed`;
      console.log(line);
      const out = process.env.P2M_EXT_HOST_RESULT_FILE;
      if (out) fs.writeFileSync(out, JSON.stringify(result, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => { result.passed++; });
    runner.on('fail', (t, err: unknown) => {
      result.failed++;
      result.failures.push({ title: t.fullTitle(), error: err instanceof Error ? err.message : String(err) });
    });
  });
}
