// The op summary reads the event log through its raw feed (summary-sink.ts). It must give the
// same columns as object dispatch (the path for sources without `feed`), on real replays of
// the bundled samples: splits, pool exhaustion diagnostics, a legacy-strategy trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { P2mEvent } from '../../../engine/p2m/events';
import { Timeline } from '../../../engine/replay/timeline';
import { readTrace } from '../../../engine/trace/index';
import { createMachine } from '../../../extension/session/machine-factory';
import { eventPhase } from '../../../extension/session/event-format';
import type { OpColumn } from '../../../extension/session/compact-column';
import { PHASES, summarizeOps, type OpSummary } from '../../../extension/session/op-summary';

const root = process.env.P2M_ROOT ?? process.cwd();

const values = (c: OpColumn) => Array.from({ length: c.length }, (_v, i) => c.at(i));

function columns(s: OpSummary) {
  return {
    flushes: values(s.flushes), violations: values(s.violations), diagnostics: values(s.diagnostics), rc: values(s.rc),
    phase: [...s.phase], messages: [...s.messages.entries()], totalViolations: s.violations.total, totalDiagnostics: s.diagnostics.total,
  };
}

for (const [file, strategy] of [['seed-4k-remap-in-1g.p2mtrace', undefined], ['pool-exhaustion.p2mtrace', undefined],
  ['dom0-boot.xentrace', undefined], ['seed-4k-remap-in-1g.p2mtrace', 'legacy']] as const) {
  test(`raw feed and object dispatch agree: ${file}${strategy ? ` (${strategy})` : ''}`, () => {
    const r = readTrace(path.join(root, 'samples', file), { source: file, format: 'auto' });
    const m = createMachine([...r.store], { strategy, override: strategy !== undefined }).machine;
    const { timeline } = Timeline.build(m, 1 << 30);
    const log = m.events;
    assert.ok(log.length > 0, 'the replay recorded events');
    // The same log seen without `feed` / `diagnosticsList`: summarizeOps falls back to get(i).
    const plain = { length: log.length, get: (i: number): P2mEvent => log.get(i), kindAt: (i: number) => log.kindAt(i) };
    const fast = summarizeOps(m.ops, log, timeline.opStart);
    const slow = summarizeOps(m.ops, plain, timeline.opStart);
    assert.deepEqual(columns(fast), columns(slow));
    // And both match the event objects read one by one (flush count, rc, highest BBM phase).
    for (let op = 0; op < m.ops.length; op++) {
      let flushes = 0, rc = 0, rank = 0;
      for (let i = timeline.opStart[op]; i < timeline.opStart[op + 1]; i++) {
        const e = log.get(i);
        if (e.kind === 'tlbFlush') flushes++;
        if (e.kind === 'opEnd') rc = e.rc;
        rank = Math.max(rank, PHASES.indexOf(eventPhase(e)));
      }
      if (fast.violations.at(op) > 0) rank = PHASES.indexOf('violation');
      assert.deepEqual([fast.flushes.at(op), fast.rc.at(op), PHASES[fast.phase[op]]], [flushes, rc, PHASES[rank]], `op ${op}`);
    }
    assert.ok(fast.flushes.total > 0 || fast.phase.some(p => p > 0) || fast.diagnostics.total > 0, 'the sample exercises the summary');
  });
}
