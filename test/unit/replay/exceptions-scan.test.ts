// scanExceptions reads the engine's log through the raw feed (opEnd codes, diagnostic indices)
// instead of kindAt/get per event. Both paths must find the same sites and return codes: a
// pool-limited random trace gives -ENOMEM/-ENOENT ops, compact rc-errors, stats drift and
// checker findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import { Timeline } from '../../../engine/replay/timeline';
import { scanExceptions } from '../../../engine/replay/exceptions';
import type { EventSource } from '../../../engine/replay/backend';
import { randomRecords } from './helpers';

test('the raw-feed exception scan equals the per-event scan', () => {
  const m = new EngineMachine(randomRecords(11, 3000), { poolPages: 24, override: true });
  const { timeline } = Timeline.build(m, 256);
  const log = m.events;
  // The same log without `feed`: scanExceptions falls back to kindAt/get per event.
  const plain: EventSource = { get length() { return log.length; }, get: i => log.get(i), kindAt: i => log.kindAt(i) };
  const ext = m.findings();
  for (const external of [[], ext]) {
    const a = scanExceptions(timeline, log, external), b = scanExceptions(timeline, plain, external);
    assert.deepEqual(a.rc, b.rc);
    assert.deepEqual(a.sites, b.sites);
  }
  const s = scanExceptions(timeline, log, ext);
  const filters = new Set(s.sites.map(x => x.filter));
  assert.ok(filters.has('enomem') || filters.has('enoent'), `failed ops found (${[...filters].join(', ')})`);
  assert.ok(filters.has('stats-drift'), `drift found (${[...filters].join(', ')})`);
  assert.ok(s.rc.some(r => r !== 0));
});
