// The event log's byte encoding must give back exactly what was appended, for every kind and for
// the values that take its rare forms: GFNs/MFNs above 2^32 (varints past 28 bits), negative and
// large return codes and stat deltas, more distinct descriptor attributes than its 15-entry
// dictionary holds (literal hi halves), tables that repeat or change across the 64-event index
// points (the "same table" state restarts there), and chunk boundaries. Reads in random order,
// `feed` from any position and `kindAt` must agree with the appended stream. Split fills (runs of
// stores stepping one descriptor by a fixed amount, stored as one-byte run events) are checked
// the same way, with the cases where a run must stop: stale old values, a lo carrying into hi, a
// step, flag or table change, index 511, and the restart at every 64th event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog, FLUSH_CAUSES, FRAMES, OP_KINDS } from '../../../engine/p2m/event-log';
import type { P2mEvent } from '../../../engine/p2m/events';
import { dispatchEvent } from '../../../engine/tlb/event-sink';
import { xorshift32 as rng } from '../helpers/rng';
import { callRecorder } from './helpers';

const TWO32 = 2 ** 32;
const WHY = ['table', 'split', 'root'] as const;

/** Appends a random stream to `log` and returns the events it must read back. */
function fill(log: EventLog, n: number, seed: number): P2mEvent[] {
  const next = rng(seed);
  const out: P2mEvent[] = [];
  let op = -1, table = 0x40000;
  const big = () => (next() % 4 === 0 ? (next() % 0x100000) * TWO32 + next() : next() % (1 << 30));
  for (let i = 0; i < n; i++) {
    const r = next() % 100;
    if (r < 6) {
      const k = next() % OP_KINDS.length, dom = next() % 3 === 0 ? 0xffff : next() % 4;
      op = log.opBegin(k, dom);
      out.push({ kind: 'opBegin', op, opKind: OP_KINDS[k], domain: dom });
    } else if (r < 10) {
      const rc = next() % 3 === 0 ? -(1 + (next() % 200)) : next() % 5 === 0 ? 0x7fffffff : 0;
      log.opEnd(rc);
      out.push({ kind: 'opEnd', op, rc });
    } else if (r < 15) {
      const f = next() % FRAMES.length, lvl = next() % 4, g = big();
      log.frameEnter(f, lvl, g);
      out.push({ kind: 'frameEnter', frame: FRAMES[f], level: lvl, gfn: g });
    } else if (r < 20) {
      const f = next() % FRAMES.length, rc = next() % 2 === 0 ? 0 : -(1 + (next() % 40));
      log.frameLeave(f, rc);
      out.push({ kind: 'frameLeave', frame: FRAMES[f], rc });
    } else if (r < 60) {
      // Runs of stores into one table, jumps between tables, and MFNs above 2^32 >> 12.
      if (next() % 8 === 0) table = next() % 5 === 0 ? 0xffffffff - (next() % 8) : next();
      const idx = next() % 512, lvl = next() % 4;
      // Attributes (hi bits 16–31): mostly two values, sometimes any of ~40 (dictionary overflow).
      const attr = () => (next() % 10 === 0 ? (next() % 40) << 20 : next() % 2 === 0 ? 0x00800000 : 0x01000000);
      const desc = (): [number, number] => {
        if (next() % 3 === 0) return [0, 0];
        return [next() >>> 0, ((attr() | (next() % 3 === 0 ? next() & 0xffff : 0)) >>> 0)];
      };
      const [oLo, oHi] = desc(), [nLo, nHi] = desc();
      const live = next() % 2 === 0, raw = next() % 7 === 0;
      log.pteWrite(table, idx, lvl, oLo, oHi, nLo, nHi, live, raw);
      out.push({
        kind: 'pteWrite', table: table >>> 0, index: idx, level: lvl,
        old: (BigInt(oHi) << 32n) | BigInt(oLo), new: (BigInt(nHi) << 32n) | BigInt(nLo), live, raw,
      });
    } else if (r < 63) {
      const idx = next() % 512; log.pteClean(table, idx); out.push({ kind: 'pteClean', table, index: idx });
    } else if (r < 67) {
      const c = next() % FLUSH_CAUSES.length, vm = next() % 3 === 0 ? 0xffff : next() % 4;
      log.tlbFlush(vm, c); out.push({ kind: 'tlbFlush', vmid: vm, cause: FLUSH_CAUSES[c] });
    } else if (r < 69) { log.needFlushSet(); out.push({ kind: 'needFlushSet' }); }
    else if (r < 71) {
      const lvl = next() % 4, why = (next() % 3) as 0 | 1 | 2, t = next();
      log.tableAlloc(t, lvl, why); out.push({ kind: 'tableAlloc', table: t, level: lvl, why: WHY[why] });
    } else if (r < 73) { const t = next(); log.tableZero(t); out.push({ kind: 'tableZero', table: t }); }
    else if (r < 74) { const t = next(); log.tableClean(t); out.push({ kind: 'tableClean', table: t }); }
    else if (r < 75) { const t = next(); log.tableFree(t); out.push({ kind: 'tableFree', table: t }); }
    else if (r < 77) {
      const dfn = big(), count = next(), flags = next() % 8;
      log.iommuFlush(dfn, count, flags); out.push({ kind: 'iommuFlush', dfn, count, flags });
    } else if (r < 79) { const g = big(), a = next() % 16; log.radixSet(g, a); out.push({ kind: 'radixSet', gfn: g, access: a }); }
    else if (r < 80) { const g = big(); log.radixDelete(g); out.push({ kind: 'radixDelete', gfn: g }); }
    else if (r < 88) {
      const field = (next() % 2) as 0 | 1, lvl = next() % 4;
      const delta = next() % 4 === 0 ? (next() | 0) : (next() % 1025) - 512;
      log.stat(field, lvl, delta);
      out.push({ kind: 'stat', field: field ? 'shattered' : 'mappings', level: lvl, delta });
    } else if (r < 90) {
      const max = big(), low = next() % 3 === 0 ? -1 : big();
      log.mappedRange(max, low); out.push({ kind: 'mappedRange', maxMappedGfn: max, lowestMappedGfn: low });
    } else if (r < 92) {
      const mfn = next() % 2 ? big() : next(), count = next() % 1024;
      log.putPage(mfn, count); out.push({ kind: 'putPage', mfn, count });
    } else if (r < 93) { log.mapcacheInvalidate(); out.push({ kind: 'mapcacheInvalidate' }); }
    else if (r < 95) { const m = big(); log.xenheapGfnClear(m); out.push({ kind: 'xenheapGfnClear', mfn: m }); }
    else if (r < 97) {
      const d = { code: 'assert-order' as const, severity: 'error' as const, message: `d${i}` };
      log.diagnostic(d); out.push({ kind: 'diagnostic', diag: d });
    } else {
      const f = next() % 3 === 0 ? 'apply_p2m_changes' : 'p2m_set_entry', rc = -(1 + (next() % 30)), g = big();
      log.rcError(f, rc, g);
      out.push({ kind: 'diagnostic', diag: { code: 'rc-error', severity: 'warning', message: '', gfn: g } });
    }
  }
  return out;
}

/** rc-error messages are built on read; compare them by their fields. */
function norm(e: P2mEvent): P2mEvent {
  if (e.kind === 'diagnostic' && e.diag.code === 'rc-error') return { kind: 'diagnostic', diag: { ...e.diag, message: '' } };
  return e;
}

/**
 * `log` reads back `want`: every event in order; `randomReads` events at positions drawn from
 * `seed` (get and kindAt, plus `atRandom`'s own check); and backwards from the end down to
 * `backTo`, stepping `backStep(i)` (a view paging up crosses every index point from the wrong
 * side).
 */
function assertReadsBack(log: EventLog, want: readonly P2mEvent[], seed: number, randomReads: number,
  backTo: number, backStep: (i: number) => number, atRandom?: (i: number) => void): void {
  for (let i = 0; i < want.length; i++) assert.deepEqual(norm(log.get(i)), want[i], `event ${i}`);
  const next = rng(seed);
  for (let k = 0; k < randomReads; k++) {
    const i = next() % want.length;
    assert.deepEqual(norm(log.get(i)), want[i], `random read of event ${i}`);
    assert.equal(log.kindAt(i), want[i].kind);
    atRandom?.(i);
  }
  for (let i = want.length - 1; i >= backTo; i -= backStep(i)) assert.deepEqual(norm(log.get(i)), want[i], `backward read ${i}`);
}

test('every kind and rare form reads back exactly, in order and at random', () => {
  const log = new EventLog();
  const want = fill(log, 60_000, 7);
  assert.equal(log.length, want.length);
  assertReadsBack(log, want, 99, 5000, want.length - 3000, () => 1);
});

test('the rc-error message and the diagnostic count survive the encoding', () => {
  const log = new EventLog();
  log.opBegin(0, 1);
  log.rcError('p2m_set_entry', -12, 2 ** 33 + 5);
  const e = log.get(1);
  assert.equal(e.kind, 'diagnostic');
  if (e.kind === 'diagnostic') assert.match(e.diag.message, /^p2m_set_entry returned -ENOMEM \(-12\) at GFN 0x200000005$/);
  assert.equal(log.diagnosticCount(), 1);
});


test('feed from any position gives the same calls as the materialised events', () => {
  const log = new EventLog();
  const want = fill(log, 40_000, 3);
  const next = rng(5);
  const ranges: [number, number][] = [[0, want.length], [63, 64], [64, 65], [127, 2000]];
  for (let k = 0; k < 40; k++) { const a = next() % want.length; ranges.push([a, Math.min(want.length, a + (next() % 700))]); }
  for (const [from, to] of ranges) {
    const a = callRecorder(true), b = callRecorder(true);
    log.feed(a, from, to);
    for (let i = from; i < to; i++) {
      const e = log.get(i);
      dispatchEvent(b, e, i);
      // dispatchEvent covers the TLB kinds; the optional scalar kinds are compared here.
      if (e.kind === 'stat') b.onStat!(i, e.field === 'shattered' ? 1 : 0, e.level, e.delta);
      else if (e.kind === 'mappedRange') b.onMappedRange!(i, e.maxMappedGfn, e.lowestMappedGfn);
      else if (e.kind === 'radixSet') b.onRadixSet!(i, e.gfn, e.access);
      else if (e.kind === 'radixDelete') b.onRadixDelete!(i, e.gfn);
    }
    assert.deepEqual(a.calls, b.calls, `range ${from}..${to}`);
    // After a feed the next get() continues from its end (the cursor the seeker relies on).
    if (to < want.length) assert.deepEqual(norm(log.get(to)), want[to]);
  }
});

test('byteLength counts encoded bytes; memoryBytes covers the chunks; a disabled log records nothing', () => {
  const log = new EventLog();
  fill(log, 20_000, 11);
  assert.ok(log.byteLength > 20_000 && log.byteLength < 20_000 * 16, `${log.byteLength} bytes`);
  assert.ok(log.memoryBytes() >= log.byteLength);
  const off = new EventLog();
  off.enabled = false;
  assert.equal(off.opBegin(0, 1), 0);
  off.pteWrite(1, 2, 3, 4, 5, 6, 7, true, false);
  off.stat(0, 3, 1);
  assert.equal(off.length, 0);
  assert.equal(off.opCount, 1);
  assert.equal(off.byteLength, 0);
});

const M32 = (1n << 32n) - 1n;

/** One store appended to `log` and to `out` from a 64-bit old / new pair. */
function store(log: EventLog, out: P2mEvent[], table: number, index: number, level: number, old: bigint, nw: bigint, live: boolean, raw: boolean): void {
  log.pteWrite(table, index, level, Number(old & M32), Number(old >> 32n), Number(nw & M32), Number(nw >> 32n), live, raw);
  out.push({ kind: 'pteWrite', table: table >>> 0, index: index & 511, level, old, new: nw, live, raw });
}

/**
 * Random events (fill) interleaved with split fills: whole or partial tables written in index
 * order from a random start, 4K / 2M / odd steps (some descending), bases just below a 4 GiB
 * boundary (lo carries into hi mid-run), reused pages with stale old values at some indices,
 * and now and then a foreign event, a flag change or a step change inside the run.
 */
function fillSplits(log: EventLog, runs: number, seed: number): P2mEvent[] {
  const next = rng(seed);
  const out: P2mEvent[] = [];
  for (let r = 0; r < runs; r++) {
    out.push(...fill(log, next() % 40, seed + r));
    // Table MFN 0 is also the "same table" state's value after an index point.
    const table = next() % 7 === 0 ? 0 : next() % 5 === 0 ? 0xffffffff - (next() % 4) : next() % 0x100000;
    const level = 1 + (next() % 3), raw = next() % 4 !== 0;
    let live = next() % 2 === 0;
    const kind = next() % 6;
    let step = kind === 0 ? 0x200000n : kind === 1 ? BigInt(next() % 0x10000) : kind === 2 ? (M32 + 1n - 0x1000n) : 0x1000n;
    const attrs = (BigInt(next() % 3 === 0 ? 0x00400000 : 0x00600000) << 32n) | BigInt(0x7ff & ~3) | 3n;
    // A base near 2^32 or 2^36 makes lo wrap (the hi half changes: a full store, then the run goes on).
    let oa = next() % 3 === 0 ? (1n << 32n) - BigInt(1 + (next() % 20)) * 0x1000n : next() % 3 === 0 ? (1n << 36n) - 0x200000n * 3n : BigInt(next() % 0x10000000) << 12n;
    const stale = next() % 4 === 0; // a reused page: some entries still hold old descriptors
    const start = next() % 3 === 0 ? next() % 512 : 0, end = next() % 3 === 0 ? start + (next() % (512 - start)) + 1 : 512;
    for (let i = start; i < end; i++) {
      const nw = (oa & 0xfffffffff000n & ((1n << 48n) - 1n)) | attrs;
      const old = stale && next() % 3 === 0 ? (BigInt(next()) << 12n) | attrs : 0n;
      store(log, out, table, i, level, old, nw, live, raw);
      oa = (oa + step) & ((1n << 48n) - 1n);
      const x = next() % 200;
      if (x === 0) out.push(...fill(log, 1 + (next() % 3), seed * 31 + i)); // an event of another kind inside the run
      else if (x === 1) live = !live;
      else if (x === 2) step = BigInt(next() % 0x400) << 12n;
      else if (x === 3) { store(log, out, table ^ 1, i, level, 0n, nw, live, raw); } // another table between two stores
    }
  }
  // fill() numbers ops from -1 per call: an opEnd belongs to the last opBegin of the whole stream.
  let op = -1;
  return out.map(e => (e.kind === 'opBegin' ? (op = e.op, e) : e.kind === 'opEnd' ? { ...e, op } : e));
}

/** The calls `feed` must make for events [from, to): dispatched objects plus the scalar kinds. */
function expectedCalls(events: P2mEvent[], from: number, to: number): string[] {
  const b = callRecorder(true);
  for (let i = from; i < to; i++) {
    const e = events[i];
    dispatchEvent(b, e, i);
    if (e.kind === 'stat') b.onStat!(i, e.field === 'shattered' ? 1 : 0, e.level, e.delta);
    else if (e.kind === 'mappedRange') b.onMappedRange!(i, e.maxMappedGfn, e.lowestMappedGfn);
    else if (e.kind === 'radixSet') b.onRadixSet!(i, e.gfn, e.access);
    else if (e.kind === 'radixDelete') b.onRadixDelete!(i, e.gfn);
  }
  return b.calls;
}

test('split fills read back exactly: in order, at random, backwards, kindAt', () => {
  const log = new EventLog();
  const want = fillSplits(log, 400, 21);
  assert.equal(log.length, want.length);
  // Several chunks (16, 32, 64 KiB …): runs cross chunk boundaries as well as index points.
  assert.ok(log.byteLength > 3 * (1 << 14), `${log.byteLength} bytes`);
  assertReadsBack(log, want, 13, 20_000, 0, i => 1 + (i % 3), i => {
    if (want[i].kind === 'pteWrite') assert.equal(log.kindCodeAt(i), log.kindCodeAt(want.findIndex(e => e.kind === 'pteWrite')));
  });
});

/** Whether a recorded call's event index (its first argument) is in [from, to). */
function within(call: string, from: number, to: number): boolean {
  const i = Number(call.slice(call.indexOf('(') + 1, call.indexOf(',')));
  return i >= from && i < to;
}

test('feed from inside a split-fill run gives the same calls as the materialised events', () => {
  const log = new EventLog();
  const want = fillSplits(log, 120, 5);
  const next = rng(17);
  const ranges: [number, number][] = [[0, want.length], [1, 200], [63, 130], [64, 129], [65, 66]];
  for (let k = 0; k < 300; k++) {
    const a = next() % want.length;
    ranges.push([a, Math.min(want.length, a + 1 + (next() % (k % 3 === 0 ? 3000 : 70)))]);
  }
  const allStores = expectedCalls(want, 0, want.length).filter(x => x.startsWith('pteWrite('));
  for (const [from, to] of ranges) {
    const a = callRecorder(true);
    log.feed(a, from, to);
    const got = log.toArray(from, to);
    // Against the appended stream (stores exactly) and the log's own get() (every call: the
    // opBegin/opEnd op numbers of a range come from the log either way).
    const isStore = (x: string) => x.startsWith('pteWrite(');
    assert.deepEqual(a.calls.filter(isStore), allStores.filter(x => within(x, from, to)), `stores ${from}..${to}`);
    const b = expectedCalls([...new Array<P2mEvent>(from), ...got], from, to);
    assert.deepEqual(a.calls, b, `range ${from}..${to}`);
    // The cursor a feed leaves (mid-run) serves the next get().
    if (to < want.length) assert.deepEqual(norm(log.get(to)), want[to], `get after feed to ${to}`);
  }
});

test('a split fill costs about one byte per store; the run restarts at index points', () => {
  for (const step of [0x1000n, 0x200000n]) {
    const log = new EventLog(), out: P2mEvent[] = [];
    const attrs = (0x00600000n << 32n) | 0x7fdn;
    for (let i = 0; i < 512; i++) store(log, out, 0x1234, i, 3, 0n, (((0x80000n << 12n) + BigInt(i) * step) & 0xfffffffff000n) | attrs, false, true);
    // 512 stores: 8 index points each start with a full store (and the step once after it).
    assert.ok(log.byteLength < 512 + 8 * 20, `${log.byteLength} bytes for 512 stores of step ${step}`);
    assert.ok(log.byteLength >= 512, `${log.byteLength}`);
    for (let i = 0; i < 512; i++) assert.deepEqual(log.get(i), out[i]);
  }
});

test('a run on table 0 with hi 0 (the restart values) still restarts at index points', () => {
  const log = new EventLog(), out: P2mEvent[] = [];
  for (let i = 0; i < 300; i++) store(log, out, 0, i, 3, 0n, 0x1000n * BigInt(i + 1) | 0x7fdn, true, false);
  for (let i = 0; i < 300; i++) assert.deepEqual(log.get(i), out[i], `event ${i}`);
  const a = callRecorder(true);
  log.feed(a, 0, 300);
  assert.deepEqual(a.calls, expectedCalls(out, 0, 300));
});
