// A session worker that runs out of heap must reject the pending request with a message that
// names the limit and the way out (index-only mode), and must not take the test process (the
// extension host, in the product) down with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerClient } from '../../../extension/session/worker-client';

test('worker-oom: a load past the heap limit rejects with the limit and index-only advice', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-worker-oom-'));
  // Stands in for a session worker whose load keeps allocating (a trace too big for full mode).
  const script = path.join(dir, 'hog.js');
  fs.writeFileSync(script, `
    const { parentPort } = require('node:worker_threads');
    parentPort.on('message', () => { const keep = []; for (;;) keep.push(new Array(1e5).fill({ x: keep.length })); });
  `);
  const client = new WorkerClient(script, () => {}, 48);
  try {
    const err = await client.request('load', { path: '/nonexistent.p2mtrace', snapshotInterval: 4 }, { timeoutMs: 60_000 })
      .then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof Error, 'the request rejects');
    assert.match(err.message, /48 MB heap/);
    assert.match(err.message, /index-only mode/);
    assert.match(err.message, /session that was open is kept/);
    // Later requests fail fast instead of hanging.
    await assert.rejects(client.request('treeRoots', {}), /not running/);
  } finally {
    await client.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
