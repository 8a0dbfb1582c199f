// The session worker bundle over worker_threads: typed requests, load progress, paging, and
// failures as rejected promises (never a hung request or a crashed host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerClient } from '../../../extension/session/worker-client';
import type { LoadProgress } from '../../../extension/session/worker-protocol';

const root = process.env.P2M_ROOT ?? process.cwd();

async function bundle(): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-worker-')), 'session-worker.js');
  await esbuild.build({ entryPoints: [path.join(root, 'extension/session/session-worker.ts')], bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning' });
  return out;
}

test('worker: load with progress, tree, log page, seek; errors reject', async () => {
  const client = new WorkerClient(await bundle());
  try {
    await assert.rejects(client.request('treeRoots', {}), /no trace loaded/);
    const progress: LoadProgress[] = [];
    const s = await client.request('load', { path: path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace'), snapshotInterval: 4 },
      { onProgress: p => progress.push(p) });
    assert.ok(s.opCount >= 2);
    assert.ok(progress.some(p => p.phase === 'read' && p.bytes > 0 && p.bytes === p.totalBytes));
    const roots = await client.request('treeRoots', {});
    assert.equal(roots[0].label, 'Domain 1 (vmid 1)');
    const c0 = await client.request('seek', { position: 0 });
    assert.equal(c0.position, 0);
    const q = await client.request('logQuery', { filter: {} });
    assert.equal(q.total, s.opCount);
    const page = await client.request('logPage', { offset: 0, count: 200 });
    assert.equal(page.rows.length, s.opCount);
    const c1 = await client.request('seek', { position: s.opCount });
    assert.equal(c1.position, s.opCount);
    await assert.rejects(client.request('load', { path: path.join(root, 'samples/does-not-exist.p2mtrace'), snapshotInterval: 4 }), /ENOENT|no such file/);
  } finally {
    await client.dispose();
  }
  await assert.rejects(client.request('treeRoots', {}), /not running|closed/);
});
