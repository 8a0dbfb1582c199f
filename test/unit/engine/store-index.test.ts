// The table store's flat lookup index and the event log's one-word forms are speed devices:
// they must never change what the engine reports. These tests drive random workloads through
// snapshot / restore round trips (the index is dropped and refilled lazily) and compare every
// observable (leaves, stats, pages list, table views, dump) with an engine that replayed the
// same calls from scratch; and check that one-word and two-word event forms decode alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { EventLog } from '../../../engine/p2m/event-log';
import { rng } from '../helpers/rng';

interface Call { gfn: number; nr: number; mfn: number }

/** Mixed 4K/2M calls over a window wide enough to need many table pages; ~25% removals. */
function calls(seed: number, n: number): Call[] {
  const r = rng(seed), out: Call[] = [];
  for (let i = 0; i < n; i++) {
    const big = r() < 0.04;
    const gfn = big ? Math.floor(r() * 2048) * 512 : Math.floor(r() * 2 ** 20);
    const mfn = r() < 0.25 ? -1 : big ? Math.floor(r() * 4096) * 512 : Math.floor(r() * 2 ** 22);
    out.push({ gfn, nr: big ? 512 : 1, mfn });
  }
  return out;
}

function apply(p: P2m, cs: Call[], from: number, to: number): void {
  for (let i = from; i < to; i++) p.setEntry(cs[i].gfn, cs[i].nr, cs[i].mfn, cs[i].mfn < 0 ? 0 : 1, 7);
}

/** Everything a view can see of the tables, as one string. */
function observe(p: P2m): string {
  const pages = p.pagesList();
  const views = [...p.rootTables(), ...pages.slice(0, 64)].map(m => p.tablePage(m));
  return JSON.stringify({ leaves: p.leaves(), stats: p.stats(), pages, views, dump: p.dumpInfo() },
    (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v));
}

function quiet(): P2m {
  const log = new EventLog();
  log.enabled = false;
  return new P2m({ ipaBits: 40, poolPages: 3000, log });
}

test('snapshots restored into the same and into another engine equal a from-scratch replay', () => {
  const cs = calls(11, 6000);
  const rec = quiet();
  const snaps: { at: number; s: ReturnType<P2m['snapshot']> }[] = [];
  for (let at = 0; at < cs.length; at += 1000) {
    apply(rec, cs, at, at + 1000);
    snaps.push({ at: at + 1000, s: rec.snapshot() });
  }
  const expected = snaps.map(({ at }) => { const ref = quiet(); apply(ref, cs, 0, at); return observe(ref); });
  const scratch = quiet();
  // Backwards and forwards, with writes in between that must not leak into the snapshots.
  for (const k of [5, 0, 3, 1, 4, 2, 5]) {
    scratch.restore(snaps[k].s);
    assert.equal(observe(scratch), expected[k], `scratch after restoring snapshot ${k}`);
    apply(scratch, cs, 0, 700);
  }
  rec.restore(snaps[2].s);
  assert.equal(observe(rec), expected[2], 'recording engine after restoring its own snapshot');
  apply(rec, cs, snaps[2].at, snaps[3].at);
  assert.equal(observe(rec), expected[3], 'recording engine re-executing one interval');
  for (let k = 0; k < snaps.length; k++) {
    scratch.restore(snaps[k].s);
    assert.equal(observe(scratch), expected[k], `snapshot ${k} unchanged at the end`);
  }
});

test('lookups after a restore see the restored tables even for pages not touched since', () => {
  const cs = calls(12, 3000);
  const a = quiet();
  apply(a, cs, 0, 1500);
  const snap = a.snapshot();
  const before = cs.slice(0, 1500).map(c => JSON.stringify(a.lookup(c.gfn)));
  apply(a, cs, 1500, 3000);
  a.restore(snap);
  // Only lookups here (no writes): every page comes back through the lazily refilled index.
  assert.deepEqual(cs.slice(0, 1500).map(c => JSON.stringify(a.lookup(c.gfn))), before);
});

test('one-word and two-word event forms decode to the same fields (get and feed)', () => {
  const p = new P2m({ ipaBits: 40, poolPages: 2, log: new EventLog() });
  p.setEntry(0x1000, 1, 0x5000);                    // rc 0: one-word frameLeave / opEnd
  p.setEntry(0x100000, 1, 0x6000);                  // needs a new L2 page: the 2-page pool is empty
  const rcs = p.log.toArray().filter(e => e.kind === 'opEnd').map(e => (e.kind === 'opEnd' ? e.rc : 0));
  assert.equal(rcs[0], 0);
  assert.ok(rcs[1] < 0, `second op fails with a negative errno, got ${rcs[1]}`);
  const leaves = p.log.toArray().filter(e => e.kind === 'frameLeave').map(e => (e.kind === 'frameLeave' ? e.rc : 0));
  assert.ok(leaves.includes(0) && leaves.some(rc => rc < 0), 'frameLeave with rc 0 and with an errno');
  // stat deltas: ±1 (one word) and the split's +512 / -1 (one word); a delta past 23 bits takes two.
  const log = new EventLog();
  for (const d of [1, -1, 512, -512, 2 ** 22 - 1, -(2 ** 22), 2 ** 22, -(2 ** 22) - 1, 2 ** 31 - 1, -(2 ** 31)]) log.stat(0, 3, d);
  log.stat(1, 2, 7);
  const got = log.toArray().map(e => (e.kind === 'stat' ? [e.field, e.level, e.delta] : []));
  assert.deepEqual(got, [
    ['mappings', 3, 1], ['mappings', 3, -1], ['mappings', 3, 512], ['mappings', 3, -512], ['mappings', 3, 2 ** 22 - 1],
    ['mappings', 3, -(2 ** 22)], ['mappings', 3, 2 ** 22], ['mappings', 3, -(2 ** 22) - 1], ['mappings', 3, 2 ** 31 - 1],
    ['mappings', 3, -(2 ** 31)], ['shattered', 2, 7],
  ]);
  // Random access after the mixed sizes: every event is where the index says it is.
  for (let i = log.length - 1; i >= 0; i -= 3) assert.equal(log.kindAt(i), 'stat');
  const ends: number[] = [];
  p.log.feed({
    onOpBegin() {}, onOpEnd(_i, _op, rc) { ends.push(rc); }, onPteWrite() {}, onPteClean() {}, onTlbFlush() {},
    onNeedFlushSet() {}, onTableAlloc() {}, onTableZero() {}, onTableClean() {}, onTableFree() {},
  });
  assert.deepEqual(ends, rcs);
});
