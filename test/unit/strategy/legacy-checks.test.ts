// p2m-model.md §9 "legacy" extra checks and §6.1 behaviour of the `legacy` strategy
// (apply_p2m_changes): G1 with an exclusive max_mapped_gfn, G5 (1 flush, 514 stores), G8
// (1 flush, both tables reclaimed, 1G/2M stats −1/−1), G3's 4K+2M+4K, rollback on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { act, block, entry, entryCount, Harness, INVALID, oldTable, P, page4k, R0, stats } from './helpers';

test('legacy G1: same layout and stats as upstream, max_mapped_gfn end-exclusive (0x80000)', () => {
  const h = new Harness('legacy');
  const r = act(h, p => [p.setEntry(0x40000, 0x40000, 0x100000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(h.p, R0, 1), block(0x100000));
  assert.deepEqual(stats(h.p), { m: [1, 0, 0], sh: [0, 0] });
  assert.equal(h.p.maxMappedGfn, 0x80000);
  assert.equal(h.p.lowestMappedGfn, 0x40000);
  assert.deepEqual([r.flushes, r.allocated, r.violations], [0, 0, 0]);
});

test('legacy G2: table entries have type 0 (0x004000008001077F for P0)', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.equal(entry(h.p, R0, 0), 0x0040_0000_8001_077fn);
  assert.equal(entry(h.p, P(0), 1), block(0x200000));
  assert.deepEqual(stats(h.p), { m: [0, 1, 0], sh: [0, 0] });
});

test('legacy G5: G2 then remove 0x205 → 1 flush, 514 stores, block shattered in place', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  const r = act(h, p => [p.setEntry(0x205, 1, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.flushes, 1);
  assert.equal(r.byCause['legacy-end'], 1);
  assert.equal(r.events.filter(e => e.kind === 'pteWrite').length, 514);
  assert.equal(r.fresh, 512);
  assert.equal(r.live, 2);
  assert.equal(entry(h.p, P(0), 1), oldTable(P(1)));
  assert.equal(entry(h.p, P(1), 5), 0n);
  assert.equal(entry(h.p, P(1), 4), page4k(0x200004));
  assert.deepEqual(stats(h.p), { m: [0, 0, 511], sh: [0, 1] });
  assert.equal(r.violations, 1, 'the in-place block → table store needs BBM');
  assert.deepEqual(h.checker.violations[0].reasons, ['block-size']);
});

test('legacy G8: remove a 512 × 4K range → 1 flush, P1 and P0 reclaimed, stats 1G/2M = −1/−1', () => {
  const h = new Harness('legacy');
  const map = act(h, p => [p.setEntry(0x1400, 0x200, 0x9001)]);
  assert.deepEqual(map.rc, [0]);
  assert.equal(entryCount(h.p, P(1)), 512, 'MFN unaligned: 512 × 4K');
  assert.deepEqual(stats(h.p), { m: [0, 0, 512], sh: [0, 0] });
  const r = act(h, p => [p.setEntry(0x1400, 0x200, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.flushes, 1);
  assert.deepEqual([r.allocated, r.freed], [0, 2]);
  assert.deepEqual(stats(h.p), { m: [-1, -1, 0], sh: [0, 0] });
  assert.equal(entry(h.p, R0, 0), 0n, 'P0 unlinked from the root too');
  assert.deepEqual(h.p.pagesList(), []);
  // Freed only after the end-of-call flush: no table is freed while walks may be cached.
  const flushAt = r.events.findIndex(e => e.kind === 'tlbFlush');
  const freeAt = r.events.findIndex(e => e.kind === 'tableFree');
  assert.ok(flushAt >= 0 && freeAt > flushAt);
  assert.equal(h.checker.counts.violationsByRule['table-free-unflushed'], 0);
  assert.ok(h.p.diagnostics.some(d => d.code === 'sim-stats-negative'), 'negative counters are reported as drift');
  const drift = h.p.diagnostics.filter(d => d.code === 'sim-stats-drift');
  assert.equal(drift.length, 1);
  assert.match(drift[0].message, /legacy reclaim unlinked 2 emptied table page/);
});

test('legacy G3: an unaligned end still gives 4K + 2M + 4K with 3 pages', () => {
  const h = new Harness('legacy');
  const r = act(h, p => [p.setEntry(0x1ff, 0x202, 0x2001ff)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.allocated, 3);
  assert.equal(entry(h.p, P(0), 1), block(0x200200));
  assert.deepEqual(stats(h.p), { m: [0, 1, 2], sh: [0, 0] });
  assert.equal(h.p.maxMappedGfn, 0x1ff + 0x202);
});

test('legacy: an INSERT failing after progress is undone by a nested REMOVE', () => {
  const h = new Harness('legacy', { poolPages: 2 });
  const r = act(h, p => [p.setEntry(0x1ff, 0x402, 0x2001ff)]);
  assert.ok(r.rc[0] < 0, 'pool exhausted');
  assert.equal(h.p.lookup(0x1ff).mfn, -1, 'GFN 0x1ff mapped before the failure is removed again');
  assert.deepEqual(h.p.leaves(), []);
  assert.ok(r.byCause['legacy-end'] >= 1);
});

test('legacy: remapping a valid page in place is flagged; rewriting it identically is not', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x1000, 1, 0x5000)]);
  const same = act(h, p => [p.setEntry(0x1000, 1, 0x5000)]);
  assert.deepEqual([same.inPlace, same.violations, same.flushes], [1, 0, 1]);
  const other = act(h, p => [p.setEntry(0x1000, 1, 0x6000)]);
  assert.deepEqual([other.inPlace, other.violations], [1, 1]);
  assert.deepEqual(h.checker.violations[0].reasons, ['output-address']);
  assert.deepEqual(stats(h.p), { m: [0, 0, 1], sh: [0, 0] }, 'legacy counts no drift on a remap');
});

test('legacy: mem_access shatters while descending and rewrites L3 permissions in place', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  const r = act(h, p => [p.setMemAccess(0x205, 1, 'r')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.flushes, 1);
  assert.equal(entry(h.p, P(1), 5), 0x00c0_0002_0000_577fn);
  assert.equal(h.p.lookup(0x205).access, 1);
  assert.equal(r.violations, 1, 'the in-place shatter; the permission change itself is allowed');
});

test('legacy: set/way operations did not exist in 2016 and only leave a diagnostic', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x1000, 1, 0x5000)]);
  const r = act(h, p => { p.invalidateRoot(); return [p.resolveTranslationFault(0x1000) ? 1 : 0]; });
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.events.filter(e => e.kind === 'pteWrite').length, 0);
  assert.ok(h.p.diagnostics.some(d => d.message.includes('not modelled')));
});

test('legacy relinquish removes everything with one flush', () => {
  const h = new Harness('legacy');
  act(h, p => [p.setEntry(0x40000, 0x40000, 0x100000), p.setEntry(0x40201, 1, 0x300000)]);
  const r = act(h, p => { p.setDying(true); return [p.relinquish()]; });
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.flushes, 1);
  assert.deepEqual(h.p.leaves(), []);
});
