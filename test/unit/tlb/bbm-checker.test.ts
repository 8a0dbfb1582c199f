import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BbmChecker, BbmCheckerOptions } from '../../../engine/tlb/bbm-checker';
import { dispatchAll } from '../../../engine/tlb/event-sink';
import { findingToDiagnostic } from '../../../engine/tlb/findings';
import { summarize } from '../../../engine/tlb/summary';
import { EventBuilder, MMIO_DEV, page, R, RAM_RO, RAM_RW, RWX, table } from './event-builder';
import { BLOCK_MFN, g1, P0, P1, R0, seedLegacy, seedUpstream, small } from './seed-sequences';

function check(b: EventBuilder, opts: BbmCheckerOptions = {}): BbmChecker {
  const c = new BbmChecker(opts);
  dispatchAll(c, b.events);
  c.finish(b.length);
  return c;
}
const rules = (c: BbmChecker) => c.violations.map(f => f.rule);


test('seed §6.2, current BBM order: 0 violations, 2 forced flushes, 4 live / 1025 fresh stores', () => {
  const b = new EventBuilder(); g1(b);
  const c = check(b);
  const before = { live: c.counts.livePteWrites, fresh: c.counts.freshPteWrites };
  const b2 = new EventBuilder(); g1(b2); seedUpstream(b2);
  const c2 = check(b2);
  assert.deepEqual(rules(c2), []);
  assert.equal(c2.counts.flushes, 2);
  assert.equal(c2.counts.flushesByCause['bbm-split'], 1);
  assert.equal(c2.counts.flushesByCause['bbm-replace'], 1);
  assert.equal(c2.counts.wastedFlushes, 0);
  assert.equal(c2.counts.livePteWrites - before.live, 4);
  assert.equal(c2.counts.freshPteWrites - before.fresh, 1025);
  assert.equal(c2.counts.tablesAllocated, 2);
  assert.equal(c2.counts.tablesFreed, 0);
  assert.equal(c2.counts.liveMismatches, 0);
});

test('seed §6.2, legacy in-place order: 3 violations (L1 block→table, L2 block→table, L3 remap), 1 flush', () => {
  const b = new EventBuilder(); g1(b); seedLegacy(b);
  const c = check(b);
  const v = c.violations;
  assert.equal(v.length, 3);
  assert.ok(v.every(f => f.rule === 'bbm-valid-change'));
  assert.deepEqual(v.map(f => [f.entry.table, f.entry.index, f.entry.level]), [[R0, 1, 1], [P0, 1, 2], [P1, 1, 3]]);
  assert.deepEqual(v.map(f => f.reasons), [['block-size'], ['block-size'], ['output-address']]);
  // GFN ranges come from the tables' positions: R0[1] = 1G at 0x40000, P0[1] = 2M at 0x40200, P1[1] = 0x40201.
  assert.deepEqual(v.map(f => [f.entry.gfn, f.entry.gfnCount]), [[0x40000, 0x40000], [0x40200, 0x200], [0x40201, 1]]);
  assert.equal(v[2].old, page(BLOCK_MFN + 0x201));
  assert.equal(v[2].new, page(0x300000));
  assert.equal(c.counts.flushes, 1);
  assert.equal(c.counts.inPlaceValidWrites, 3);
  assert.equal(c.counts.livePteWrites, 1 + 3);
  assert.equal(c.counts.freshPteWrites, 1024);
  assert.match(v[0].armRef, /Using break-before-make when updating translation table entries/);
  assert.equal(b.events[v[0].events[0]].kind, 'pteWrite');
});

test('bbm-valid-change: OA, memory type, shareability, contiguous are flagged', () => {
  const cases: [bigint, string][] = [
    [page(0x6000), 'output-address'],
    [page(0x5000, 3, MMIO_DEV), 'memory-type'],                       // MemAttr 0xF → 0x1 (and sh 3 → 2)
    [page(0x5000) | (1n << 52n), 'contiguous'],
    [(page(0x5000) & ~0x300n) | 0x200n, 'shareability'],
  ];
  for (const [nv, reason] of cases) {
    const b = new EventBuilder(); small(b);
    b.begin(); b.write(P1, 5, 3, nv); b.end();
    const c = check(b);
    assert.deepEqual(rules(c), ['bbm-valid-change'], reason);
    assert.ok(c.violations[0].reasons.includes(reason as never), `${reason}: ${c.violations[0].reasons}`);
    assert.equal(c.violations[0].entry.gfn, 0x5);
  }
});

test('bbm-valid-change: permission-only, access-flag and software-type changes are not flagged', () => {
  for (const nv of [page(0x5000, 3, RAM_RW, R), page(0x5000, 3, RAM_RO), page(0x5000) & ~0x400n, page(0x5000) | (0xfn << 55n)]) {
    const b = new EventBuilder(); small(b);
    b.begin(); b.write(P1, 5, 3, nv); b.end();
    assert.deepEqual(rules(check(b)), [], nv.toString(16));
  }
});

test('bbm-valid-change: a valid→valid store into a fresh (unlinked) page is not flagged', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.alloc(0x80020, 3); b.zero(0x80020);
  b.write(0x80020, 0, 3, page(1)); b.write(0x80020, 0, 3, page(2)); b.end();
  assert.deepEqual(rules(check(b)), []);
});

test('FEAT_BBM level 1/2 relaxes an in-place split that maps the same block, not an OA change', () => {
  for (const featBbm of [1, 2] as const) {
    const b = new EventBuilder(); g1(b); seedLegacy(b);
    const c = check(b, { featBbm });
    // L1 and L2 splits are pure block-size changes of identical mappings: relaxed. L3 remap is not.
    assert.deepEqual(c.violations.map(f => f.reasons), [['output-address']], `level ${featBbm}`);
  }
  // A split whose subtree maps other addresses is still a violation under FEAT_BBM.
  const b = new EventBuilder(); g1(b);
  b.begin(); b.alloc(P0, 2); b.fillFromBlock(P0, 2, 0x700000); b.write(R0, 1, 1, table(P0)); b.end();
  assert.deepEqual(check(b, { featBbm: 2 }).violations.map(f => f.reasons), [['block-size']]);
});

test('bbm-no-flush: break then make a different translation without a flush', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); const brk = b.write(P1, 5, 3, 0n); const mk = b.write(P1, 5, 3, page(0x6000)); b.end();
  const c = check(b);
  assert.deepEqual(rules(c), ['bbm-no-flush']);
  assert.deepEqual(c.violations[0].events, [brk, mk]);
  assert.equal(c.violations[0].old, page(0x5000));
  // Negative: same, with a flush in between.
  const n = new EventBuilder(); small(n);
  n.begin(); n.write(P1, 5, 3, 0n); n.flush('bbm-replace'); n.write(P1, 5, 3, page(0x6000)); n.end();
  assert.deepEqual(rules(check(n)), []);
});

test('bbm-no-flush: mem_access permission-only re-make (deferred flush) and set/way re-validation are allowed', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.write(P1, 5, 3, 0n); b.needFlush(); b.write(P1, 5, 3, page(0x5000, 3, RAM_RW, R)); b.flush('unlock'); b.end();
  const setway = page(0x5000) & ~1n;
  b.begin(); b.write(P1, 5, 3, setway); b.needFlush(); b.flush('unlock'); b.end();
  b.begin(); b.write(P1, 5, 3, page(0x5000, 3, RAM_RW, RWX)); b.end();
  assert.deepEqual(rules(check(b)), []);
});

test('bbm-no-flush: table replaced by a block through a break without flush (naive merge)', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.write(R0, 0, 1, 0n); b.write(R0, 0, 1, page(0, 1)); b.end();
  const c = check(b);
  assert.deepEqual(rules(c), ['bbm-no-flush']);
  assert.deepEqual(c.violations[0].reasons, ['block-size']);
});

test('table-free-unflushed: freeing a table unlinked without a flush; pre-free flush makes it legal', () => {
  const bad = new EventBuilder(); small(bad);
  bad.begin(); const un = bad.write(P0, 0, 2, 0n); const fr = bad.free(P1); bad.end();
  const c = check(bad);
  assert.deepEqual(rules(c), ['table-free-unflushed']);
  assert.deepEqual(c.violations[0].events, [un, fr]);
  assert.equal(c.violations[0].entry.table, P0);
  assert.equal(c.violations[0].old, table(P1));

  const good = new EventBuilder(); small(good);
  good.begin(); good.write(P0, 0, 2, 0n); good.needFlush(); good.flush('pre-free'); good.free(P1); good.end();
  assert.deepEqual(rules(check(good)), []);
});

test('table-free-unflushed: a descendant of an unlinked table, and reuse by re-allocation, are flagged', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.write(R0, 0, 1, 0n); b.free(P1); b.end();           // P1 sits below the unlinked P0
  assert.deepEqual(rules(check(b)), ['table-free-unflushed']);
  const r = new EventBuilder(); small(r);
  r.begin(); r.write(P0, 0, 2, 0n); r.alloc(P1, 3); r.end();          // reused without free/flush
  assert.deepEqual(rules(check(r)), ['table-free-unflushed']);
});

test('missing-clean: a live store without its pteClean is flagged when clean_pte is on', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); const w = b.write(P1, 6, 3, page(0x6000)); b.end();
  const c = check(b, { cleanPte: true });
  // The setup (small) did not clean either: only look at the last finding.
  const last = c.violations[c.violations.length - 1];
  assert.equal(last.rule, 'missing-clean');
  assert.equal(last.events[0], w);
  assert.equal(check(b, { cleanPte: false }).violations.length, 0);
});

test('missing-clean: writePte+pteClean and zero+tableClean before linking are clean', () => {
  const b = new EventBuilder();
  b.root(R0, 1); b.root(0x40001, 1);
  b.begin();
  b.alloc(P0, 2); b.zero(P0); b.cleanPage(P0); b.write(R0, 0, 1, table(P0)); b.clean(R0, 0);
  b.write(P0, 3, 2, page(0x200, 2)); b.clean(P0, 3);
  b.end();
  assert.deepEqual(rules(check(b, { cleanPte: true })), []);
  // Linking a zeroed page that was never cleaned is flagged (the walker may read stale memory).
  const n = new EventBuilder();
  n.root(R0, 1); n.root(0x40001, 1);
  n.begin(); n.alloc(P0, 2); n.zero(P0); n.write(R0, 0, 1, table(P0)); n.clean(R0, 0); n.end();
  assert.deepEqual(rules(check(n, { cleanPte: true })), ['missing-clean']);
});

test('wasted-flush: a flush with nothing to invalidate is counted (info), not a violation', () => {
  const b = new EventBuilder(); small(b);
  b.flush('init');                                         // nothing valid was changed yet
  b.begin(); b.write(P1, 5, 3, 0n); b.needFlush(); b.flush('unlock'); b.end();  // needed
  b.begin(); b.flush('explicit'); b.end();                 // redundant
  const c = check(b);
  assert.equal(c.counts.flushes, 3);
  assert.equal(c.counts.wastedFlushes, 2);
  assert.equal(c.counts.wastedByCause.init, 1);
  assert.equal(c.counts.wastedByCause.explicit, 1);
  assert.equal(c.counts.violations, 0);
  assert.deepEqual(c.findings.map(f => [f.rule, f.severity]), [['wasted-flush', 'info'], ['wasted-flush', 'info']]);
});

test('findings convert to bbm-violation diagnostics naming rule, entry, descriptors and events', () => {
  const b = new EventBuilder(); g1(b); seedLegacy(b);
  const seen: string[] = [];
  const c = check(b, { onFinding: f => seen.push(f.rule) });
  assert.deepEqual(seen, ['bbm-valid-change', 'bbm-valid-change', 'bbm-valid-change']);
  const d = findingToDiagnostic(c.violations[2]);
  assert.equal(d.code, 'bbm-violation');
  assert.equal(d.severity, 'error');
  assert.equal(d.gfn, 0x40201);
  assert.match(d.message, /table 0x80011\[1\] L3, GFN 0x40201\.\.0x40201/);
  assert.match(d.message, /old 0x00800001002017ff new 0x00800003000007ff/);
  assert.match(d.message, /D4\.7\.1/);
});

test('write traces: implicit roots, unknown levels and stated old values are handled', () => {
  // No tableAlloc at all: the first written page becomes the root (L1).
  const b = new EventBuilder();
  b.write(R0, 1, 1, page(BLOCK_MFN, 1), { live: true });
  b.write(R0, 1, -1, page(0x200000, 1), { live: true });       // level unknown: inferred (L1)
  const c = check(b);
  assert.deepEqual(rules(c), ['bbm-valid-change']);
  assert.equal(c.violations[0].entry.level, 1);
  assert.equal(c.violations[0].entry.gfn, 0x40000);
});

test('summarize: compare-ready figures for the §6.2 seed, legacy vs upstream', () => {
  const leg = new EventBuilder(); g1(leg); seedLegacy(leg);
  const up = new EventBuilder(); g1(up); seedUpstream(up);
  const sl = summarize(check(leg)), su = summarize(check(up));
  assert.deepEqual([sl.tlbFlushes, sl.bbmViolations, sl.inPlaceValidWrites, sl.violationsByRule['bbm-valid-change']], [1, 3, 3, 3]);
  assert.deepEqual([su.tlbFlushes, su.bbmViolations, su.inPlaceValidWrites, su.flushesByCause['bbm-split'] + su.flushesByCause['bbm-replace']], [2, 0, 0, 2]);
  assert.deepEqual(sl.tablePages, { allocated: 2, freed: 0 });
  assert.equal(su.freshPteWrites - sl.freshPteWrites, 1); // the L2→L3 link made before the subtree is live
});
