// Shared helpers for the tests that drive the `p2m` CLI in-process: write small traces to a
// fresh temp folder, and run main() capturing its exit code, stdout and stderr.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../engine/cli/main';

/** A new temp folder (one per test file) and a writer of named trace files in it. */
export function tempTraces(prefix: string): { dir: string; trace: (name: string, text: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const trace = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  return { dir, trace };
}

/** main(argv) with its output captured. */
export function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '', err = '';
  const code = main(argv, { out: s => { out += s; }, err: s => { err += s; } });
  return { code, out, err };
}
