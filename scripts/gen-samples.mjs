// Regenerates the trace fixtures (test/fixtures/trace/) and the user samples (samples/)
// from test/unit/trace/helpers/fixtures.ts, using our own writers.
// Usage: node scripts/gen-samples.mjs
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(os.tmpdir(), `p2m-gen-samples-${process.pid}.cjs`);
await esbuild.build({
  entryPoints: [path.join(root, 'test/unit/trace/helpers/fixtures.ts')], bundle: true, platform: 'node',
  format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning',
});
const { buildFiles } = createRequire(import.meta.url)(out);
for (const [rel, data] of Object.entries(buildFiles())) {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, data);
  console.log(`wrote ${rel} (${data.length} ${typeof data === 'string' ? 'chars' : 'bytes'})`);
}
