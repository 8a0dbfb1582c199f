import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import { ReplayRuntime } from '../../../engine/replay/runtime';
import { keyOf, positionOfKey } from '../../../engine/replay/candidates';
import { runConsoleCommand } from '../../../engine/replay/console-commands';
import { formatDataId, parseDataId, parseGfnRangeText, addressRange } from '../../../engine/replay/breakpoints';
import { evaluateText, isTruthy } from '../../../engine/replay/expr/evaluator';
import type { Granularity, Position } from '../../../engine/replay/position';
import { fingerprint, randomRecords, rng, seedRuntime, SEED_PATH } from './helpers';

const GFNS = [0x0, 0x1ff, 0x200, 0x205, 0x40000, 0x40201, 0x80200, 0x100000, 0x140123, 0x1c0000];

test('seeded: forward, backward, forward stepping always reproduces identical states', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const records = randomRecords(seed, 120);
    const rt = new ReplayRuntime(new EngineMachine(records), { snapshotInterval: 7 });
    const seen = new Map<string, string>();
    const next = rng(seed * 7919);
    const trail: string[] = [];
    const grans: Granularity[] = ['operation', 'frame', 'event'];
    rt.goto(0);
    for (let i = 0; i < 600; i++) {
      const r = next();
      const g = grans[r % 3];
      const reverse = (r >>> 4) % 3 === 0;
      if (g === 'frame' && reverse === false && (r >>> 8) % 4 === 0) rt.stepOut(); else rt.step(g, reverse);
      if ((r >>> 12) % 50 === 0) rt.goto(next() % rt.opCount);
      const p = rt.position;
      trail.push(`${reverse ? '<' : '>'}${g[0]}@${p.op}+${p.event}`);
      const key = `${p.op}:${p.event}`;
      const fp = fingerprint(rt, p, GFNS);
      const prev = seen.get(key);
      if (prev !== undefined) assert.equal(fp, prev, `seed ${seed}: state differs on revisiting ${key}; steps: ${trail.slice(-20).join(' ')}`);
      else seen.set(key, fp);
    }
    assert.ok(seen.size > 50, `seed ${seed}: only ${seen.size} positions visited`);
  }
});

test('seeking anywhere (backwards included) matches a fresh replay to that operation (snapshot + re-execution)', () => {
  const records = randomRecords(11, 90);
  // interval 5: many coarse restores; interval 64: fine snapshots (every 16 ops) get used.
  // logSeek off: this is the path of index-only sessions and of traces the log cannot move.
  for (const interval of [5, 64]) {
    const rt = new ReplayRuntime(new EngineMachine(records, { logSeek: false }), { snapshotInterval: interval, maxEventsPerSnapshot: Infinity });
    const order = [...Array(rt.opCount + 1).keys()].reverse();
    for (const op of order) {
      const fresh = new EngineMachine(records);
      fresh.reset();
      for (let i = 0; i < op; i++) fresh.execute(i, false);
      const want = JSON.stringify([fresh.view(1).stats(), fresh.view(1).regions(0, 2 ** 21, 10000), fresh.view(1).maxMappedGfn(), fresh.view(1).lowestMappedGfn(), fresh.view(1).trueCounts()]);
      const v = rt.stateAt({ op, event: 0 }).view;
      const got = JSON.stringify([v.stats(), v.regions(0, 2 ** 21, 10000), v.maxMappedGfn(), v.lowestMappedGfn(), v.trueCounts()]);
      assert.equal(got, want, `interval ${interval}, op ${op}`);
    }
    assert.ok(rt.seeker.stats.restores > 0);
    assert.ok(rt.seeker.stats.executed <= (rt.opCount + 1) * interval, 'each seek re-executes at most one snapshot interval');
    if (interval === 64) {
      assert.ok(rt.seeker.stats.fineRestores > 0, 'stepping back used the fine snapshots');
      assert.ok(rt.seeker.stats.executed <= (rt.opCount + 1) * 16 + 64 * 2, `fine snapshots bound step-back cost (${rt.seeker.stats.executed})`);
    }
  }
});

test('position keys order like positions and round-trip', () => {
  const rt = seedRuntime();
  const tl = rt.timeline;
  let prev = -1;
  for (let op = 0; op < tl.opCount; op++) {
    for (let ev = 0; ev <= tl.eventCountOf(op); ev += Math.max(1, Math.floor(tl.eventCountOf(op) / 7))) {
      const k = keyOf(tl, { op, event: ev });
      assert.ok(k > prev, `key order at ${op}+${ev}`);
      prev = k;
      assert.deepEqual(positionOfKey(tl, k).pos, { op, event: ev });
    }
  }
});

test('the overlay shows a half-done break-before-make inside an operation', () => {
  const rt = seedRuntime();
  // op 1 replaces GFN 0x40201 inside the 1G block: find the break (live store of 0 into the L1 slot).
  const tl = rt.timeline;
  let breakAt = -1;
  for (let e = tl.opStart[1]; e < tl.opStart[2]; e++) {
    const ev = rt.events.get(e);
    if (ev.kind === 'pteWrite' && ev.live && ev.level === 1 && ev.new === 0n) { breakAt = e; break; }
  }
  assert.ok(breakAt > 0);
  const k = breakAt - tl.opStart[1];
  const before = rt.stateAt({ op: 1, event: k }).walk(0x40201);
  const after = rt.stateAt({ op: 1, event: k + 1 }).walk(0x40201);
  assert.equal(before[0].descriptor, 0x00800001000007fdn);
  assert.equal(after[0].descriptor, 0n);
  assert.equal(after[0].role, 'invalid');
  assert.equal(rt.stateAt({ op: 1, event: k + 1 }).lookup(0x40201).mfn, -1);
  // At the end of the op, the walk reaches the new 4K page.
  const end = rt.stateAt({ op: 2, event: 0 }).walk(0x40201);
  assert.equal(end.length, 3);
  assert.equal(end[2].fields.base, 0x300000);
});

test('runs: line, conditional, hit count, reverse, run-to-target, log points', () => {
  const rt = seedRuntime();
  const bps = rt.setLineBreakpoints(SEED_PATH, [{ line: 6 }, { line: 9, condition: 'type == mmio_direct_dev' }, { line: 11, condition: 'gfn == 1' }, { line: 12, logMessage: 'rm {gfn}' }]);
  assert.deepEqual(bps.map(b => b.verified), [true, true, true, true]);
  rt.goto(0);
  assert.equal(rt.run().stop.pos.op, 1);
  assert.equal(rt.run().stop.pos.op, 4);
  const end = rt.run();
  assert.equal(end.stop.reason, 'end');
  assert.deepEqual(end.output.map(o => o.text), ['rm 0x40000\n']);
  const back = rt.run(true);
  assert.equal(back.stop.pos.op, 4);
  assert.equal(back.output.length, 0, 'log points do not print in reverse');
  assert.equal(rt.run(true).stop.pos.op, 1);
  assert.equal(rt.run(true).stop.reason, 'entry');
  // run to a target before the next breakpoint
  rt.goto(0);
  const t = rt.run(false, { op: 0, event: 5 });
  assert.deepEqual(t.stop.pos, { op: 0, event: 5 });
  // hit count: a function breakpoint on the 3rd __p2m_set_entry
  rt.setLineBreakpoints(SEED_PATH, []);
  rt.setFunctionBreakpoints([{ name: '__p2m_set_entry', hitCondition: '3' }]);
  rt.goto(0);
  const h = rt.run();
  assert.equal(h.stop.reason, 'function breakpoint');
  assert.equal(h.stop.pos.op, 2);
});

test('data breakpoints: change kinds and filters; who last changed a GFN', () => {
  const rt = seedRuntime();
  const any = parseDataId(formatDataId({ from: 0x40201, to: 0x40202, filter: [] }))!;
  const split = parseDataId(formatDataId({ from: 0x40201, to: 0x40202, filter: ['split'] }))!;
  assert.ok(any && split);
  rt.setDataBreakpoints([{ dataId: formatDataId(split) }]);
  rt.goto(0);
  const s = rt.run().stop;
  assert.equal(s.reason, 'data breakpoint');
  assert.equal(s.pos.op, 1);
  assert.equal(s.change?.split, true);
  assert.equal(s.change?.level, 1);
  rt.setDataBreakpoints([{ dataId: formatDataId(any) }]);
  rt.goto(0);
  const stops: string[] = [];
  for (let r = rt.run(); r.stop.reason === 'data breakpoint'; r = rt.run()) {
    const c = r.stop.change!;
    stops.push(`${r.stop.pos.op}:L${c.level}:${c.split ? 'split' : c.mfn ? 'mfn' : 'other'}`);
  }
  // map 1G, split (one live change at L1: the 2M level below is built off-line and linked
  // before it goes live), replace 4K, remap 4K, remove all (L1 table → 0).
  assert.deepEqual(stops, ['0:L1:mfn', '1:L1:split', '1:L3:mfn', '6:L3:mfn', '7:L1:mfn']);
  rt.moveTo({ op: 7, event: 0 });
  const who = rt.whoLastChanged(0x40201);
  assert.equal(who?.pos.op, 6);
  assert.equal(who?.change.after & 0xfffffffff000n, 0x300001000n);
  rt.moveTo({ op: 1, event: 0 });
  assert.equal(rt.whoLastChanged(0x40201)?.pos.op, 0);
  rt.moveTo({ op: 0, event: 0 });
  assert.equal(rt.whoLastChanged(0x40201), undefined);
});

test('exception filters: -EINVAL, stats drift, condition on the filter', () => {
  const rt = seedRuntime();
  assert.deepEqual(rt.setExceptionFilters([{ filterId: 'einval' }, { filterId: 'nope' }]).map(r => r.verified), [true, false]);
  rt.goto(0);
  const e = rt.run().stop;
  assert.equal(e.reason, 'exception');
  assert.equal(e.exception?.filter, 'einval');
  assert.equal(e.pos.op, 5);
  rt.setExceptionFilters([{ filterId: 'stats-drift', condition: 'mfn == 0x300001' }]);
  rt.goto(0);
  const d = rt.run().stop;
  assert.equal(d.exception?.filter, 'stats-drift');
  assert.equal(d.pos.op, 6);
});

test('console commands: walk, regions, diff, stats, who, and expressions fall through', () => {
  const rt = seedRuntime();
  rt.goto(2);
  const walk = runConsoleCommand(rt, 'walk 0x40201')!;
  assert.match(walk.text, /L3 0x[0-9a-f]+\[0x001\] = 0x0080000300000.*page mfn 0x300000 ram_rw rw/);
  const regions = runConsoleCommand(rt, 'regions 0x40000 0x40400')!;
  assert.match(regions.text, /0x40201\.\.0x40201 → 0x300000\.\.0x300000 ram_rw rwx L3 \(1 pages\)/);
  const diff = runConsoleCommand(rt, 'diff 0 2')!;
  assert.match(diff.text, /\+ 0x40000\.\.0x401ff/);
  assert.match(runConsoleCommand(rt, 'stats')!.text, /Xen mappings {2}1G 0 {2}2M 511 {2}4K 511/);
  assert.equal(runConsoleCommand(rt, 'lookup(0x40201).mfn'), undefined);
  assert.equal(runConsoleCommand(rt, 'gfn + 1'), undefined);
  const bad = runConsoleCommand(rt, 'walk nosuch')!;
  assert.equal(bad.error, true);
  rt.goto(7);
  const who = runConsoleCommand(rt, 'who 0x40201')!;
  assert.deepEqual(who.moveTo?.op, 6);
});

test('GFN range text, address ranges and malformed data ids', () => {
  assert.deepEqual(parseGfnRangeText('0x40000+0x200 mfn,split'), { from: 0x40000, to: 0x40200, filter: ['mfn', 'split'] });
  assert.deepEqual(parseGfnRangeText('0x10..0x1f'), { from: 0x10, to: 0x20, filter: [] });
  assert.ok('error' in parseGfnRangeText('0x10 bogus'));
  assert.deepEqual(addressRange('0x40201000', 4096), { from: 0x40201, to: 0x40202, filter: [] });
  assert.deepEqual(addressRange('0x40201800', 4096), { from: 0x40201, to: 0x40203, filter: [] });
  assert.equal(parseDataId('gfn:*:10:5'), undefined);
  assert.equal(parseDataId('junk'), undefined);
  const rt = seedRuntime();
  assert.equal(rt.setDataBreakpoints([{ dataId: 'junk' }])[0].verified, false);
});

test('frames: step in/out and restart frame', () => {
  const rt = seedRuntime();
  rt.goto(1);
  const names = () => rt.frames().map(f => f.name);
  rt.step('frame'); rt.step('frame'); rt.step('frame');
  assert.deepEqual(names(), ['p2m_set_entry', '__p2m_set_entry', 'p2m_split_superpage']);
  const targets = rt.stepInTargets().map(f => f.name);
  assert.ok(targets.includes('p2m_split_superpage') && targets.includes('p2m_free_entry'), targets.join(','));
  const p: Position = rt.position;
  rt.restartFrame(2);
  assert.deepEqual(names(), ['p2m_set_entry', '__p2m_set_entry']);
  assert.equal(rt.position.event, p.event - 1);
  rt.stepOut();
  assert.deepEqual(names(), ['p2m_set_entry']);
  rt.restartFrame(0);
  assert.deepEqual(rt.position, { op: 1, event: 0 });
});

test('reverse runs with state conditions find the nearest earlier hit (checked against brute force)', () => {
  const records = randomRecords(5, 150);
  const rt = new ReplayRuntime(new EngineMachine(records), { snapshotInterval: 16 });
  const cond = 'stats.mappings[3] % 7 == 3 || max_mapped_gfn < 0x1000 && gfn % 2 == 1';
  const lines = rt.timeline.linesOf('rand');
  rt.setLineBreakpoints('rand', lines.map(line => ({ line, condition: cond })));
  // Brute force: evaluate the condition at every op's line.
  const hits: number[] = [];
  for (let op = 0; op < rt.opCount; op++) {
    const r = evaluateText(cond, rt.env({ op, event: 0 }));
    assert.ok(r.ok);
    if (r.ok && isTruthy(r.value)) hits.push(op);
  }
  assert.ok(hits.length > 3 && hits.length < rt.opCount - 3, `${hits.length} hits`);
  rt.goto(rt.opCount);
  const got: number[] = [];
  for (let s = rt.run(true).stop; s.reason === 'breakpoint'; s = rt.run(true).stop) got.push(s.pos.op);
  assert.deepEqual(got, [...hits].reverse());
  rt.goto(0);
  const fwd: number[] = [];
  for (let s = rt.run(false, undefined, true).stop; s.reason === 'breakpoint'; s = rt.run().stop) fwd.push(s.pos.op);
  assert.deepEqual(fwd, hits);
});

test('a snapshot budget thins snapshots evenly and seeks stay exact (snapshot + re-execution)', () => {
  const records = randomRecords(21, 200);
  const rt = new ReplayRuntime(new EngineMachine(records, { logSeek: false }), { snapshotInterval: 2, maxEventsPerSnapshot: Infinity, maxSnapshots: 8 });
  assert.ok(rt.seeker.snapshotCount <= 8 && rt.seeker.snapshotCount >= 4, `${rt.seeker.snapshotCount} snapshots`);
  const fresh = new EngineMachine(records);
  fresh.reset();
  const want: string[] = [];
  for (let op = 0; op <= rt.opCount; op++) {
    want.push(JSON.stringify([fresh.view(1).stats(), fresh.view(1).regions(0, 2 ** 21, 10000)]));
    if (op < rt.opCount) fresh.execute(op, false);
  }
  for (const op of [200, 0, 150, 3, 77, 199, 100, 1]) {
    const v = rt.stateAt({ op, event: 0 }).view;
    assert.equal(JSON.stringify([v.stats(), v.regions(0, 2 ** 21, 10000)]), want[op], `op ${op}`);
  }
});
