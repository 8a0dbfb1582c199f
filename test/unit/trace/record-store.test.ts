// RecordStore's lazily allocated columns and its sizing: a text-only store never allocates the
// binary-reader columns (cpu, TSC, flags, source type, order); the first binary record
// allocates them without changing how earlier rows read; growth, reserve and trim keep every
// column in step; trim keeps a small presized slack instead of copying the whole store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace } from '../../../engine/trace/index';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { RecordStore } from '../../../engine/trace/record-store';
import { ARM_P2M_TYPES, type TraceRecord } from '../../../engine/trace/records';
import { writeXentrace } from '../../../engine/trace/xentrace-writer';

const TEXT = [
  'config ipa_bits=40',
  'p2m_set_entry gfn=0x1000 nr=0x1 mfn=0x80000 t=ram_rw a=rwx',
  'domain 2',
  'p2m_set_entry gfn=0x2000 nr=0x200 mfn=invalid t=invalid a=rwx',
  'lookup gfn=0x1000',
  'p2m_set_entry gfn=5 nr=1 mfn=6 cpu=3',
  'p2m_set_entry gfn=0x7 nr=0x2 mfn=0x8 t=grant_map_ro a=rx',
].join('\n') + '\n';

const setEntry = (gfn: number, line: number, off: number): TraceRecord => ({
  kind: 'setEntry', domain: 1, gfn, nr: 1, mfn: gfn + 0x100, type: 'ram_rw', access: 'rwx',
  loc: { source: 's', line, column: 1, byteOffset: off },
});
const config = (line: number): TraceRecord => ({ kind: 'config', ipaBits: 40, loc: { source: 's', line, column: 1, byteOffset: line * 10 } });

function assertNoBinaryColumns(s: RecordStore): void {
  assert.equal(s.hasBinaryColumns, false);
  assert.equal(s.cpu, null); assert.equal(s.tscHi, null); assert.equal(s.tscLo, null);
  assert.equal(s.flags, null); assert.equal(s.srcType, null);
  assert.equal(s.order.length, 0, 'order is the empty column');
}

test('a text-only store has no binary columns and reads back the parser records', () => {
  const r = readTrace(new TextEncoder().encode(TEXT), { source: 't.p2mtrace' });
  assertNoBinaryColumns(r.store);
  assert.ok(r.store.nr !== null, 'text columns exist');
  const want = parseP2mTrace(TEXT, 't.p2mtrace').records;
  assert.deepEqual(r.store.toArray(), want);
});

test('a mixed store gets the binary columns at the first binary record; earlier rows read as before', () => {
  const s = new RecordStore('s', 16);
  const early: TraceRecord[] = [config(1), setEntry(0x10, 2, 20), setEntry(0x11, 3, 30)];
  s.push(early[0]); s.pushCompact(early[1]); s.pushCompact(early[2]);
  assertNoBinaryColumns(s);
  const before = s.toArray();
  assert.deepEqual(before, early);
  s.sourceTypeNames = ['ram_rw', 'ram_ro'];
  s.pushSetAtOrder(3, 0x40, 9, 0x800, 1, 1, 2, 1234, true, 0, 5000);
  assert.equal(s.hasBinaryColumns, true);
  for (const c of [s.cpu!, s.tscHi!, s.tscLo!, s.flags!, s.srcType!, s.order]) assert.equal(c.length, s.capacity);
  assert.deepEqual(s.toArray().slice(0, 3), before, 'earlier rows unchanged');
  const b = s.get(3);
  assert.equal(b.kind, 'setAtOrder');
  assert.deepEqual({ ...b, loc: { ...b.loc, time: undefined } }, {
    kind: 'setAtOrder', domain: 3, gfn: 0x40, order: 9, mfn: 0x800, type: ARM_P2M_TYPES[1], access: 'rwx',
    sourceType: { arch: 'arm', value: 1, name: 'ram_ro' },
    loc: { source: 's', line: 0, column: 0, byteOffset: 1234, cpu: 2, tsc: 5000n, time: undefined },
  });
  // A text row after the binary one still reads as a text row.
  s.pushCompact(setEntry(0x12, 9, 90));
  assert.deepEqual(s.get(4), setEntry(0x12, 9, 90));
});

test('growth, reserve and trim keep every column (text and binary) in step', () => {
  const s = new RecordStore('s', 16);
  const want: TraceRecord[] = [];
  const dv = new DataView(new Uint32Array([7, 8, 9]).buffer);
  for (let i = 0; i < 500; i++) {
    if (i % 7 === 3) { s.pushOtherMem(3, 1, i, NaN, 2, i & 3, i * 4, false, 0, 0); want.push(s.get(s.length - 1)); }
    else if (i % 11 === 5) { s.pushOpaque(0x123, dv, 0, 3, 1, i * 4, true, 1, i); want.push(s.get(s.length - 1)); }
    else { const r = setEntry(i, i + 1, i * 4); s.pushCompact(r); want.push(r); }
  }
  assert.ok(s.capacity >= 500 && s.capacity < 1000, `grown by less than 2× (${s.capacity})`);
  for (const c of [s.kind, s.domain, s.gfn, s.mfn, s.type, s.order, s.cpu!, s.tscHi!, s.tscLo!, s.flags!, s.srcType!, s.nr!, s.access!]) {
    assert.equal(c.length, s.capacity);
  }
  assert.deepEqual(s.toArray(), want);
  s.reserve(4000);
  assert.equal(s.capacity, 4000);
  assert.deepEqual(s.toArray(), want);
  s.trim();
  assert.equal(s.capacity, 500);
  for (const c of [s.kind, s.order, s.cpu!, s.tscLo!, s.flags!, s.nr!]) assert.equal(c.length, 500);
  assert.deepEqual(s.toArray(), want);
  // Row 500's offset and line are below their block's base: the packed columns widen, exactly.
  s.pushCompact(setEntry(1, 2, 3));
  assert.deepEqual(s.get(500), setEntry(1, 2, 3));
  assert.deepEqual(s.toArray().slice(0, 500), want);
});

test('a 1M-line-like text store keeps ~3 B per row for offsets and lines', () => {
  const s = new RecordStore('s', 16);
  const n = 20_000;
  s.reserve(n);
  let off = 0;
  for (let i = 0; i < n; i++) { s.pushCompact(setEntry(i, i + 2 + (i >> 10), off)); off += 55 + (i % 9); }
  assert.ok(s.locationBytes <= 3.2 * n, `${s.locationBytes} bytes for ${n} rows`);
  for (let i = 0, o = 0; i < n; i++) { assert.equal(s.offsetAt(i), o); assert.equal(s.lineAt(i), i + 2 + (i >> 10)); o += 55 + (i % 9); }
});

test('trim keeps a presized store whose slack is under 1/32 (no copy) and shrinks a larger slack', () => {
  const s = new RecordStore('s', 16);
  s.reserve(1000);
  for (let i = 0; i < 990; i++) s.pushCompact(setEntry(i, i + 1, i));
  const gfn = s.gfn;
  s.trim();
  assert.equal(s.capacity, 1000);
  assert.ok(s.gfn === gfn, 'no copy');
  const t = new RecordStore('s', 1000);
  for (let i = 0; i < 900; i++) t.pushCompact(setEntry(i, i + 1, i));
  t.trim();
  assert.equal(t.capacity, 900);
  assert.equal(t.toArray().length, 900);
  assert.deepEqual(t.get(899), setEntry(899, 900, 899));
});

test('a binary (xentrace) store has every binary column and reads its records back', () => {
  const recs: TraceRecord[] = [];
  for (let i = 0; i < 50; i++) {
    recs.push({ kind: 'setAtOrder', domain: 1, gfn: i * 512, order: i % 2 ? 9 : 0, mfn: i % 5 ? 0x1000 + i : -1, type: i % 5 ? 'ram_rw' : 'invalid', access: 'rwx',
      loc: { source: 'b', line: 0, column: 0, byteOffset: 0, cpu: i & 1 } });
  }
  const r = readTrace(writeXentrace(recs, { tsc: 'records' }).bytes, { source: 'b.xentrace' });
  assert.equal(r.store.hasBinaryColumns, true);
  assert.equal(r.store.nr, null, 'no text columns');
  const got = r.store.toArray();
  assert.equal(got.length, 50);
  got.forEach((g, i) => {
    assert.equal(g.kind, 'setAtOrder');
    if (g.kind !== 'setAtOrder') return;
    assert.equal(g.gfn, recs[i].kind === 'setAtOrder' ? recs[i].gfn : -1);
    assert.equal(g.loc.cpu, i & 1);
    assert.equal(typeof g.loc.tsc, 'bigint');
  });
});

test('reserveFor projects the whole input from the records per byte so far, only upwards, after 1 MB or 1/8', () => {
  const s = new RecordStore('s', 16);
  for (let i = 0; i < 100; i++) s.pushCompact(setEntry(i, i + 1, i * 60));
  s.reserveFor(6000, 600_000);
  assert.ok(s.capacity < 200, `too few records to project from: only grown by pushes (${s.capacity})`);
  for (let i = 100; i < 1000; i++) s.pushCompact(setEntry(i, i + 1, i * 60));
  const cap = s.capacity;
  s.reserveFor(60_000, 100 << 20);
  assert.equal(s.capacity, cap, 'too early in a large input: no estimate yet');
  s.reserveFor(1 << 20, 100 << 20);
  assert.equal(s.capacity, Math.ceil(1000 * 100 * 1.02 + 64));
  s.reserveFor(2 << 20, 100 << 20); // a sparser stretch: never shrinks
  assert.equal(s.capacity, Math.ceil(1000 * 100 * 1.02 + 64));
  s.reserveFor(100 << 20, 100 << 20); // the end: nothing to project
  assert.equal(s.capacity, Math.ceil(1000 * 100 * 1.02 + 64));
  const small = new RecordStore('s', 16);
  for (let i = 0; i < 1000; i++) small.pushCompact(setEntry(i, i + 1, i * 60));
  small.reserveFor(60_000, 400_000); // past an eighth of a small input
  assert.equal(small.capacity, Math.ceil(1000 * 400_000 / 60_000 * 1.02 + 64));
  assert.deepEqual(s.get(999), setEntry(999, 1000, 999 * 60));
});
