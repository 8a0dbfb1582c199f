// The simulator's per-call work budget (config maxChunksPerCall, engine/p2m/config.ts) in the
// 2016 strategies: upstream already stopped a huge unaligned call with -ERESTART and a
// sim-work-budget diagnostic; the xen-4.8 range driver and legacy apply_p2m_changes looped
// once per 4K page, so nr = 2^36 ran for hours. Also replays the fuzz regression fixture
// (test/fixtures/regressions/p2mtrace-strategy-budget-2e36.*) under each strategy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createP2m } from '../../../engine/strategy/create-p2m';
import type { StrategyName } from '../../../engine/strategy/registry';
import { EventLog } from '../../../engine/p2m/event-log';
import { readTrace } from '../../../engine/trace/index';
import { INVALID_MFN } from '../../../engine/arch/types';

const ERESTART = -85;
const BUDGET = 3000;
const ROOT = process.env.P2M_ROOT ?? process.cwd();

function quiet(strategy: StrategyName, maxChunksPerCall = BUDGET) {
  const log = new EventLog();
  log.enabled = false;
  return createP2m({ strategy, poolPages: 'unlimited', maxChunksPerCall, log });
}

for (const strategy of ['xen-4.8', 'legacy'] as const) {
  test(`${strategy}: nr = 2^36 with an unaligned MFN stops at the budget with -ERESTART and a located diagnostic`, () => {
    const p = quiet(strategy);
    const t0 = performance.now();
    const rc = p.setEntry(0, 2 ** 36, 1, 'ram_rw', 'rwx');
    assert.ok(performance.now() - t0 < 5000, 'bounded time');
    assert.equal(rc, ERESTART);
    const d = p.diagnostics.find(x => x.code === 'sim-work-budget');
    assert.ok(d, 'sim-work-budget diagnostic');
    assert.equal(d.severity, 'warning');
    assert.equal(d.gfn, BUDGET, 'located at the first GFN not done');
    assert.match(d.message, /budget of 3000/);
    assert.equal(p.core.needFlush, false, 'the call still unlocks cleanly');
    if (strategy === 'xen-4.8') {
      // No rollback in the 2016 range driver: the chunks done stay mapped (like upstream).
      assert.equal(p.lookup(BUDGET - 1).mfn, BUDGET);
      assert.equal(p.lookup(BUDGET).mfn, -1);
      assert.equal(p.stats().mappings[3], BUDGET);
    } else {
      // legacy undoes a failed insert (no partial result): the state is the pre-call one.
      assert.equal(p.lookup(0).mfn, -1);
      assert.equal(p.stats().mappings[3], 0);
    }
  });

  test(`${strategy}: a removal of 2^36 pages is bounded too`, () => {
    const p = quiet(strategy);
    assert.equal(p.setEntry(0, 0x400, 0x1000, 'ram_rw', 'rwx'), 0);
    const t0 = performance.now();
    const rc = p.setEntry(0, 2 ** 36, INVALID_MFN, 'invalid', 'rwx');
    assert.ok(performance.now() - t0 < 5000);
    assert.ok(rc === ERESTART || rc === 0 || rc < 0, `rc ${rc}`);
    assert.equal(p.lookup(0x10).mfn, -1, 'the mapped pages at the start were removed before the budget ran out');
    assert.equal(p.core.needFlush, false);
  });

  test(`${strategy}: calls under the budget are unchanged (no diagnostic, rc 0)`, () => {
    const p = quiet(strategy, 600);
    assert.equal(p.setEntry(0x10, 599, 0x5001, 'ram_rw', 'rwx'), 0);
    assert.equal(p.lookup(0x10 + 598).mfn, 0x5001 + 598);
    assert.equal(p.diagnostics.filter(d => d.code === 'sim-work-budget').length, 0);
  });
}

test('fuzz regression p2mtrace-strategy-budget-2e36: every strategy replays the fixture in bounded time', () => {
  const file = path.join(ROOT, 'test/fixtures/regressions/p2mtrace-strategy-budget-2e36.p2mtrace.input');
  const r = readTrace(file, { format: 'p2mtrace' });
  const sets = [...r.store].filter(x => x.kind === 'setEntry');
  assert.equal(sets.length, 2);
  for (const strategy of ['upstream', 'xen-4.8', 'legacy'] as const) {
    const p = quiet(strategy, 20_000);
    const t0 = performance.now();
    const rcs = sets.map(s => s.kind === 'setEntry' ? p.setEntry(s.gfn, s.nr, s.mfn, s.type, s.access) : 0);
    assert.ok(performance.now() - t0 < 10_000, `${strategy}: bounded time`);
    assert.equal(rcs[0], ERESTART, `${strategy}: the unaligned 2^36 insert hits the budget`);
    assert.ok(p.diagnostics.some(d => d.code === 'sim-work-budget'), strategy);
  }
});
