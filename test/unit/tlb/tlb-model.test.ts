import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchAll } from '../../../engine/tlb/event-sink';
import { hazardToDiagnostic } from '../../../engine/tlb/findings';
import { TlbModel, TlbModelOptions } from '../../../engine/tlb/tlb-model';
import { EventBuilder, page, table } from './event-builder';
import { BLOCK_MFN, g1, P0, P1, R0, seedLegacy, seedUpstream, small } from './seed-sequences';

function run(b: EventBuilder, opts: TlbModelOptions = {}): TlbModel {
  const t = new TlbModel(opts);
  dispatchAll(t, b.events);
  t.finish(b.length);
  return t;
}


test('walk fills leaf and walk-cache entries; a VMID flush empties the cache', () => {
  const b = new EventBuilder(); small(b);
  const t = run(b, { speculative: 'off' });
  assert.equal(t.size, 0);
  t.walk(5, b.length);
  assert.equal(t.size, 3); // R0[0] and P0[0] walk entries + the P1[5] leaf
  assert.deepEqual(t.cachedLeaf(5), { level: 3, descriptor: page(0x5000) });
  assert.equal(t.cachedLeaf(6), undefined);
  t.walk(6, b.length); // invalid: faults are not cached
  assert.equal(t.size, 3);
  t.onTlbFlush(b.length, 1, 'explicit');
  assert.equal(t.size, 0);
  assert.equal(t.counts.entriesInvalidated, 3);
});

test('classifyFlushes: a flush that drops only up-to-date entries is counted as over-broad', () => {
  const b = new EventBuilder(); small(b);
  const t = run(b, { speculative: 'off', classifyFlushes: true });
  t.walk(5, b.length);
  t.onTlbFlush(b.length, 1, 'explicit');                   // nothing stale: over-broad
  t.walk(5, b.length + 1);
  t.onPteWrite(b.length + 2, P1, 5, 3, Number(page(0x5000) & 0xffffffffn), Number(page(0x5000) >> 32n), 0, 0, true, false);
  t.onTlbFlush(b.length + 3, 1, 'explicit');               // drops the stale P1[5] leaf: needed
  assert.equal(t.counts.flushes, 2);
  assert.equal(t.counts.flushesWithoutStale, 1);
});

test('stale-leaf: a cached block replaced in place with no flush is a hazard at opEnd; with a flush it is not', () => {
  const bad = new EventBuilder(); g1(bad);          // speculative 'recent' caches the new 1G block
  bad.begin(); const w = bad.write(R0, 1, 1, page(0x200000, 1)); const end = bad.end();
  const t = run(bad);
  assert.equal(t.hazards.length, 1);
  const h = t.hazards[0];
  assert.equal(h.kind, 'stale-leaf');
  assert.equal(h.entry.gfn, 0x40000);
  assert.equal(h.entry.level, 1);
  assert.equal(h.cached, page(BLOCK_MFN, 1));
  assert.equal(h.current, page(0x200000, 1));
  assert.equal(h.events[1], end);
  assert.ok(h.events[0] < w);
  assert.equal(hazardToDiagnostic(h).code, 'stale-tlb');

  const good = new EventBuilder(); g1(good);
  good.begin(); good.write(R0, 1, 1, 0n); good.flush('bbm-replace'); good.write(R0, 1, 1, page(0x200000, 1)); good.end();
  assert.equal(run(good).hazards.length, 0);
});

test('a permission change with the flush deferred (need_flush pending) is not judged at opEnd', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.write(P1, 5, 3, 0n); b.write(P1, 5, 3, page(0x5000, 3, 1, 1)); b.needFlush(); b.end();
  assert.equal(run(b).hazards.length, 0);
  // Without the pending flush the same stale permission is a hazard.
  const n = new EventBuilder(); small(n);
  n.begin(); n.write(P1, 5, 3, 0n); n.write(P1, 5, 3, page(0x5000, 3, 1, 1)); n.end();
  assert.deepEqual(run(n).hazards.map(h => h.kind), ['stale-leaf']);
});

test('stale-walk: a table unlinked without a flush leaves a walk-cache entry through it', () => {
  const b = new EventBuilder(); small(b);
  b.begin(); b.write(P0, 0, 2, 0n); b.free(P1); b.end();
  const kinds = run(b).hazards.map(h => h.kind).sort();
  assert.deepEqual(kinds, ['stale-leaf', 'stale-walk']);
  // Walk cache off: only the leaf is reported.
  assert.deepEqual(run(b, { walkCache: false }).hazards.map(h => h.kind), ['stale-leaf']);
  // With a flush in between, nothing.
  const g = new EventBuilder(); small(g);
  g.begin(); g.write(P0, 0, 2, 0n); g.flush('pre-free'); g.free(P1); g.end();
  assert.equal(run(g).hazards.length, 0);
});

test('a cached walk entry is used by later walks: a table page rewritten after unlink yields its new contents', () => {
  const b = new EventBuilder(); small(b);
  const t = run(b, { speculative: 'off' });
  t.walk(5, b.length); // caches R0[0]→P0, P0[0]→P1 and the P1[5] leaf
  const more = new EventBuilder();
  more.begin('write_pte'); more.write(P0, 0, 2, 0n, { old: table(P1), live: true }); more.end();
  more.begin('write_pte'); more.write(P1, 6, 3, page(0x7777), { old: 0n, live: false }); more.end();
  dispatchAll(t, more.events, b.length);
  t.walk(6, b.length + 10);   // the tables have no P0[0] any more, but the walk cache does
  assert.deepEqual(t.cachedLeaf(6), { level: 3, descriptor: page(0x7777) });
  t.finish(b.length + 11);
  const leaf6 = t.hazards.find(h => h.kind === 'stale-leaf' && h.entry.gfn === 6);
  assert.ok(leaf6, JSON.stringify(t.hazards.map(h => [h.kind, h.entry.gfn])));
  assert.equal(leaf6.current, 0n);
  // After a VMID flush the same walk faults (nothing cached).
  t.onTlbFlush(b.length + 12, 1, 'explicit');
  t.walk(6, b.length + 13);
  assert.equal(t.cachedLeaf(6), undefined);
});

test('by-IPA sequence: IPAS2E1IS + VMALLE1IS + DSB is complete; missing steps are a hazard', () => {
  const mk = () => { const b = new EventBuilder(); small(b); return b; };
  // Complete sequence: break, TLBI by IPA, VMALLE1IS, DSB, make.
  const b = mk();
  const t = run(b, { speculative: 'off' });
  t.walk(5, b.length);
  t.onOpBegin(100, 9, 'set_entry');
  t.onPteWrite(101, P1, 5, 3, 0x5000 << 12 | 0x7ff, 0x00800000, 0, 0, true, false);
  t.flushIpa(102, 5, false); t.flushStage1(103); t.dsb(104);
  t.onOpEnd(105, 9, 0);
  assert.deepEqual(t.hazards, []);
  assert.equal(t.cachedLeaf(5), undefined);
  // Stage-1 invalidation missing.
  const b2 = mk();
  const t2 = run(b2, { speculative: 'off' });
  t2.walk(5, b2.length);
  t2.onOpBegin(100, 9, 'set_entry');
  t2.onPteWrite(101, P1, 5, 3, 0x5000 << 12 | 0x7ff, 0x00800000, 0, 0, true, false);
  t2.flushIpa(102, 5, false); t2.dsb(104);
  t2.onOpEnd(105, 9, 0);
  assert.deepEqual(t2.hazards.map(h => h.kind), ['incomplete-ipa-sequence']);
});

test('by-IPA last-level-only invalidation after a table→block change leaves a stale walk entry', () => {
  const b = new EventBuilder(); small(b);
  const t = run(b, { speculative: 'off' });
  t.walk(5, b.length);
  const e = new EventBuilder();
  e.write(P0, 0, 2, 0n, { old: table(P1), live: true });
  dispatchAll(t, e.events, 200);
  t.flushIpa(201, 5, true); t.flushStage1(202); t.dsb(203);
  const e2 = new EventBuilder();
  e2.begin(); e2.write(P0, 0, 2, page(0, 2), { old: 0n, live: true }); e2.end();
  dispatchAll(t, e2.events, 204);
  assert.deepEqual(t.hazards.map(h => [h.kind, h.entry.level]), [['stale-walk', 2]]);
  // Full (non-last-level) by-IPA invalidation: clean.
  const t3 = run(b, { speculative: 'off' });
  t3.walk(5, b.length);
  dispatchAll(t3, e.events, 200);
  t3.flushIpa(201, 5, false); t3.flushStage1(202); t3.dsb(203);
  dispatchAll(t3, e2.events, 204);
  assert.deepEqual(t3.hazards, []);
});

test('seed §6.2: neither order leaves a stale translation at the end (legacy flushes at the end of the call)', () => {
  for (const seq of [seedUpstream, seedLegacy]) {
    const b = new EventBuilder(); g1(b); seq(b);
    const t = run(b, { walkAfterWrite: true });
    assert.deepEqual(t.hazards, [], seq.name);
    assert.ok(t.counts.fills > 0);
  }
});

test('speculative "mapped" sweep caches mappings the last operation did not touch', () => {
  const b = new EventBuilder(); small(b);
  b.begin('other'); b.end();
  const off = run(b, { speculative: 'off' });
  assert.equal(off.size, 0);
  const swept = run(b, { speculative: 'mapped', speculativeBudget: 8 });
  assert.deepEqual(swept.cachedLeaf(5), { level: 3, descriptor: page(0x5000) });
});

test('capacity bounds the cache (oldest evicted first)', () => {
  const b = new EventBuilder(); small(b);
  const t = run(b, { speculative: 'off', capacity: 2, walkCache: false });
  b.begin();
  for (let i = 0; i < 4; i++) b.write(P1, 10 + i, 3, page(0x6000 + i));
  b.end();
  const t2 = run(b, { speculative: 'recent', capacity: 2, walkCache: false });
  assert.equal(t.size, 0);
  assert.equal(t2.size, 2);
  assert.equal(t2.cachedLeaf(10), undefined);
  assert.ok(t2.cachedLeaf(13));
});

test('a lookup op is a guest access: its GFN is walked (and cached) when the op ends', () => {
  const b = new EventBuilder(); small(b);
  b.begin('lookup');
  b.events.push({ kind: 'frameEnter', frame: 'p2m_get_entry', level: 1, gfn: 5 });
  b.events.push({ kind: 'frameLeave', frame: 'p2m_get_entry', rc: 0 });
  b.end();
  const t = run(b, { speculative: 'off' });
  assert.deepEqual(t.cachedLeaf(5), { level: 3, descriptor: page(0x5000) });
  const n = new EventBuilder(); small(n);
  n.begin('set_entry');
  n.events.push({ kind: 'frameEnter', frame: 'p2m_get_entry', level: 1, gfn: 5 });
  n.end();
  assert.equal(run(n, { speculative: 'off' }).cachedLeaf(5), undefined);
});
