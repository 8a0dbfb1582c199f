// Log-driven seeking (engine/replay/log-mover.ts): one engine state moved along the recorded
// log, forwards and backwards, with a few checkpoints. At random ops reached in random order,
// everything a DomainView exposes (every table page's entries, isTablePage, lookups, regions,
// stats, true counts, mapped range, need_flush, pool, dump) must equal a fresh engine executed
// to that op, for all three strategies, pool-limited traces (failed calls, rolled-back splits,
// reused pages with stale entries), mem_access, relinquish, invalidate_root, several domains,
// write_pte lines and golden-scenario traces. Every comparison runs in both log-seek modes:
// `moves` (the engine set moved between checkpoints) and `time` (views answered from the time
// index, time-store.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { EngineMachine, type EngineMachineOptions } from '../../../engine/replay/engine-machine';
import { ReplayRuntime } from '../../../engine/replay/runtime';
import { DEFAULT_CONFIG } from '../../../engine/p2m/config';
import { LogMover } from '../../../engine/replay/log-mover';
import { HistoryBuilder } from '../../../engine/replay/time-history-builder';
import type { TraceRecord } from '../../../engine/trace/records';
import { ROOT, rng, randomRecords } from './helpers';

function records(text: string): TraceRecord[] {
  const r = parseP2mTrace(text, 't.p2mtrace');
  assert.deepEqual(r.diagnostics.map(d => d.message), []);
  return r.records;
}

const hex = (n: number) => '0x' + n.toString(16);

/** A random .p2mtrace over every op kind, two domains (one pool-limited, one unlimited). */
function mixedTrace(seed: number, n: number, poolPages: number, memAccess: boolean): string {
  const next = rng(seed);
  const lines = [`config ipa_bits=40 mem_access=${memAccess ? 1 : 0} pool_pages=${poolPages}`, 'domain 1 vmid=1', `domain 2 vmid=2 pool_pages=unlimited`];
  if (memAccess) lines.push('mem_access enable d=1', 'mem_access enable d=2');
  const types = ['ram_rw', 'ram_ro', 'mmio_direct_dev'];
  const accs = ['rwx', 'r', 'rx', 'rw', 'n'];
  for (let i = 0; i < n; i++) {
    const d = 1 + (next() % 2);
    const r = next() % 100;
    // With mem_access on, every range is mapped (and radix-tracked) 4K by 4K: keep them small.
    const order = memAccess ? [0, 0, 0, 9][next() % 4] : [0, 0, 0, 0, 9, 9, 18][next() % 7];
    const gfn = ((next() % 6) * 2 ** 18 + (next() % 512) * 2 ** 9 + (next() % 512)) % 2 ** 21;
    const g = gfn - (gfn % 2 ** order);
    const nr = memAccess && order === 9 ? 1 + next() % 64 : order === 0 && next() % 4 === 0 ? 1 + next() % 700 : 2 ** order;
    if (r < 50) lines.push(`p2m_set_entry gfn=${hex(g)} nr=${hex(nr)} mfn=${hex(((next() % 4096) + 1) * 2 ** order)} t=${types[next() % 3]} a=${accs[next() % (memAccess ? 5 : 1)]} d=${d}`);
    else if (r < 66) lines.push(`p2m_set_entry gfn=${hex(g)} nr=${hex(nr)} mfn=invalid t=invalid a=rwx d=${d}`);
    else if (r < 72) lines.push(`__p2m_set_entry gfn=${hex(g)} order=${order} mfn=${hex(((next() % 4096) + 1) * 2 ** order)} t=ram_rw a=rwx d=${d}`);
    else if (r < 77) lines.push(`lookup gfn=${hex(g)} d=${d}`);
    else if (r < 81 && memAccess) lines.push(`mem_access gfn=${hex(g)} nr=${1 + next() % 8} a=${accs[next() % 5]} d=${d}`);
    else if (r < 84) lines.push(`invalidate_root d=${d}`);
    else if (r < 88) lines.push(`resolve_fault gfn=${hex(g)} d=${d}`);
    else if (r < 90) lines.push(`write_pte d=${d} table=0x80010 index=${next() % 512} level=2 old=0 new=0x00800002000007fd`);
    else if (r < 92) lines.push(`tlb_flush d=${d} vmid=${d}`);
    else if (r < 93) lines.push(`dsb d=${d}`);
    else if (r < 94 && i > n * 0.8) lines.push(`relinquish d=${d}`);
    else lines.push(`p2m_set_entry gfn=${hex(g)} nr=${hex(nr)} mfn=${hex(((next() % 4096) + 1) * 2 ** order)} t=ram_rw a=rwx d=${d}`);
  }
  return lines.join('\n') + '\n';
}

/** §9 golden scenarios G1–G6-like sequences as a trace (1G, 2M, unaligned, split, remove, remap). */
const GOLDEN = `config ipa_bits=40 pool_pages=16
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
p2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000 t=ram_rw a=rwx
p2m_set_entry gfn=0x1ff nr=0x202 mfn=0x2001ff t=ram_rw a=rwx
p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=invalid t=invalid a=rwx
p2m_set_entry gfn=0x200 nr=0x200 mfn=0x400000 t=ram_ro a=rwx
p2m_set_entry gfn=0x205 nr=1 mfn=invalid t=invalid a=rwx
p2m_set_entry gfn=0x80000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
p2m_set_entry gfn=0x80001 nr=1 mfn=0x700000 t=ram_rw a=rwx
p2m_set_entry gfn=0x80000 nr=0x40000 mfn=invalid t=invalid a=rwx
p2m_set_entry gfn=0x0 nr=0x80000 mfn=invalid t=invalid a=rwx
p2m_set_entry gfn=0x1000 nr=0x200 mfn=0x800000 t=ram_rw a=rwx
`;

interface Fp { [k: string]: unknown }

/** Everything the views read, for every domain (bigint descriptors as hex). */
function fingerprint(m: EngineMachine): Fp {
  const out: Fp = {};
  for (const d of m.domains) {
    const v = m.view(d);
    const pages: string[] = [];
    const mfns = [...v.rootMfns];
    for (let k = 0; k < 1024; k++) mfns.push(DEFAULT_CONFIG.poolBaseMfn + k);
    for (const mfn of mfns) {
      if (!v.isTablePage(mfn)) continue;
      const e: string[] = [];
      for (let i = 0; i < 512; i++) { const x = v.readEntry(mfn, i); if (x !== 0n) e.push(`${i}:${x.toString(16)}`); }
      pages.push(`${mfn.toString(16)}[${e.join(',')}]`);
    }
    const looks: string[] = [];
    for (let g = 0; g < 2 ** 21; g += 0x1f3f) looks.push(JSON.stringify(v.lookup(g)));
    out[`d${d}`] = {
      pages, looks, regions: v.regions(0, 2 ** 21, 5000), stats: v.stats(), trueCounts: v.trueCounts(),
      max: v.maxMappedGfn(), low: v.lowestMappedGfn(), needFlush: v.needFlush(), pool: v.pool(), dump: v.dumpInfo(),
      rootPage: v.rootPageFor(0x40000),
    };
  }
  return out;
}

/** A fresh engine executed to `op` (no log moves). */
function freshAt(recs: TraceRecord[], opts: EngineMachineOptions, op: number): Fp {
  const m = new EngineMachine(recs, { ...opts, logSeek: false });
  m.reset();
  for (let i = 0; i < op; i++) m.execute(i, true);
  return fingerprint(m);
}

/**
 * Seek `rt` (over machine `m`) to each op of `targets` in turn: everything the views read must
 * equal a fresh engine executed to that op (`opts` as `m` was built with, less the log seeking).
 */
function assertExactAt(rt: ReplayRuntime, m: EngineMachine, recs: TraceRecord[], opts: EngineMachineOptions,
  targets: readonly number[], message: (t: number) => string = t => `op ${t}`): void {
  for (const t of targets) {
    rt.goto(t);
    rt.stateAt(); // seeks
    assert.deepEqual(fingerprint(m), freshAt(recs, opts, t), message(t));
  }
}

/**
 * An EngineMachine and its ReplayRuntime (snapshots every 8 ops) built while `proto[key]` is
 * replaced by `patch(original)`: simulates an engine change the load-time proofs must catch.
 * The original is restored before returning (or throwing), so later tests see the real method.
 */
function loadPatched<P, K extends keyof P>(proto: P, key: K, patch: (orig: P[K]) => P[K],
  recs: TraceRecord[], opts: EngineMachineOptions): { m: EngineMachine; rt: ReplayRuntime } {
  const orig = proto[key];
  proto[key] = patch(orig);
  try {
    const m = new EngineMachine(recs, opts);
    return { m, rt: new ReplayRuntime(m, { snapshotInterval: 8 }) };
  } finally { proto[key] = orig; }
}

/** The two log-seek modes: moving one engine set (log-mover.ts), or the time index (time-store.ts). */
const MODES: { name: string; timeSeek: boolean }[] = [{ name: 'moves', timeSeek: false }, { name: 'time', timeSeek: true }];

function checkSeeks(name: string, recs: TraceRecord[], opts: EngineMachineOptions, seeds: number, checkpointEvents: number, timeSeek = false): void {
  const m = new EngineMachine(recs, { ...opts, logSeek: true, checkpointEvents, timeSeek });
  const rt = new ReplayRuntime(m, { snapshotInterval: 8 });
  assert.equal(m.logSeekProblem, undefined, `${name}: log seeking was disabled`);
  assert.equal(m.timeSeekProblem, undefined, `${name}: time-indexed seeking was disabled`);
  assert.equal(m.timeIndexBytes !== undefined, timeSeek, `${name}: time index built iff asked`);
  assert.ok(rt.seeker.movesAlongLog, `${name}: seeker moves along the log`);
  const n = rt.opCount;
  const next = rng(seeds);
  const targets: number[] = [n, 0, n - 1, Math.floor(n / 2)];
  for (let k = 0; k < 14; k++) targets.push(next() % (n + 1));
  // Single steps back and forward from a random op (undo one op, redo it).
  const s = next() % n;
  targets.push(s, s - 1 < 0 ? 0 : s - 1, s, Math.max(0, s - 2), Math.max(0, s - 3), s + 1 > n ? n : s + 1);
  assertExactAt(rt, m, recs, opts, targets, t => `${name}: state at op ${t}`);
  assert.ok(rt.seeker.stats.moved > 0, `${name}: moved along the log`);
}

for (const { name: mode, timeSeek } of MODES) {
  for (const strategy of ['upstream', 'xen-4.8', 'legacy']) {
    test(`log seek (${mode}): random pool-limited set_entry workload (${strategy})`, () => {
      const recs = randomRecords(11, 400);
      checkSeeks(`random ${strategy}`, recs, { strategy, override: true }, 5, 900, timeSeek);
    });
    test(`log seek (${mode}): every op kind, two domains, mem_access, relinquish (${strategy})`, () => {
      const recs = records(mixedTrace(3, 500, 24, true));
      checkSeeks(`mixed ${strategy}`, recs, { strategy, override: true }, 7, 1200, timeSeek);
    });
    test(`log seek (${mode}): unlimited pool, no mem_access (${strategy})`, () => {
      const recs = records(mixedTrace(9, 400, 4096, false));
      checkSeeks(`unlimited ${strategy}`, recs, { strategy, override: true }, 8, 700, timeSeek);
    });
    test(`log seek (${mode}): golden scenarios (${strategy})`, () => {
      checkSeeks(`golden ${strategy}`, records(GOLDEN), { strategy, override: true }, 2, 300, timeSeek);
    });
  }

  test(`log seek (${mode}): fixture traces (seed, two domains, every statement)`, () => {
    for (const f of ['test/fixtures/replay/seed.p2mtrace', 'test/fixtures/replay/two-domains.p2mtrace', 'test/fixtures/trace/mixed.p2mtrace']) {
      const r = parseP2mTrace(readFileSync(path.join(ROOT, f), 'utf8'), f);
      checkSeeks(f, r.records, {}, 4, 50, timeSeek);
    }
  });
}

test('log seek: stepping back one op costs one op of undo, no restore', () => {
  const m = new EngineMachine(randomRecords(5, 600), { logSeek: true, timeSeek: false, checkpointEvents: 100_000 });
  const rt = new ReplayRuntime(m, { snapshotInterval: 8 });
  rt.goto(500);
  rt.stateAt();
  const r0 = rt.seeker.stats.restores;
  for (let i = 0; i < 20; i++) { rt.step('operation', true); rt.stateAt(); }
  assert.equal(rt.seeker.stats.restores, r0);
  assert.equal(rt.position.op, 480);
  assert.deepEqual(fingerprint(m), freshAt(randomRecords(5, 600), {}, 480));
});

test('log seek: a log the mover cannot reproduce falls back to snapshot + re-execution, still exact', () => {
  // Simulate an engine change the mover does not know: its stat deltas come out wrong, so the
  // end-of-load proof must fail and the session must seek by re-execution instead.
  const proto = LogMover.prototype as unknown as { onStat: (i: number, f: 0 | 1, l: number, d: number) => void };
  const recs = randomRecords(13, 120);
  const { m, rt } = loadPatched(proto, 'onStat', orig => function (this: unknown, i, f, l, d) { orig.call(this, i, f, l, d + 1); },
    recs, { logSeek: true, timeSeek: false, checkpointEvents: 500 });
  assert.match(m.logSeekProblem ?? '', /mappings|shattered/);
  assert.ok(m.notes.some(n => n.includes('log-driven seeking disabled')));
  assert.equal(rt.seeker.movesAlongLog, false);
  assertExactAt(rt, m, recs, {}, [120, 7, 64, 63, 0, 99]);
});

test('log seek: ReplayRuntime.load prepares the log moves in event-loop slices', async () => {
  const recs = randomRecords(17, 300);
  const m = new EngineMachine(recs, { logSeek: true, timeSeek: false, checkpointEvents: 400 });
  let turns = 0;
  const rt = await ReplayRuntime.load(m, {}, () => { turns++; }, () => false, 0);
  assert.ok(rt, 'loaded');
  assert.ok(rt.seeker.movesAlongLog);
  assert.ok(rt.seeker.snapshotCount > 3, `${rt.seeker.snapshotCount} checkpoints`);
  assert.ok(turns > 0);
  assertExactAt(rt, m, recs, {}, [300, 150, 149, 2]);
});

for (const { name: mode, timeSeek } of MODES) test(`log seek (${mode}): what the debugger shows (PositionState inside ops, walks, lookups) equals the re-execution path`, () => {
  const recs = records(mixedTrace(21, 300, 32, true));
  const a = new ReplayRuntime(new EngineMachine(recs, { logSeek: true, checkpointEvents: 600, timeSeek }), { snapshotInterval: 8 });
  const b = new ReplayRuntime(new EngineMachine(recs, { logSeek: false }), { snapshotInterval: 8 });
  assert.ok(a.seeker.movesAlongLog && !b.seeker.movesAlongLog);
  const next = rng(5);
  const gfns = [0, 0x40000, 0x40201, 0x1ff, 0x80000, 0x100000, 0x1fffff];
  for (let k = 0; k < 30; k++) {
    const op = next() % (a.opCount + 1);
    const evs = a.timeline.eventCountOf(op);
    const pos = { op, event: evs > 0 ? next() % (evs + 1) : 0 };
    const doms = a.machine.domains;
    for (const d of doms) {
      const sa = a.stateAt(pos, d), sb = b.stateAt(pos, d);
      assert.deepEqual(JSON.stringify([sa.stats(), sa.maxMappedGfn(), sa.lowestMappedGfn(), sa.needFlush(), sa.trueCounts()]),
        JSON.stringify([sb.stats(), sb.maxMappedGfn(), sb.lowestMappedGfn(), sb.needFlush(), sb.trueCounts()]), `op ${op} event ${pos.event} d${d}`);
      assert.deepEqual(sa.pool(), sb.pool(), `pool at op ${op}`);
      const mfns = [...sa.view.rootMfns];
      for (let i = 0; i < 64; i++) mfns.push(DEFAULT_CONFIG.poolBaseMfn + i);
      for (const mfn of mfns) {
        assert.equal(sa.view.isTablePage(mfn), sb.view.isTablePage(mfn), `isTablePage ${mfn} at op ${op}`);
        assert.deepEqual(Buffer.from(sa.tableBytes(mfn)), Buffer.from(sb.tableBytes(mfn)), `readMemory of ${mfn} at op ${op} event ${pos.event}`);
      }
      for (const g of gfns) {
        assert.deepEqual(sa.lookup(g), sb.lookup(g), `lookup ${g} at op ${op}`);
        assert.deepEqual(sa.walk(g).map(s => `${s.level}:${s.table}:${s.index}:${s.descriptor.toString(16)}`),
          sb.walk(g).map(s => `${s.level}:${s.table}:${s.index}:${s.descriptor.toString(16)}`), `walk ${g} at op ${op}`);
      }
    }
  }
});

test('log seek (time): an index decoded in slices of a few events (slices end inside ops) answers like fresh execution', () => {
  checkSeeks('sliced mixed', records(mixedTrace(3, 500, 24, true)), { indexSliceEvents: 7 }, 7, 1200, true);
  checkSeeks('sliced random', randomRecords(11, 400), { indexSliceEvents: 3 }, 5, 900, true);
});

test('log seek (time): ReplayRuntime.load builds the time index in slices; any op is a seek with no move', async () => {
  const recs = records(mixedTrace(29, 400, 20, true));
  const m = new EngineMachine(recs, { logSeek: true, timeSeek: true });
  const rt = await ReplayRuntime.load(m, {}, () => {}, () => false, 0);
  assert.ok(rt, 'loaded');
  assert.equal(m.timeSeekProblem, undefined);
  assert.ok(m.timeIndexBytes && m.timeIndexBytes.writes > 0, 'index holds writes');
  assert.equal(rt.seeker.snapshotCount, 1, 'one (empty) checkpoint');
  assertExactAt(rt, m, recs, {}, [400, 0, 399, 200, 201, 57, 58, 57]);
});

test('log seek (time): an index that disagrees with the recording engines falls back to log moves, still exact', async () => {
  // Simulate a store the index misses: about one recorded write in 7 is dropped (chosen by its
  // content, so both passes of the builder drop the same ones), so the end-of-load proof must
  // fail and the session must seek by moving along the log instead.
  const proto = HistoryBuilder.prototype as unknown as { add: (p: number, i: number, k: number, lo: number, hi: number) => void };
  const recs = randomRecords(19, 200);
  const { m, rt } = loadPatched(proto, 'add', orig => function (this: unknown, p, i, k, lo, hi) { if ((p * 31 + i * 7 + k) % 7 !== 3) orig.call(this, p, i, k, lo, hi); },
    recs, { logSeek: true, timeSeek: true, checkpointEvents: 500 });
  assert.match(m.timeSeekProblem ?? '', /page|entries/);
  assert.ok(m.notes.some(x => x.includes('time-indexed seeking disabled')));
  assert.equal(m.timeIndexBytes, undefined);
  assert.ok(rt.seeker.movesAlongLog);
  assertExactAt(rt, m, recs, {}, [200, 9, 150, 149, 0]);
});
