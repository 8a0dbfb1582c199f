// The engine's own diagnostic list (P2m.diagnostics / core.diagnostics) keeps failed calls'
// rc-errors in columns until the list is read. Whoever reads it must see exactly what the eager
// form gave: every diagnostic of the event log, in the log's order, with its op — also when
// rc-errors and other diagnostics alternate, when a reader truncates the list mid-replay (the
// session does `length = 0` after every op) and across snapshot restores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { P2m } from '../../../engine/p2m/p2m';
import type { OpDiagnostic } from '../../../engine/p2m/core';
import { createP2m, type StrategyP2mConfig } from '../../../engine/strategy/create-p2m';

/** The log's diagnostics from event `from` on, each with the op of its event (the eager list). */
function fromLog(p: P2m, from = 0): OpDiagnostic[] {
  const out: OpDiagnostic[] = [];
  let op = -1;
  for (let i = 0; i < p.log.length; i++) {
    const e = p.log.get(i);
    if (e.kind === 'opBegin') op = e.op;
    if (e.kind === 'diagnostic' && i >= from) out.push({ op, ...e.diag });
  }
  return out;
}

/** Failing calls (a 3-page pool runs dry) mixed with calls that make other diagnostics. */
function workload(p: P2m, n: number, seed: number): void {
  p.setEntry(5, 1, 0x400000, 'ram_rw', 'rwx'); // mapped while the pool still has pages (remapped below)
  for (let i = 0; i < n; i++) {
    const g = ((i * 0x40201 + seed * 0x9e37) % 2 ** 27) + 1;
    p.setEntry(g, 1, 0x100000 + i, 'ram_rw', 'rwx');
    if (i % 3 === 0) p.setAtOrder(g, 5, 0x2000, 'ram_rw', 'rwx'); // assert-order (and maybe a failure)
    if (i % 5 === 1) p.setAtOrder(2 ** 27 + i * 512, 9, 0x1234, 'ram_rw', 'rwx'); // -EINVAL or a failure: rc-error
    if (i % 7 === 2) p.setEntry(g + 7, 1, 0x300000 + i, 14, 'rwx'); // type ≥ max_real_type: assert-type
    if (i % 4 === 3) p.setEntry(5, 1, 0x400000 + i, 'ram_rw', 'rwx'); // a remap of GFN 5: stats drift
    if (i % 9 === 4) { p.setEntry(5, 1, -1, 'invalid', 'rwx'); p.setEntry(5, 1, 0x500000 + i, 'ram_rw', 'rwx'); } // legacy: reclaim drift
  }
}

const STRATEGIES = ['upstream', 'xen-4.8', 'legacy'] as const;
const config = (strategy: (typeof STRATEGIES)[number]): StrategyP2mConfig => ({ strategy, ipaBits: 40, poolPages: 3 });

for (const strategy of STRATEGIES) {
  test(`diagnostic list (${strategy}): the log's diagnostics in order, rc-errors interleaved with others`, () => {
    const p = createP2m(config(strategy));
    workload(p, 60, 1);
    const expected = fromLog(p);
    const codes = new Set(expected.map(d => d.code));
    assert.ok(expected.filter(d => d.code === 'rc-error').length >= 10, 'enough failed calls');
    assert.ok(codes.size >= 3, `other codes too: ${[...codes].join(', ')}`);
    // An rc-error directly followed by another code, and the reverse: the order is what is tested.
    const pairs = new Set(expected.slice(1).map((d, k) => `${expected[k].code === 'rc-error'}>${d.code === 'rc-error'}`));
    assert.ok(pairs.has('true>false') && pairs.has('false>true'), [...pairs].join(' '));
    assert.deepEqual(p.diagnostics, expected);
    // Reading again changes nothing (the pending columns were emptied into the list once).
    assert.deepEqual(p.diagnostics, expected);
    assert.equal(p.log.diagnosticCount(), expected.length);
  });

  test(`diagnostic list (${strategy}): truncated by a reader between ops, as the session does`, () => {
    const p = createP2m(config(strategy));
    let kept: OpDiagnostic[] = [];
    let mark = 0;
    for (let round = 0; round < 6; round++) {
      workload(p, 12, round);
      kept = [...p.core.diagnostics];
      assert.deepEqual(kept, fromLog(p, mark), `round ${round}`);
      if (p.core.diagnostics.length !== 0) p.core.diagnostics.length = 0;
      mark = p.log.length;
    }
    assert.ok(kept.length > 0);
    assert.equal(p.diagnostics.length, 0);
  });

  test(`diagnostic list (${strategy}): clearDiagnostics drops kept and pending ones alike`, () => {
    const p = createP2m(config(strategy));
    workload(p, 20, 5);
    assert.ok(p.log.diagnosticCount() > 0);
    p.core.clearDiagnostics(); // rc-errors still pending here: they must not reappear
    assert.deepEqual(p.diagnostics, []);
    const mark = p.log.length;
    workload(p, 20, 6);
    assert.deepEqual(p.diagnostics, fromLog(p, mark));
  });

  test(`diagnostic list (${strategy}): snapshot restore cuts the list back to the snapshot's count`, () => {
    const p = createP2m(config(strategy));
    workload(p, 20, 3);
    const before = fromLog(p); // nothing read yet: the rc-errors are still pending at the snapshot
    const snap = p.snapshot();
    workload(p, 20, 4);
    assert.ok(p.diagnostics.length > before.length);
    p.restore(snap);
    assert.deepEqual(p.diagnostics, before);
  });

  test(`diagnostic list (${strategy}): snapshot and restore count and cut pending rc-errors without reading the list`, () => {
    const p = createP2m(config(strategy));
    workload(p, 20, 3); // the pool is dry from here on: the calls below only fail
    const before = fromLog(p);
    const snap = p.snapshot();
    const pending = () => (p.core as unknown as { rcPending: number }).rcPending;
    const mark = p.log.length;
    for (let i = 0; i < 12; i++) p.setEntry(2 ** 26 + i * 4096, 1, 0x700000 + i, 'ram_rw', 'rwx');
    const added = fromLog(p, mark);
    assert.ok(added.length >= 12 && added.every(d => d.code === 'rc-error'), 'the second phase makes rc-errors only');
    // Cut inside the pending rc-errors: restore to a point in the middle of them.
    const mid = p.snapshot();
    // Taking the snapshot counted the rc-errors without building them (the point of the columns).
    assert.ok(pending() >= 12, 'the snapshot left the rc-errors pending');
    const midCount = before.length + added.length;
    for (let i = 0; i < 5; i++) p.setEntry(2 ** 26 + 0x100000 + i * 4096, 1, 0x800000 + i, 'ram_rw', 'rwx');
    p.restore(mid);
    assert.ok(pending() > 0, 'the restore cut the pending rc-errors without building them');
    assert.deepEqual(p.diagnostics, [...before, ...added]);
    assert.equal(p.diagnostics.length, midCount);
    p.restore(snap);
    assert.deepEqual(p.diagnostics, before);
  });
}
