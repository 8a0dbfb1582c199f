// Standalone runner for bench/parse-xentrace.ts until scripts/bench.mjs registers it.
// Usage: node bench/parse-xentrace.run.mjs [--size small] [--json]
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const out = path.join(os.tmpdir(), `p2m-bench-parse-xentrace-${process.pid}.cjs`);
await esbuild.build({
  entryPoints: [path.join(import.meta.dirname, 'parse-xentrace.ts')], bundle: true, platform: 'node',
  format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning',
});
const { run } = createRequire(import.meta.url)(out);
const i = process.argv.indexOf('--size');
const res = run(i > 0 && process.argv[i + 1] === 'small' ? 'small' : 'full');
console.log(process.argv.includes('--json') ? JSON.stringify(res) : `${res.name}: ${JSON.stringify(res.metrics)}`);
