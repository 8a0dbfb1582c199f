// Not losing work, at the session-worker level (the extension-host side is in
// test/ext-host/ui-session.test.ts): cancelling a load halfway rejects promptly and stops the
// worker; a second load on a fresh worker while the first one is still running completes and
// the first one is dropped; a worker that dies mid-request (an OOM, say) rejects its pending
// requests instead of leaving them hanging; a corrupt trace is an error, not a crash, and the
// worker keeps its previous session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerClient } from '../../../extension/session/worker-client';

const root = process.env.P2M_ROOT ?? process.cwd();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-recovery-'));
let bundled: string | undefined;

async function workerPath(): Promise<string> {
  if (bundled) return bundled;
  bundled = path.join(tmp, 'session-worker.js');
  await esbuild.build({ entryPoints: [path.join(root, 'extension/session/session-worker.ts')], bundle: true,
    platform: 'node', format: 'cjs', target: 'node20', outfile: bundled, logLevel: 'warning' });
  return bundled;
}

function bigTrace(ops: number): string {
  const f = path.join(tmp, `big-${ops}.p2mtrace`);
  let s = 'config pool_pages=unlimited\n';
  for (let i = 0; i < ops; i++) s += `p2m_set_entry gfn=0x${(0x40000 + (i & 0x3fff)).toString(16)} nr=1 mfn=0x${(0x100000 + i).toString(16)} t=ram_rw a=rwx\n`;
  fs.writeFileSync(f, s);
  return f;
}

test('cancelling a load halfway rejects promptly and leaves no worker running', async () => {
  const file = bigTrace(150_000);
  const client = new WorkerClient(await workerPath());
  const load = client.request('load', { path: file, snapshotInterval: 2048 }, { timeoutMs: 0 });
  const rejected = assert.rejects(load, /session closed|exited/);
  await new Promise(r => setTimeout(r, 150));
  const t0 = Date.now();
  await client.dispose(); // what the progress notification's Cancel does
  await rejected;
  assert.ok(Date.now() - t0 < 2000, 'cancel took effect within 2 s');
  await assert.rejects(client.request('treeRoots', {}), /not running|closed/);
});

test('a second load on a new worker while the first is running: the second wins, the first is dropped', async () => {
  const file = bigTrace(150_000);
  const first = new WorkerClient(await workerPath());
  const p1 = first.request('load', { path: file, snapshotInterval: 2048 }, { timeoutMs: 0 });
  const p1done = p1.then(() => 'loaded', (e: Error) => e.message);
  const second = new WorkerClient(await workerPath());
  await first.dispose(); // TraceSession.load disposes the pending client of an earlier load
  const s = await second.request('load', { path: path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace'), snapshotInterval: 4 }, { timeoutMs: 0 });
  assert.ok(s.opCount >= 2);
  assert.match(await p1done, /session closed|exited/);
  const roots = await second.request('treeRoots', {});
  assert.equal(roots[0].label, 'Domain 1 (vmid 1)');
  await second.dispose();
});

test('a corrupt trace fails the load without losing the loaded session', async () => {
  const client = new WorkerClient(await workerPath());
  try {
    const s = await client.request('load', { path: path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace'), snapshotInterval: 4 });
    const corrupt = path.join(tmp, 'corrupt.p2mtrace');
    fs.writeFileSync(corrupt, Buffer.from([0x03, 0xf0, 0x01, 0x20, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    await assert.rejects(client.request('load', { path: corrupt, snapshotInterval: 4 }), /no trace records|cannot/);
    // The worker is still alive and answers; the host keeps showing its last good session.
    const again = await client.request('load', { path: path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace'), snapshotInterval: 4 });
    assert.equal(again.opCount, s.opCount);
  } finally { await client.dispose(); }
});

test('a worker that dies mid-request rejects the pending request (no hang)', async () => {
  const dying = path.join(tmp, 'dying-worker.js');
  fs.writeFileSync(dying, "require('node:worker_threads').parentPort.on('message', () => process.exit(70));\n");
  const client = new WorkerClient(dying);
  const t0 = Date.now();
  await assert.rejects(client.request('treeRoots', {}, { timeoutMs: 0 }), /exited \(code 70\)/);
  assert.ok(Date.now() - t0 < 5000);
  await assert.rejects(client.request('treeRoots', {}), /not running/);
  await client.dispose();
});
