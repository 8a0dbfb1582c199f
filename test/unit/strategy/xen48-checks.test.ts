// The `xen-4.8` strategy's differences from upstream (p2m-model.md §10, issue §3), each shown
// against upstream on the same calls: 4K removals (INVALID_MFN in the mask), exclusive
// max_mapped_gfn, free before the IOMMU flush, type-0 tables, the 2016 type enumeration, and the
// `rfc-missing-else` toggle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { act, entry, Harness, INVALID, newTable, oldTable, P, R0, stats } from './helpers';

test('xen-4.8: removals go 4K by 4K (INVALID_MFN in the mask); upstream removes the 2M block at once', () => {
  const up = new Harness('upstream'), old = new Harness('xen-4.8');
  for (const h of [up, old]) act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  const ru = act(up, p => [p.setEntry(0x200, 0x200, INVALID, 'invalid')]);
  const ro = act(old, p => [p.setEntry(0x200, 0x200, INVALID, 'invalid')]);
  assert.deepEqual([ru.rc, ro.rc], [[0], [0]]);
  const chunks = (a: typeof ru) => a.events.filter(e => e.kind === 'frameEnter' && e.frame === '__p2m_set_entry').length;
  assert.equal(chunks(ru), 1);
  assert.equal(chunks(ro), 512);
  assert.equal(ru.allocated, 0);
  assert.equal(ro.allocated, 1, 'the first 4K removal splits the 2M block');
  assert.equal(ro.byCause['bbm-split'], 1);
  assert.equal(ro.violations, 0, 'still break-before-make');
  assert.deepEqual(stats(up.p), { m: [0, 0, 0], sh: [0, 0] });
  assert.deepEqual(stats(old.p), { m: [0, 0, 0], sh: [0, 1] });
  assert.deepEqual(old.p.leaves(), []);
  assert.ok(old.p.diagnostics.some(d => /goes 4K by 4K/.test(d.message)), 'the quirk is explained to the user');
  assert.ok(!up.p.diagnostics.some(d => /goes 4K by 4K/.test(d.message)));
});

test('xen-4.8: max_mapped_gfn is the exclusive end', () => {
  const up = new Harness('upstream'), old = new Harness('xen-4.8');
  for (const h of [up, old]) act(h, p => [p.setEntry(0x1000, 1, 0x5000), p.setEntry(0x40000, 0x40000, 0x100000)]);
  assert.equal(up.p.maxMappedGfn, 0x7ffff);
  assert.equal(old.p.maxMappedGfn, 0x80000);
});

test('xen-4.8: table entries have type 0; upstream stamps them ram_rw', () => {
  const up = new Harness('upstream'), old = new Harness('xen-4.8');
  for (const h of [up, old]) act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.equal(entry(up.p, R0, 0), newTable(P(0)));
  assert.equal(entry(old.p, R0, 0), oldTable(P(0)));
  assert.equal(old.p.lookup(0x205).mfn, 0x200005, 'walks follow type-0 tables (valid = bit 0)');
  assert.deepEqual(old.p.walk(0x205).map(s => s.level), [1, 2]);
});

test('xen-4.8: the 2016 type enumeration in bits 55–58; lookups still name the type', () => {
  const up = new Harness('upstream'), old = new Harness('xen-4.8');
  for (const h of [up, old]) act(h, p => [p.setEntry(0x1000, 1, 0x5000, 'mmio_direct_c'), p.setEntry(0x1001, 1, 0x6000, 'grant_map_ro')]);
  const typeBits = (h: Harness, g: number) => Number((h.p.walk(g).at(-1)!.descriptor >> 55n) & 0xfn);
  assert.equal(typeBits(up, 0x1000), 5);
  assert.equal(typeBits(old, 0x1000), 4, '2016: mmio_direct_c = 4');
  assert.equal(typeBits(up, 0x1001), 9);
  assert.equal(typeBits(old, 0x1001), 7, '2016: grant_map_ro = 7');
  assert.equal(old.p.lookup(0x1000).type, up.p.lookup(0x1000).type);
  assert.equal(old.p.lookup(0x1001).type, up.p.lookup(0x1001).type);
  // Hardware bits (attributes, permissions) are the same: only the software field differs.
  const hw = (h: Harness, g: number) => h.p.walk(g).at(-1)!.descriptor & ~(0xfn << 55n);
  assert.equal(hw(old, 0x1000), hw(up, 0x1000));
});

test('xen-4.8: the replaced entry is freed before the IOMMU flush (upstream: after)', () => {
  const order = (strategy: 'upstream' | 'xen-4.8') => {
    const h = new Harness(strategy, { iommuEnabled: true });
    act(h, p => [p.setEntry(0x1000, 1, 0x5000)]);
    const r = act(h, p => [p.setEntry(0, 0x40000, 0x100000)]); // G13: 1G block over a table
    assert.deepEqual(r.rc, [0]);
    const kinds = r.events.filter(e => e.kind === 'tableFree' || e.kind === 'iommuFlush').map(e => e.kind);
    return kinds;
  };
  assert.deepEqual(order('upstream'), ['iommuFlush', 'tableFree', 'tableFree']);
  assert.deepEqual(order('xen-4.8'), ['tableFree', 'tableFree', 'iommuFlush']);
});

test('xen-4.8 with mem_access: 4K only; rfc-missing-else lets the 2M choice win (and the assert fires)', () => {
  const plain = new Harness('xen-4.8', { memAccess: true });
  const r = act(plain, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual([r.rc, r.allocated], [[0], 2]);
  assert.deepEqual(stats(plain.p), { m: [0, 0, 512], sh: [0, 0] });
  assert.ok(!plain.p.diagnostics.some(d => d.code === 'assert-mem-access-order'));

  const rfc = new Harness('xen-4.8', { memAccess: true, rfcMissingElse: true });
  const b = act(rfc, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual([b.rc, b.allocated], [[0], 1]);
  assert.deepEqual(stats(rfc.p), { m: [0, 1, 0], sh: [0, 0] });
  assert.ok(rfc.p.diagnostics.some(d => d.code === 'assert-mem-access-order'), 'mem_access ⇒ order 0 is violated');

  const up = new Harness('upstream', { memAccess: true });
  act(up, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual(stats(up.p), { m: [0, 0, 512], sh: [0, 0] }, 'the toggle does not exist upstream');
});

test('xen-4.8: mem_access permission-only change defers the flush (as upstream)', () => {
  const h = new Harness('xen-4.8');
  act(h, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  h.p.enableMemAccess();
  const r = act(h, p => [p.setEntry(0x205, 1, 0x200005, 'ram_rw', 'r')]);
  assert.deepEqual(r.rc, [0]);
  assert.deepEqual([r.byCause['bbm-split'], r.byCause['unlock']], [1, 1], 'G9b numbers');
  assert.equal(entry(h.p, P(1), 5), 0x00c0_0002_0000_577fn);
  assert.equal(r.violations, 0);
});
