// driveDomain over the engine's EventLog takes the raw feed; it must hand the sink exactly what
// the object path (get(i) + dispatchEvent) hands it, for each domain of a shared log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import type { EventSource } from '../../../engine/replay/backend';
import { driveDomain } from '../../../engine/replay/tlb-view';
import type { TlbEventSink } from '../../../engine/tlb/event-sink';
import type { TraceRecord } from '../../../engine/trace/records';

function recorder(): TlbEventSink & { calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => (...a: unknown[]) => { calls.push(`${name}(${a.map(String).join(',')})`); };
  return {
    calls, onOpBegin: rec('opBegin'), onOpEnd: rec('opEnd'), onPteWrite: rec('pteWrite'), onPteClean: rec('pteClean'),
    onTlbFlush: rec('tlbFlush'), onNeedFlushSet: rec('needFlushSet'), onTableAlloc: rec('tableAlloc'),
    onTableZero: rec('tableZero'), onTableClean: rec('tableClean'), onTableFree: rec('tableFree'), onFrameEnter: rec('frameEnter'),
  };
}

test('driveDomain: raw feed and object path agree per domain', () => {
  const loc = (line: number) => ({ source: 't', line, column: 1, byteOffset: 0 });
  const recs: TraceRecord[] = [];
  let s = 5;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  for (let i = 0; i < 3000; i++) {
    const r = next(), order = r % 17 === 0 ? 9 : 0;
    const mfn = r % 4 === 0 ? -1 : (next() % 4096) * 2 ** order;
    recs.push({ kind: 'setEntry', domain: 1 + (r % 2), gfn: ((next() % 2048) * 2 ** order) % 2 ** 20, nr: 2 ** order, mfn,
      type: mfn < 0 ? 'invalid' : 'ram_rw', access: 'rwx', loc: loc(i + 1) });
  }
  const m = new EngineMachine(recs);
  m.reset();
  for (let i = 0; i < m.ops.length; i++) m.execute(i, true);
  const events = m.events;
  assert.equal(typeof (events as { feed?: unknown }).feed, 'function', 'the engine log has a raw feed');
  const objectsOnly: EventSource = { get length() { return events.length; }, get: i => events.get(i), kindAt: i => events.kindAt(i) };
  for (const domain of [1, 2]) {
    for (const end of [events.length, Math.floor(events.length / 3)]) {
      const a = recorder(), b = recorder();
      driveDomain(events, domain, end, a);
      driveDomain(objectsOnly, domain, end, b);
      assert.ok(a.calls.length > 1000);
      assert.deepEqual(a.calls, b.calls);
    }
  }
});
