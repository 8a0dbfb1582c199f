// Fuzz finding (seed 2026, input 25612): `config pool_pages=4294967296` made the engine build
// a 2^32-entry free list up front (16 GB, and again per snapshot): the fuzz process was OOM-
// killed at 21 GB RSS. Initial pool pages are now minted on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { Pool } from '../../../engine/p2m/pool';
import { readTrace } from '../../../engine/trace/index';
import { EngineMachine } from '../../../engine/replay/engine-machine';

test('a 2^32-page pool costs no memory up front and accounts correctly', () => {
  const rss0 = process.memoryUsage().rss;
  const p = new P2m({ poolPages: 2 ** 32 });
  assert.equal(p.setEntry(0x1, 1, 0x5001, 'ram_rw', 'rwx'), 0); // needs L2 + L3 tables
  const s = p.stats();
  assert.equal(s.tablePages.inUse + s.tablePages.poolFree, 2 ** 32);
  const snap = p.snapshot();
  p.restore(snap);
  assert.ok(process.memoryUsage().rss - rss0 < 256 * 2 ** 20, 'RSS grew by less than 256 MB');
});

test('lazy minting keeps the FIFO order and the ids of the eager pool', () => {
  const lazy = new Pool(2, 4, false);
  const got = [lazy.alloc(), lazy.alloc()];
  lazy.release(got[0]);
  const next = [lazy.alloc(), lazy.alloc(), lazy.alloc(), lazy.alloc()];
  // P0, P1 out; P0 back to the tail: P2, P3 first, then P0, then empty.
  assert.deepEqual(got, [2, 3]);
  assert.deepEqual(next, [4, 5, 2, -1]);
  assert.equal(lazy.totalMinted, 4);
  const g = new Pool(2, 2, false);
  g.release(g.alloc());     // ring holds P0, reserve holds P1
  g.grow(1);                // P2 appended after P0
  assert.deepEqual([g.alloc(), g.alloc(), g.alloc(), g.alloc()], [3, 2, 4, -1]);
});

test('the fuzz input replays through the machine', () => {
  const r = readTrace(new TextEncoder().encode('config ipa_bits=40 pool_pages=4294967296\np2m_set_entry gfn=0x1 nr=1 mfn=0x2 t=ram_rw a=rwx\n'), { format: 'p2mtrace' });
  const m = new EngineMachine([...r.store]);
  m.reset();
  for (let i = 0; i < m.ops.length; i++) m.execute(i, true);
  const pool = m.view(m.domains[0]).pool();
  assert.equal(pool.total, 2 ** 32);
  assert.equal(pool.free + pool.used, 2 ** 32);
});
