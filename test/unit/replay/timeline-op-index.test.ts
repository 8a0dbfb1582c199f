// The timeline's opStart shares the event log's op index when every op's events start with
// its own opBegin (timeline.ts, EventLog.opIndexView), and falls back to an array of its own,
// with the same values, from the first op that breaks that (no opBegin, two, events before).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from '../../../engine/p2m/event-log';
import type { ReplayMachine } from '../../../engine/replay/backend';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import { Timeline } from '../../../engine/replay/timeline';
import { randomRecords } from './helpers';

/** Events before each op and the total, measured by executing the machine op by op. */
function measuredStarts(m: ReplayMachine<unknown>): number[] {
  m.reset();
  const out: number[] = [];
  for (let i = 0; i < m.ops.length; i++) { out.push(m.events.length); m.execute(i, true); }
  out.push(m.events.length);
  return out;
}

test('engine machine: opStart is the log\'s own op index (shared buffer), with the measured values', () => {
  for (const [seed, n] of [[1, 0], [2, 1], [3, 700], [4, 1500]] as const) {
    const m = new EngineMachine(randomRecords(seed, n));
    const want = measuredStarts(new EngineMachine(randomRecords(seed, n)));
    const { timeline } = Timeline.build(m, 64);
    assert.deepEqual([...timeline.opStart], want, `seed ${seed}`);
    assert.equal(timeline.eventCount, m.events.length);
    const log = m.events;
    assert.ok(log instanceof EventLog);
    assert.equal(timeline.opStart.buffer, log.opIndexView().buffer, 'no second per-op array');
  }
});

/**
 * A stand-in machine over a real EventLog: op i emits its opBegin (or, per `shape`, none, two,
 * or an event before it) and `i % 3` table events. `indexBuffer` is the buffer of the log's op
 * index as the last op leaves it (captured by the machine itself, before Timeline.build asks
 * for the view): a timeline that shares the index holds exactly this buffer. Asking the log
 * for its view after the build could instead return a freshly grown copy, equal to nothing.
 */
function fakeMachine(n: number, shape: (i: number) => 'ok' | 'none' | 'two' | 'before'): ReplayMachine<number> & { indexBuffer: ArrayBufferLike | undefined } {
  let log = new EventLog();
  const m = {
    ops: Array.from({ length: n }, (_v, i) => ({ kind: 'set_entry', domain: 1, loc: { source: 'f', line: i + 1, column: 1, byteOffset: 0 }, args: {}, label: `op ${i}` })),
    domains: [1],
    indexBuffer: undefined as ArrayBufferLike | undefined,
    get events() { return log; },
    reset() { log = new EventLog(); m.indexBuffer = n === 0 ? log.opIndexView().buffer : undefined; },
    execute(i: number) {
      const s = shape(i);
      if (s === 'before') log.tableZero(i);
      if (s !== 'none') log.opBegin(0, 1);
      if (s === 'two') log.opBegin(0, 1);
      for (let k = 0; k < i % 3; k++) log.tableClean(k);
      if (s !== 'none') log.opEnd(0);
      // Grows the index to its final capacity now, so the build's own call returns this buffer.
      if (i === n - 1) m.indexBuffer = log.opIndexView().buffer;
    },
    snapshot: () => 0,
    restore() { /* stateless */ },
  };
  return m as unknown as ReplayMachine<number> & { indexBuffer: ArrayBufferLike | undefined };
}

for (const bad of ['none', 'two', 'before'] as const) {
  test(`an op with ${bad === 'before' ? 'an event before its opBegin' : `${bad} opBegin`}: the timeline keeps its own, equal opStart`, () => {
    for (const at of [0, 1, 999, 1999]) {
      const shape = (i: number) => i === at ? bad : 'ok';
      const want = measuredStarts(fakeMachine(2000, shape));
      const m = fakeMachine(2000, shape);
      const { timeline } = Timeline.build(m, 100);
      assert.deepEqual([...timeline.opStart], want, `bad op ${at}`);
      assert.ok(m.indexBuffer !== undefined);
      assert.notEqual(timeline.opStart.buffer, m.indexBuffer, `bad op ${at}: not the log's index`);
    }
  });
}

test('a stand-in machine whose ops all begin with opBegin shares the log\'s index too', () => {
  for (const n of [0, 1023, 1024, 1025]) {
    const want = measuredStarts(fakeMachine(n, () => 'ok'));
    const m = fakeMachine(n, () => 'ok');
    const { timeline } = Timeline.build(m, 100);
    assert.deepEqual([...timeline.opStart], want, `n ${n}`);
    // The same buffer the machine captured: so the bad-op tests' inequality is not trivial.
    assert.equal(timeline.opStart.buffer, m.indexBuffer, `n ${n}`);
  }
});
