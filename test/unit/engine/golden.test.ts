// p2m-model.md §9 golden scenarios G1–G15: rc, exact descriptors, stats + dump text,
// flushes by cause (F forced / P pre-free / U unlock), pages allocated/freed, max/lowest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertRange, assertStats, block, entry, entryCount, expectedDump, INVALID, P, page4k, R0, scenario, tableDesc,
} from './helpers';
import type { P2m } from '../../../engine/p2m/p2m';

const G1 = (p: P2m) => { assert.equal(p.setEntry(0x40000, 0x40000, 0x100000), 0); };
const G2 = (p: P2m) => { assert.equal(p.setEntry(0x200, 0x200, 0x200000), 0); };
const G4 = (p: P2m) => { G1(p); assert.equal(p.setEntry(0x40201, 1, 0x300000), 0); };

test('G1: 1G block', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x40000, 0x40000, 0x100000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, R0, 1), 0x0080_0001_0000_07fdn);
  assertStats(r.p, [1, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 0, 0]);
  assertRange(r.p, 0x7ffff, 0x40000);
});

test('G2: 2M block', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, R0, 0), tableDesc(P(0)));
  assert.equal(entry(r.p, P(0), 1), 0x0080_0002_0000_07fdn);
  assertStats(r.p, [0, 1, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 1, 0]);
  assertRange(r.p, 0x3ff, 0x200);
});

test('G3: unaligned end → 514 × 4K', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x1ff, 0x202, 0x2001ff)]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, R0, 0), tableDesc(P(0)));
  assert.equal(entry(p, P(0), 0), tableDesc(P(1)));
  assert.equal(entry(p, P(0), 1), tableDesc(P(2)));
  assert.equal(entry(p, P(0), 2), tableDesc(P(3)));
  assert.equal(entryCount(p, P(1)), 1);
  assert.equal(entry(p, P(1), 511), page4k(0x2001ff));
  assert.equal(entryCount(p, P(2)), 512);
  for (let i = 0; i < 512; i++) assert.equal(entry(p, P(2), i), page4k(0x200200 + i));
  assert.equal(entryCount(p, P(3)), 1);
  assert.equal(entry(p, P(3), 0), page4k(0x200400));
  assertStats(p, [0, 0, 514], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 4, 0]);
  assertRange(p, 0x400, 0x1ff);
});

test('G3b: 4K+2M+4K needs two calls', () => {
  const r = scenario({}, () => {}, p => [p.setEntry(0x1ff, 0x201, 0x2001ff), p.setEntry(0x400, 1, 0x200400)]);
  assert.deepEqual(r.rc, [0, 0]);
  const p = r.p;
  assert.equal(entry(p, P(0), 0), tableDesc(P(1)));
  assert.equal(entry(p, P(1), 511), page4k(0x2001ff));
  assert.equal(entry(p, P(0), 1), block(0x200200));
  assert.equal(entry(p, P(0), 2), tableDesc(P(2)));
  assert.equal(entry(p, P(2), 0), page4k(0x200400));
  assertStats(p, [0, 1, 2], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 3, 0]);
  assertRange(p, 0x400, 0x1ff);
});

test('G4: 4K remap inside a 1G block (the §6.2 seed), with event order and dump_p2m_lookup', () => {
  const r = scenario({}, G1, p => [p.setEntry(0x40201, 1, 0x300000)]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, R0, 1), tableDesc(P(0)));
  for (let i = 0; i < 512; i++) {
    if (i === 1) assert.equal(entry(p, P(0), 1), tableDesc(P(1)));
    else assert.equal(entry(p, P(0), i), block(0x100000 + i * 512));
  }
  for (let i = 0; i < 512; i++) assert.equal(entry(p, P(1), i), i === 1 ? 0x0080_0003_0000_07ffn : page4k(0x100200 + i));
  assertStats(p, [0, 511, 511], [1, 1]);
  assert.equal(p.dumpInfo(), 'p2m mappings for domain 1 (vmid 1):\n  1G mappings: 0 (shattered 1)\n  2M mappings: 511 (shattered 1)\n  4K mappings: 511\n');
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [2, 0, 0, 2, 0]);
  assertRange(p, 0x7ffff, 0x40000);
  // §6.2 event order (raw fill stores summarised by count)
  const seq: string[] = [];
  let raw = 0;
  for (const e of r.events) {
    if (e.kind === 'pteWrite' && e.raw) { raw++; continue; }
    if (raw) { seq.push(`raw×${raw}`); raw = 0; }
    if (e.kind === 'tableAlloc') seq.push(`alloc ${e.table.toString(16)}`);
    else if (e.kind === 'stat') seq.push(`${e.field[0]}${e.level}${e.delta > 0 ? '+' : ''}${e.delta}`);
    else if (e.kind === 'pteWrite') seq.push(`${e.table.toString(16)}[${e.index}]←${e.new.toString(16)}${e.live ? '' : ' (fresh)'}`);
    else if (e.kind === 'tlbFlush') seq.push(`flush ${e.cause}`);
  }
  assert.deepEqual(seq, [
    'alloc 80010', 'raw×512', 's1+1', 'm1-1', 'm2+512', 'alloc 80011', 'raw×512', 's2+1', 'm2-1', 'm3+512',
    '80010[1]←800000800117ff (fresh)', '40000[1]←0', 'flush bbm-split', '40000[1]←800000800107ff',
    '80011[1]←0', 'flush bbm-replace', '80011[1]←800003000007ff', 'm3-1',
  ]);
  const lines = p.dumpLookup(0x40201000n);
  assert.equal(lines[0], 'dom1 IPA 0x0000000040201000');
  assert.match(lines[1], /^P2M @ [0-9a-f]{16} mfn:0x40000$/);
  assert.deepEqual(lines.slice(2), ['Using concatenated root table 0', '1ST[0x001] = 0x800000800107ff', '2ND[0x001] = 0x800000800117ff', '3RD[0x001] = 0x800003000007ff']);
  // true counts differ from Xen's (remap drift) and a drift diagnostic explains it
  assert.deepEqual(p.stats().leafCounts.slice(1), [0, 511, 512]);
  assert.ok(p.diagnostics.some(d => d.code === 'sim-stats-drift' && /another MFN/.test(d.message)));
});

test('G5: remove one 4K page inside a 2M block', () => {
  const r = scenario({}, G2, p => [p.setEntry(0x205, 1, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, P(0), 1), tableDesc(P(1)));
  assert.equal(entry(p, P(1), 5), 0n);
  assert.equal(entryCount(p, P(1)), 511);
  assert.equal(entry(p, P(1), 6), page4k(0x200006));
  assertStats(p, [0, 0, 511], [0, 1]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 1, 1, 0]);
  assertRange(p, 0x3ff, 0x200);
});

test('G6: type change ram_rw → ram_ro goes through 0 with a forced flush', () => {
  const r = scenario({}, p => p.setEntry(0x1000, 1, 0x5000), p => [p.setEntry(0x1000, 1, 0x5000, 'ram_ro')]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, R0, 0), tableDesc(P(0)));
  assert.equal(entry(p, P(0), 8), tableDesc(P(1)));
  const writes = r.events.filter(e => e.kind === 'pteWrite').map(e => e.kind === 'pteWrite' ? [e.table, e.index, e.old, e.new] : []);
  assert.deepEqual(writes, [[P(1), 0, 0x0080_0000_0500_07ffn, 0n], [P(1), 0, 0n, 0x0100_0000_0500_077fn]]);
  assertStats(p, [0, 0, 1], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 0, 0, 0]);
  assertRange(p, 0x1000, 0x1000);
});

test('G7: remap to another MFN drifts the 4K counter to 0', () => {
  const r = scenario({}, p => p.setEntry(0x1000, 1, 0x5000), p => [p.setEntry(0x1000, 1, 0x6000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, P(1), 0), 0x0080_0000_0600_07ffn);
  assertStats(r.p, [0, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 0, 0, 0]);
  assertRange(r.p, 0x1000, 0x1000);
  assert.deepEqual(r.p.stats().leafCounts.slice(1), [0, 0, 1]);
});

test('G8: order-9 removal of a 4K-mapped range frees the L3 page with a pre-free flush', () => {
  const r = scenario({}, p => p.setEntry(0x1400, 0x200, 0x9001), p => [p.setEntry(0x1400, 0x200, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, P(0), 10), 0n);
  assert.equal(entry(p, R0, 0), tableDesc(P(0))); // P0 kept (empty)
  assert.deepEqual(p.pagesList(), [P(0)]);
  assertStats(p, [0, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 1, 0, 0, 1]);
  assertRange(p, 0x15ff, 0x1400);
  // only one chunk (order 9) was used for the removal
  assert.equal(r.events.filter(e => e.kind === 'frameEnter' && e.frame === '__p2m_set_entry').length, 1);
});

test('G9: mem_access forces 4K mappings', () => {
  const r = scenario({ memAccess: true }, () => {}, p => [p.setEntry(0x200, 0x200, 0x200000)]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, P(0), 1), tableDesc(P(1)));
  assert.equal(entryCount(p, P(1)), 512);
  assert.equal(p.core.radix.size, 0);
  assertStats(p, [0, 0, 512], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 2, 0]);
  assertRange(p, 0x3ff, 0x200);
});

test('G9b: permission-only change under mem_access defers the flush to unlock', () => {
  const r = scenario({}, p => { G2(p); p.enableMemAccess(); }, p => [p.setEntry(0x205, 1, 0x200005, 'ram_rw', 'r')]);
  assert.deepEqual(r.rc, [0]);
  const p = r.p;
  assert.equal(entry(p, P(0), 1), tableDesc(P(1)));
  assert.equal(entry(p, P(1), 5), 0x00c0_0002_0000_577fn);
  assert.deepEqual([...p.core.radix], [[0x205, 1]]);
  assertStats(p, [0, 0, 512], [0, 1]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 1, 1, 0]);
  assertRange(p, 0x3ff, 0x200);
});

test('G9c: a type change under mem_access is not permission-only (forced flush)', () => {
  const r = scenario({}, p => { G2(p); p.enableMemAccess(); p.setEntry(0x205, 1, 0x200005, 'ram_rw', 'r'); },
    p => [p.setEntry(0x205, 1, 0x200005, 'ram_ro', 'r')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, P(1), 5), 0x0140_0002_0000_577fn);
  assertStats(r.p, [0, 0, 512], [0, 1]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 0, 0, 0]);
  assertRange(r.p, 0x3ff, 0x200);
});

test('G10: pool of 1 page: split fails deeper, block never broken, shattered stays 1', () => {
  const r = scenario({ poolPages: 1 }, G1, p => [p.setEntry(0x40201, 1, 0x300000)]);
  assert.deepEqual(r.rc, [-12]);
  assert.equal(entry(r.p, R0, 1), 0x0080_0001_0000_07fdn);
  assertStats(r.p, [1, 0, 0], [1, 0]);
  assert.equal(r.p.dumpInfo(), expectedDump(1, 1, 0, 0, 0));
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 1, 1]);
  assert.equal(r.events.filter(e => e.kind === 'pteWrite' && e.live).length, 0);
  assertRange(r.p, 0x7ffff, 0x40000);
  assert.ok(r.p.diagnostics.some(d => d.code === 'sim-stats-drift' && /rolled back/.test(d.message)));
});

test('G10b: pool of 0 pages: split fails at once, nothing changes', () => {
  const r = scenario({ poolPages: 0 }, G1, p => [p.setEntry(0x40201, 1, 0x300000)]);
  assert.deepEqual(r.rc, [-12]);
  assert.equal(entry(r.p, R0, 1), 0x0080_0001_0000_07fdn);
  assertStats(r.p, [1, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 0, 0]);
  assertRange(r.p, 0x7ffff, 0x40000);
});

test('G11: pool of 2 pages: table creation fails with -ENOENT after partial progress', () => {
  const r = scenario({ poolPages: 2 }, () => {}, p => [p.setEntry(0x1ff, 0x402, 0x2001ff)]);
  assert.deepEqual(r.rc, [-2]);
  const p = r.p;
  assert.equal(entry(p, P(1), 511), page4k(0x2001ff));
  assert.equal(p.leaves().length, 1);
  assertStats(p, [0, 0, 1], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 2, 0]);
  assertRange(p, 0x1ff, 0x1ff);
});

test('G12: 1G removal over G4 frees P1 then P0; 4K counter ends at -1', () => {
  const r = scenario({}, G4, p => [p.setEntry(0x40000, 0x40000, INVALID, 'invalid')]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, R0, 1), 0n);
  assert.deepEqual(r.events.filter(e => e.kind === 'tableFree').map(e => e.kind === 'tableFree' && e.table), [P(1), P(0)]);
  assertStats(r.p, [0, 0, -1], [1, 1]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 1, 0, 0, 2]);
  assertRange(r.p, 0x7ffff, 0x40000);
});

test('G13: 1G block over a table: block not counted, P1 and P0 freed', () => {
  const r = scenario({}, p => p.setEntry(0x1000, 1, 0x5000), p => [p.setEntry(0, 0x40000, 0x100000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(entry(r.p, R0, 0), block(0x100000));
  assert.deepEqual(r.events.filter(e => e.kind === 'tableFree').map(e => e.kind === 'tableFree' && e.table), [P(1), P(0)]);
  assertStats(r.p, [0, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [1, 0, 0, 0, 2]);
  assertRange(r.p, 0x3ffff, 0);
  assert.ok(r.p.diagnostics.some(d => d.code === 'sim-stats-drift' && /block was written over a table/.test(d.message)));
});

test('G14: 48-bit IPA (L0 root, one page)', () => {
  const r = scenario({ ipaBits: 48 }, () => {}, p => [p.setEntry(0x40000, 0x40000, 0x100000)]);
  assert.deepEqual(r.rc, [0]);
  assert.equal(r.p.geometry.rootLevel, 0);
  assert.equal(r.p.geometry.rootPages, 1);
  assert.equal(entry(r.p, R0, 0), tableDesc(P(0)));
  assert.equal(entry(r.p, P(0), 1), block(0x100000));
  assertStats(r.p, [1, 0, 0], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 0, 1, 0]);
  assertRange(r.p, 0x7ffff, 0x40000);
});

test('G15: set/way invalidateRoot, then faults resolve one level at a time', () => {
  const r = scenario({}, p => { G1(p); p.setEntry(0x1000, 1, 0x5000); }, p => {
    const u0 = p.stats().flushesByCause.unlock;
    p.invalidateRoot();
    assert.equal(entry(p, R0, 0), tableDesc(P(0)) & ~1n);
    assert.equal(entry(p, R0, 1), 0x0080_0001_0000_07fcn);
    assert.equal(p.stats().flushesByCause.unlock - u0, 1);
    const res: boolean[] = [];
    const flushes: number[] = [];
    for (const g of [0x1000, 0x1000, 0x1000, 0x40000, 0x2000]) {
      const before = p.stats().flushesByCause.unlock;
      res.push(p.resolveTranslationFault(g));
      flushes.push(p.stats().flushesByCause.unlock - before);
      if (res.length === 1) { assert.equal(entry(p, P(0), 8), tableDesc(P(1)) & ~1n); assert.equal(entry(p, R0, 0), tableDesc(P(0))); }
      if (res.length === 2) { assert.equal(entry(p, P(1), 0), page4k(0x5000) & ~1n); assert.equal(entry(p, P(0), 8), tableDesc(P(1))); }
      if (res.length === 3) assert.equal(entry(p, P(1), 0), page4k(0x5000));
      if (res.length === 4) assert.equal(entry(p, R0, 1), block(0x100000));
    }
    assert.deepEqual(res, [true, true, true, true, false]);
    assert.deepEqual(flushes, [1, 1, 0, 0, 0]);
    return [];
  });
  assertStats(r.p, [1, 0, 1], [0, 0]);
  assert.deepEqual([r.F, r.P, r.U, r.allocated, r.freed], [0, 0, 3, 0, 0]);
  assertRange(r.p, 0x7ffff, 0x1000);
});
