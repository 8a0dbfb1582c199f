// p2m-model.md §6.2 as a test: G1 (1G block), then map GFN 0x40201 → MFN 0x300000, measured on
// the second call alone, under each strategy, with the BBM checker consuming the events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { act, block, entry, Harness, newTable, oldTable, P, page4k, R0, stats } from './helpers';
import type { P2mEvent } from '../../../engine/p2m/events';

function seed(strategy: 'upstream' | 'xen-4.8' | 'legacy') {
  const h = new Harness(strategy);
  const setup = act(h, p => [p.setEntry(0x40000, 0x40000, 0x100000)]);
  assert.deepEqual(setup.rc, [0]);
  assert.equal(entry(h.p, R0, 1), block(0x100000), 'G1 layout is the same under every strategy');
  const r = act(h, p => [p.setEntry(0x40201, 1, 0x300000)]);
  assert.deepEqual(r.rc, [0]);
  return { h, r };
}

test('§6.2 legacy: 1 flush at the end, 3 in-place overwrites (all violations), 1024 fresh stores', () => {
  const { h, r } = seed('legacy');
  assert.equal(r.flushes, 1);
  assert.equal(r.byCause['legacy-end'], 1);
  assert.deepEqual([r.allocated, r.freed], [2, 0]);
  assert.equal(r.fresh, 1024);
  assert.equal(r.live, 3);
  assert.equal(r.inPlace, 3);
  assert.equal(r.violations, 3);
  const v = h.checker.violations;
  assert.deepEqual(v.map(f => [f.rule, f.entry.level, f.reasons.join('+')]),
    [['bbm-valid-change', 1, 'block-size'], ['bbm-valid-change', 2, 'block-size'], ['bbm-valid-change', 3, 'output-address']]);
  assert.deepEqual(stats(h.p), { m: [0, 511, 512], sh: [1, 1] });
  assert.deepEqual(h.p.stats().leafCounts.slice(1), [0, 511, 512], 'no drift under legacy');
  // Layout: type-0 tables linked in place, the page rewritten in place.
  assert.equal(entry(h.p, R0, 1), oldTable(P(0)));
  assert.equal(entry(h.p, P(0), 1), oldTable(P(1)));
  assert.equal(entry(h.p, P(1), 1), page4k(0x300000));
  assert.equal(entry(h.p, P(1), 2), page4k(0x100202));
  assert.equal(h.p.maxMappedGfn, 0x80000, 'end-exclusive max_mapped_gfn');
  // Views: the type-0 tables are followed (children, entry GFNs), types named as today.
  const p1 = h.p.tablePage(P(1))!;
  assert.deepEqual([p1.level, p1.live, p1.entries.length, p1.entries[1].gfn], [3, true, 512, 0x40201]);
  assert.equal(h.p.tablePage(P(0))!.entries[1].child, P(1));
  assert.deepEqual(h.p.walk(0x40201).map(s => s.level), [1, 2, 3]);
  assert.deepEqual(h.p.regions(0x40200, 0x40202).map(r => [r.gfn, r.count, r.mfn]), [[0x40200, 1, 0x100200], [0x40201, 1, 0x300000], [0x40202, 1, 0x100202]]);
  // Order: everything in place, the single flush comes last.
  const kinds = r.events.filter((e): e is Extract<P2mEvent, { kind: 'pteWrite' | 'tlbFlush' }> =>
    (e.kind === 'pteWrite' && e.live) || e.kind === 'tlbFlush');
  assert.deepEqual(kinds.map(e => e.kind === 'tlbFlush' ? `flush ${e.cause}` : `L${e.level}[${e.index}]`),
    ['L1[1]', 'L2[1]', 'L3[1]', 'flush legacy-end']);
});

test('§6.2 upstream: 2 forced flushes, 0 violations, 4 live and 1025 fresh stores, 4K drift −1', () => {
  const { h, r } = seed('upstream');
  assert.equal(r.flushes, 2);
  assert.deepEqual([r.byCause['bbm-split'], r.byCause['bbm-replace']], [1, 1]);
  assert.deepEqual([r.allocated, r.freed], [2, 0]);
  assert.equal(r.fresh, 1025);
  assert.equal(r.live, 4);
  assert.equal(r.inPlace, 0);
  assert.equal(r.violations, 0);
  assert.deepEqual(stats(h.p), { m: [0, 511, 511], sh: [1, 1] });
  assert.equal(entry(h.p, R0, 1), newTable(P(0)));
  assert.equal(entry(h.p, P(1), 1), 0x0080_0003_0000_07ffn);
});

test('§6.2 xen-4.8: the BBM numbers of upstream, with 2016 type-0 tables and exclusive max', () => {
  const { h, r } = seed('xen-4.8');
  assert.equal(r.flushes, 2);
  assert.deepEqual([r.byCause['bbm-split'], r.byCause['bbm-replace']], [1, 1]);
  assert.deepEqual([r.allocated, r.freed, r.fresh, r.live, r.violations], [2, 0, 1025, 4, 0]);
  assert.deepEqual(stats(h.p), { m: [0, 511, 511], sh: [1, 1] });
  assert.equal(entry(h.p, R0, 1), oldTable(P(0)));
  assert.equal(entry(h.p, P(0), 1), oldTable(P(1)));
  assert.equal(h.p.maxMappedGfn, 0x80000);
});

test('§6.2 all strategies translate the same afterwards', () => {
  for (const s of ['upstream', 'xen-4.8', 'legacy'] as const) {
    const { h } = seed(s);
    const e = h.p.lookup(0x40201);
    assert.deepEqual([e.mfn, e.type, e.order], [0x300000, 1, 0], s);
    assert.deepEqual([h.p.lookup(0x40200).mfn, h.p.lookup(0x40400).mfn, h.p.lookup(0x40400).order], [0x100200, 0x100400, 9], s);
  }
});
