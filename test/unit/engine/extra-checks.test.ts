// p2m-model.md §9 "extra checks" (the legacy-strategy ones belong to the strategy issue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRange, assertStats, entry, INVALID, P, page4k, R0, scenario, tableDesc } from './helpers';
import { P2m } from '../../../engine/p2m/p2m';
import { VmidAllocator } from '../../../engine/p2m/vmid';

test('40-bit: GFN 2^28 (root index 2) → -EINVAL with no side effects', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x10000000, 1, 0x5000)]);
  assert.deepEqual(r.rc, [-22]);
  const effects = r.events.filter(e => ['pteWrite', 'tableAlloc', 'tlbFlush', 'stat', 'iommuFlush', 'tableFree'].includes(e.kind));
  assert.deepEqual(effects, []);
  assertStats(r.p, [0, 0, 0], [0, 0]);
  assertRange(r.p, 0, -1);
  assert.equal(r.p.stats().tablePages.allocated, 0);
});

test('32-bit IPA: GFN 0x100000 (IPA 4 GiB) passes the coarse root check → sim-gfn-beyond-ipa', () => {
  const r = scenario({ ipaBits: 32 }, () => {}, p => [p.setEntry(0x100000, 1, 0x5000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.p.geometry.rootPages, 1);
  assert.equal(entry(r.p, R0, 4), tableDesc(P(0)));
  assert.equal(entry(r.p, P(0), 0), tableDesc(P(1)));
  assert.equal(entry(r.p, P(1), 0), page4k(0x5000));
  assertStats(r.p, [0, 0, 1], [0, 0]);
  assert.deepEqual([r.allocated, r.freed], [2, 0]);
  assert.ok(r.p.diagnostics.some(d => d.code === 'sim-gfn-beyond-ipa'));
});

test('get_entry orders around one 2M block (holes, above max, short-cut without root check)', () => {
  const p = new P2m();
  assert.equal(p.setEntry(0x40000, 0x200, 0x100000), 0);
  assert.equal(p.maxMappedGfn, 0x401ff);
  const g0 = p.lookup(0);
  assert.deepEqual([g0.mfn, g0.order], [INVALID, 18]);
  const g1 = p.lookup(0x40005);
  assert.deepEqual([g1.mfn, g1.order, g1.valid, g1.type], [0x100005, 9, true, 1]);
  const g2 = p.lookup(0x40200);
  assert.deepEqual([g2.mfn, g2.order], [INVALID, 9]);
  const g3 = p.lookup(0x80000);
  assert.deepEqual([g3.mfn, g3.order], [INVALID, 18]);
  const g4 = p.lookup(0x10000000);
  assert.deepEqual([g4.mfn, g4.order], [INVALID, 18]);
  assert.equal(p.diagnostics.filter(d => d.code === 'assert-root').length, 0);
});

test('removing a hole: 16 order-0 iterations, no writes, no allocations; an empty L3 slot still gets 0 → 0', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x1000, 0x10, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.events.filter(e => e.kind === 'frameEnter' && e.frame === '__p2m_set_entry').length, 16);
  assert.equal(r.events.filter(e => e.kind === 'pteWrite').length, 0);
  assert.equal(r.allocated, 0);
  const r2 = scenario({}, p => { p.setEntry(0x1000, 1, 0x5000); }, p => [p.setEntry(0x1001, 1, INVALID, 'invalid')]);
  assert.deepEqual(r2.rc, [0]);
  const w = r2.events.filter(e => e.kind === 'pteWrite');
  assert.equal(w.length, 1);
  assert.ok(w[0].kind === 'pteWrite' && w[0].old === 0n && w[0].new === 0n && w[0].table === P(1) && w[0].index === 1);
  assert.deepEqual([r2.F, r2.P, r2.U], [0, 0, 0]);
});

test('removing a mapping of MFN 0: zeroed, one unlock flush, 4K counter stays 1 (drift)', () => {
  const r = scenario({}, p => { p.setEntry(0x1000, 1, 0); }, p => [p.setEntry(0x1000, 1, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, P(1), 0), 0n);
  assert.deepEqual([r.F, r.P, r.U], [0, 0, 1]);
  assertStats(r.p, [0, 0, 1], [0, 0]);
  assert.deepEqual(r.p.stats().leafCounts.slice(1), [0, 0, 0]);
  assert.ok(r.p.diagnostics.some(d => d.code === 'sim-stats-drift' && /MFN 0/.test(d.message)));
});

test('IOMMU: the split emits no IOMMU flush; removal flags MODIFIED; map over valid flags 3', () => {
  const r = scenario({ iommuEnabled: true }, p => { p.setEntry(0x200, 0x200, 0x200000); }, p => [p.setEntry(0x205, 1, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  const io = r.events.filter(e => e.kind === 'iommuFlush');
  assert.deepEqual(io, [{ kind: 'iommuFlush', dfn: 0x205, count: 1, flags: 2 }]);
  const r2 = scenario({ iommuEnabled: true }, p => { p.setEntry(0x1000, 1, 0x5000); }, p => [p.setEntry(0x1000, 1, 0x6000)]);
  assert.deepEqual(r2.events.filter(e => e.kind === 'iommuFlush'), [{ kind: 'iommuFlush', dfn: 0x1000, count: 1, flags: 3 }]);
  const r3 = scenario({ iommuEnabled: true }, () => {}, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual(r3.events.filter(e => e.kind === 'iommuFlush'), [{ kind: 'iommuFlush', dfn: 0x200, count: 512, flags: 1 }]);
});

test('clean_pte: writePte stores are followed by a cache clean, split fills are not', () => {
  const r = scenario({ cleanPte: true }, p => { p.setEntry(0x200, 0x200, 0x200000); }, p => [p.setEntry(0x205, 1, INVALID, 'invalid')]);
  const cleans = r.events.filter(e => e.kind === 'pteClean').length;
  const writes = r.events.filter(e => e.kind === 'pteWrite' && !e.raw).length;
  assert.equal(cleans, writes);
  assert.equal(r.events.filter(e => e.kind === 'tableClean').length, 1);
});

test('set_entry while dying → -ENOMEM even for removals; relinquish after G4', () => {
  const p = new P2m();
  p.setEntry(0x40000, 0x40000, 0x100000);
  p.setEntry(0x40201, 1, 0x300000);
  p.setDying(true);
  assert.equal(p.setEntry(0x1000, 1, 0x5000), -12);
  assert.equal(p.setEntry(0x40201, 1, INVALID, 'invalid'), -12);
  const u0 = p.stats().flushesByCause.unlock, f0 = p.stats().tlbFlushes;
  assert.equal(p.relinquish(), 0);
  assert.equal(p.stats().flushesByCause.unlock - u0, 1);
  assert.equal(p.stats().tlbFlushes - f0, 1);
  assert.deepEqual(p.pagesList().sort(), [P(0), P(1)]);
  assertStats(p, [0, 0, -1], [1, 1]);
  assert.equal(p.lowestMappedGfn, 0x80000);
  assert.equal(p.leaves().length, 0);
});

test('remove_mapping refuses a mismatching MFN with -EILSEQ and changes nothing', () => {
  const p = new P2m();
  p.setEntry(0x1000, 2, 0x5000);
  assert.equal(p.removeMapping(0x1000, 2, 0x9999), -84);
  assert.equal(p.leaves().length, 2);
  assert.equal(p.removeMapping(0x1000, 2, 0x5000), 0);
  assert.equal(p.leaves().length, 0);
});

test('set_mem_access: per-GFN radix, 4K rewrites, deferred flush', () => {
  const p = new P2m();
  p.setEntry(0x1000, 4, 0x5000);
  const u0 = p.stats().flushesByCause.unlock;
  assert.equal(p.setMemAccess(0x1000, 0x10, 'r'), 0);
  assert.equal(p.stats().flushesByCause.unlock - u0, 1);
  assert.equal(p.core.radix.size, 4);
  assert.equal(p.lookup(0x1002).access, 1);
  assert.equal(p.lookup(0x1002).mfn, 0x5002);
});

test('snapshot/restore brings back tables, stats, pool and ranges', () => {
  const p = new P2m({ poolPages: 8 });
  p.setEntry(0x40000, 0x40000, 0x100000);
  const snap = p.snapshot();
  const before = JSON.stringify({ s: p.stats(), l: p.leaves(), pages: p.pagesList() });
  p.setEntry(0x40201, 1, 0x300000);
  p.setEntry(0x1000, 1, 0x5000);
  p.setEntry(0x40000, 0x40000, INVALID, 'invalid');
  assert.notEqual(JSON.stringify({ s: p.stats(), l: p.leaves(), pages: p.pagesList() }), before);
  p.restore(snap);
  assert.equal(JSON.stringify({ s: p.stats(), l: p.leaves(), pages: p.pagesList() }), before);
  // re-executing after a restore gives the same result as the first time (G4 numbers)
  assert.equal(p.setEntry(0x40201, 1, 0x300000), 0);
  assertStats(p, [0, 511, 511], [1, 1]);
  assert.equal(entry(p, P(1), 1), 0x0080_0003_0000_07ffn);
});

test('geometry rows: root level/pages and VTCR for every IPA configuration', () => {
  const rows: [string, number, number, number, number][] = [
    ['arm64', 32, 1, 1, 0x80003560], ['arm64', 36, 1, 1, 0x8001355c], ['arm64', 40, 1, 2, 0x80023558],
    ['arm64', 42, 1, 8, 0x80033556], ['arm64', 44, 0, 1, 0x80043594], ['arm64', 48, 0, 1, 0x80053590],
    ['arm32', 32, 1, 1, 0x80003540], ['arm32', 40, 1, 2, 0x80003558],
  ];
  for (const [arch, ipa, rl, rp, vtcr] of rows) {
    const p = new P2m({ arch: arch as 'arm64' | 'arm32', ipaBits: ipa });
    assert.deepEqual([p.geometry.rootLevel, p.geometry.rootPages, p.geometry.vtcr], [rl, rp, vtcr], `${arch} ${ipa}`);
  }
  assert.equal(new P2m().vttbr, 0x0001_0000_4000_0000n);
  const bad = new P2m({ ipaBits: 39 });
  assert.ok(bad.diagnostics.some(d => d.code === 'assert-setup'));
});

test('teardown after relinquish returns every page to the pool, clears the roots, one clear-root flush', () => {
  const p = new P2m({ poolPages: 8 });
  p.setEntry(0x40000, 0x40000, 0x100000);
  p.setEntry(0x40201, 1, 0x300000);
  p.setDying(true);
  p.relinquish();
  assert.equal(p.teardown(), 2);
  assert.deepEqual(p.pagesList(), []);
  assert.equal(p.stats().tablePages.poolFree, 8);
  assert.equal(p.stats().flushesByCause['clear-root'], 1);
  assert.deepEqual(p.tablePage(R0)?.entries, []);
});

test('foreign mappings: removal drops page references (L3: 1, L2 block: 512)', () => {
  const r = scenario({}, p => { p.setEntry(0x1000, 1, 0x5000, 'map_foreign_rw'); p.setEntry(0x200, 0x200, 0x200000, 'map_foreign_ro'); },
    p => [p.setEntry(0x1000, 1, INVALID, 'invalid'), p.setEntry(0x200, 0x200, INVALID, 'invalid')]);
  assert.deepEqual(r.events.filter(e => e.kind === 'putPage'), [{ kind: 'putPage', mfn: 0x5000, count: 1 }, { kind: 'putPage', mfn: 0x200000, count: 512 }]);
});

test('VMID allocator: lowest free from 1, -EBUSY when exhausted', () => {
  const v = new VmidAllocator(8);
  assert.equal(v.alloc(), 1);
  assert.equal(v.alloc(), 2);
  v.free(1);
  assert.equal(v.alloc(), 1);
  for (let i = 3; i < 256; i++) assert.equal(v.alloc(), i);
  assert.equal(v.alloc(), -16);
});

test('event log: listeners see every appended event; get/kindAt/opAt agree', () => {
  const p = new P2m();
  const seen: string[] = [];
  const off = p.log.subscribe((log, i) => { seen.push(log.kindAt(i)); });
  p.setEntry(0x40000, 0x40000, 0x100000);
  p.setEntry(0x40201, 1, 0x300000);
  off();
  p.setEntry(0x1000, 1, 0x5000);
  assert.equal(seen.length, p.log.firstEventOfOp(2));
  for (let i = 0; i < p.log.length; i++) {
    const e = p.log.get(i);
    assert.equal(p.log.kindAt(i), e.kind);
    if (e.kind === 'opBegin') assert.equal(p.log.opAt(i), e.op);
  }
  // enough events to span several log chunks; random access returns the same objects
  for (let g = 0; g < 4000; g++) p.setEntry(0x100000 + g * 7, 1, 0x5000 + g);
  const all = p.log.toArray();
  assert.ok(all.length > 30000, `${all.length} events`);
  for (let k = 0; k < 2000; k++) { const i = (k * 7919) % all.length; assert.deepEqual(p.log.get(i), all[i]); }
});

test('a snapshot taken on one engine restores into another without either changing it', () => {
  const a = new P2m(), b = new P2m();
  a.setEntry(0x1000, 1, 0x5000);
  const snap = a.snapshot();
  b.setEntry(0x2000, 1, 0x6000); b.snapshot(); b.setEntry(0x3000, 1, 0x7000);
  b.restore(snap);
  b.setEntry(0x1001, 1, 0x5001);     // writes into the L3 page shared with the snapshot
  a.setEntry(0x1002, 1, 0x5002);
  assert.deepEqual(b.leaves().map(l => l.gfn), [0x1000, 0x1001]);
  assert.deepEqual(a.leaves().map(l => l.gfn), [0x1000, 0x1002]);
  const c = new P2m();
  c.restore(snap);
  assert.deepEqual(c.leaves().map(l => l.gfn), [0x1000]);
});

test('tablePage: entries carry the GFN they map (page position tracked as pages are linked)', () => {
  const p = new P2m();
  p.setEntry(0x40000, 0x40000, 0x100000);
  p.setEntry(0x40201, 1, 0x300000);
  const l3 = p.tablePage(P(1));
  assert.ok(l3 && l3.live && l3.level === 3);
  assert.equal(l3.entries.find(e => e.index === 1)?.gfn, 0x40201);
  const l2 = p.tablePage(P(0));
  assert.equal(l2?.entries.find(e => e.index === 1)?.child, P(1));
  assert.equal(l2?.entries.find(e => e.index === 511)?.gfn, 0x40000 + 511 * 512);
  const r1 = p.tablePage(0x40001);
  assert.ok(r1?.isRoot);
  assert.deepEqual(p.rootTables(), [R0, 0x40001]);
});

test('allocTable emits root allocations and one init flush; setAllocation grows and shrinks the pool', () => {
  const p = new P2m({ poolPages: 2 });
  p.allocTable();
  const ev = p.log.toArray();
  assert.deepEqual(ev.filter(e => e.kind === 'tableAlloc'), [
    { kind: 'tableAlloc', table: R0, level: 1, why: 'root' }, { kind: 'tableAlloc', table: 0x40001, level: 1, why: 'root' }]);
  assert.equal(p.stats().flushesByCause.init, 1);
  assert.equal(p.stats().tablePages.allocated, 0); // roots are not pool pages
  assert.equal(p.setEntry(0x1ff, 0x402, 0x2001ff), -2);
  assert.equal(p.setAllocation(8), 0);
  assert.equal(p.stats().tablePages.poolFree, 6);
  assert.equal(p.setEntry(0x1ff, 0x402, 0x2001ff), 0);
  assert.equal(p.setAllocation(0), -12);
});
