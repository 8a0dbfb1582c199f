// EventLog.feed (the raw-field path for the BBM checker / TLB model) must deliver exactly what
// dispatching the materialised `get(i)` objects delivers, for every range, including ranges
// that start mid-op, span chunk boundaries, and after the log grew past its first chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { EventLog } from '../../../engine/p2m/event-log';
import { dispatchEvent } from '../../../engine/tlb/event-sink';
import { callRecorder } from './helpers';
import { BbmChecker } from '../../../engine/tlb/bbm-checker';
import { feedLog } from '../../../engine/tlb/event-sink';


function workload(calls: number): P2m {
  const p = new P2m({ ipaBits: 40, poolPages: 'unlimited', cleanPte: true, log: new EventLog() });
  let s = 12345;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  for (let i = 0; i < calls; i++) {
    const r = next();
    const order = r % 23 === 0 ? 9 : 0;
    const gfn = ((next() % 4096) * 2 ** order) % 2 ** 21 + (r % 97 === 0 ? 2 ** 32 : 0); // some GFNs above 2^32
    const mfn = r % 5 === 0 ? -1 : (next() % 65536) * 2 ** order;
    p.setEntry(gfn, 2 ** order, mfn, mfn < 0 ? 0 : 1 + (r % 3), 7);
  }
  return p;
}

test('feed delivers the same calls as dispatching get(i) objects', () => {
  const p = workload(40_000); // > 1M words: several chunks
  const log = p.log;
  assert.ok(log.length > 300_000, `log has ${log.length} events`);
  const ranges: [number, number][] = [[0, log.length], [1, 5000], [777, 131_073], [log.length - 1000, log.length], [5, 5]];
  for (const [from, to] of ranges) {
    const a = callRecorder(), b = callRecorder();
    log.feed(a, from, to);
    for (let i = from; i < to; i++) dispatchEvent(b, log.get(i), i);
    assert.equal(a.calls.length, b.calls.length, `range ${from}..${to}`);
    assert.deepEqual(a.calls, b.calls, `range ${from}..${to}`);
  }
});

test('feed without onFrameEnter skips frames; a BBM checker fed raw matches one fed objects', () => {
  const p = workload(5000);
  const raw = new BbmChecker({ cleanPte: true }), obj = new BbmChecker({ cleanPte: true });
  p.log.feed(raw);
  for (let i = 0; i < p.log.length; i++) dispatchEvent(obj, p.log.get(i), i);
  assert.deepEqual(raw.counts, obj.counts);
  assert.deepEqual(raw.findings, obj.findings);
  assert.ok(raw.counts.pteWrites > 5000);
  // feedLog picks the raw path for an EventLog and still gives the same result.
  const viaHelper = new BbmChecker({ cleanPte: true });
  feedLog(p.log, [viaHelper]);
  assert.deepEqual(viaHelper.counts, obj.counts);
});

test('pteWrite stores only its non-zero sides and reads back exactly (get and feed)', () => {
  const log = new EventLog();
  const cases: [number, number, number, number][] = [[0, 0, 0, 0], [0, 0, 0x80000fff, 0x00400000], [0x7ff, 1, 0, 0], [0xffffffff, 0xffffffff, 1, 0]];
  const want: string[] = [];
  for (let k = 0; k < 400; k++) {
    const [a, b, c, d] = cases[k % 4];
    const index = (k * 37) % 512, level = k % 4;
    log.opBegin(0, 1);
    log.pteWrite(0x80010 + k, index, level, a, b, c, d, k % 3 === 0, k % 5 === 0);
    log.stat(0, level, -1);
    log.opEnd(0);
    want.push(`pteWrite(${0x80010 + k},${index},${level},${a},${b},${c},${d},${k % 3 === 0},${k % 5 === 0})`);
  }
  assert.equal(log.length, 1600);
  const got: string[] = [];
  for (let i = 0; i < log.length; i++) {
    const e = log.get(i);
    if (e.kind !== 'pteWrite') continue;
    const lo = (x: bigint) => Number(x & 0xffffffffn), hi = (x: bigint) => Number(x >> 32n);
    got.push(`pteWrite(${e.table},${e.index},${e.level},${lo(e.old)},${hi(e.old)},${lo(e.new)},${hi(e.new)},${e.live},${e.raw})`);
  }
  assert.deepEqual(got, want);
  const r = callRecorder();
  log.feed(r);
  assert.deepEqual(r.calls.filter(c => c.startsWith('pteWrite')).map(c => c.replace(/^pteWrite\(\d+,/, 'pteWrite(')), want);
  // Random access lands on the right events after variable-size records.
  assert.equal(log.get(1597).kind, 'pteWrite');
  assert.equal(log.get(1598).kind, 'stat');
});

test('feed delivers stat, mappedRange and radix events to the optional sink methods, as get(i) reads them', () => {
  const p = new P2m({ ipaBits: 40, poolPages: 'unlimited', memAccess: true, log: new EventLog() });
  for (let i = 0; i < 3000; i++) {
    const gfn = (i * 7919) % 2 ** 20 + (i % 13 === 0 ? 2 ** 33 : 0);
    p.setEntry(gfn, 1 + (i % 3), i % 5 ? 0x1000 + i : -1, 1, i % 7);
  }
  const got: string[] = [], want: string[] = [];
  p.log.feed({
    ...callRecorder(),
    onStat: (i, f, l, d) => { got.push(`${i} stat ${f ? 'shattered' : 'mappings'} ${l} ${d}`); },
    onMappedRange: (i, m, lo) => { got.push(`${i} range ${m} ${lo}`); },
    onRadixSet: (i, g, a) => { got.push(`${i} radixSet ${g} ${a}`); },
    onRadixDelete: (i, g) => { got.push(`${i} radixDelete ${g}`); },
  }, 0, p.log.length);
  for (let i = 0; i < p.log.length; i++) {
    const e = p.log.get(i);
    if (e.kind === 'stat') want.push(`${i} stat ${e.field} ${e.level} ${e.delta}`);
    else if (e.kind === 'mappedRange') want.push(`${i} range ${e.maxMappedGfn} ${e.lowestMappedGfn}`);
    else if (e.kind === 'radixSet') want.push(`${i} radixSet ${e.gfn} ${e.access}`);
    else if (e.kind === 'radixDelete') want.push(`${i} radixDelete ${e.gfn}`);
  }
  assert.ok(want.some(s => s.includes(' stat ')) && want.some(s => s.includes(' range ')), 'the workload has stat and mappedRange events');
  assert.deepEqual(got, want);
});
