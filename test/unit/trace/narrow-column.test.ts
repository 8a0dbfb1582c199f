// Narrow record-store columns (engine/trace/narrow-column.ts, RecordStore's domain, gfn, mfn
// and nr): a usual text trace keeps 16/32-bit columns; the first value a column cannot hold
// exactly replaces it by a wider copy, and every record reads back as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace } from '../../../engine/trace/index';
import { refit, resized } from '../../../engine/trace/narrow-column';
import { RecordStore, K_OBJECT, K_SET_ENTRY } from '../../../engine/trace/record-store';
import type { TraceRecord } from '../../../engine/trace/records';

const rec = (domain: number, gfn: number, nr: number, mfn: number, line: number): TraceRecord => ({
  kind: 'setEntry', domain, gfn, nr, mfn, type: mfn === -1 ? 'invalid' : 'ram_rw', access: 'rwx',
  loc: { source: 's', line, column: 1, byteOffset: line * 50 },
});

test('a usual text trace keeps narrow columns', () => {
  const text = 'domain 3\np2m_set_entry gfn=0x1000 nr=0x200 mfn=0x80000 t=ram_rw a=rwx\np2m_set_entry d=65535 gfn=0xffffffff nr=0x1 mfn=invalid t=invalid a=rwx\n';
  const s = readTrace(new TextEncoder().encode(text), { source: 's' }).store;
  assert.ok(s.domain instanceof Uint16Array && s.gfn instanceof Uint32Array && s.mfn instanceof Int32Array && s.nr instanceof Uint32Array);
  assert.deepEqual(s.toArray().filter(r => r.kind === 'setEntry').map(r => r.kind === 'setEntry' && [r.domain, r.gfn, r.nr, r.mfn]), [[3, 0x1000, 0x200, 0x80000], [65535, 0xffffffff, 1, -1]]);
});

test('values a column cannot hold widen it; earlier and later rows read back exactly', () => {
  const s = new RecordStore('s', 16);
  const want: TraceRecord[] = [];
  const push = (r: TraceRecord): void => { s.pushCompact(r); want.push(r); };
  for (let i = 0; i < 40; i++) push(rec(1, i, 1, i + 7, i + 1));
  push(rec(70_000, 5, 1, 6, 41));
  assert.ok(s.domain instanceof Uint32Array, 'domain past 16 bits');
  push(rec(1, 2 ** 40 + 3, 1, 6, 42));
  assert.ok(s.gfn instanceof Float64Array, 'gfn past 32 bits');
  push(rec(1, 5, 2 ** 35, 2 ** 31, 43));
  assert.ok(s.nr instanceof Float64Array && s.mfn instanceof Float64Array, 'nr and mfn widened');
  for (let i = 0; i < 60; i++) push(rec(2, 2 ** 45 + i, i + 1, 2 ** 44 - i, 44 + i));
  assert.deepEqual(s.toArray(), want);
  for (let i = 0; i < s.length; i++) assert.equal(s.kind[i], K_SET_ENTRY);
  s.trim();
  assert.deepEqual(s.toArray(), want);
});

test('-0 anywhere stays an object record (an integer or packed column would read it back as 0)', () => {
  const base = rec(1, 7, 1, 5, 1);
  const zeroed: [string, TraceRecord][] = [
    ['domain', { ...base, domain: -0 } as TraceRecord],
    ['gfn', { ...base, gfn: -0 } as TraceRecord],
    ['nr', { ...base, nr: -0 } as TraceRecord],
    ['mfn', { ...base, mfn: -0 } as TraceRecord],
    ['line', { ...base, loc: { ...base.loc, line: -0 } }],
    ['byteOffset', { ...base, loc: { ...base.loc, byteOffset: -0 } }],
  ];
  for (const [field, r] of zeroed) {
    const s = new RecordStore('s', 16);
    s.pushCompact(base);
    s.pushCompact(r);
    assert.equal(s.kind[0], K_SET_ENTRY, field);
    assert.equal(s.kind[1], K_OBJECT, field);
    const got = s.get(1) as TraceRecord & { domain: number };
    const v = field === 'line' || field === 'byteOffset' ? got.loc[field] : (got as unknown as Record<string, number>)[field];
    assert.ok(Object.is(v, -0), `${field} reads back as -0`);
  }
});

test('domains and line numbers past 2^32 stay columns (their columns widen) and read back exactly', () => {
  const s = new RecordStore('s', 16);
  const want = [rec(1, 1, 1, 2, 1), rec(2 ** 32 + 5, 2, 1, 3, 2), rec(3, 3, 1, 4, 2 ** 33 + 1), rec(2 ** 40, 4, 1, 5, 2 ** 40 + 7)];
  for (const r of want) s.pushCompact(r);
  for (let i = 0; i < s.length; i++) assert.equal(s.kind[i], K_SET_ENTRY, `row ${i}`);
  assert.ok(s.domain instanceof Float64Array);
  assert.deepEqual(s.toArray(), want);
});

test('refit widens only as far as needed, and keeps a Float64 column', () => {
  const u16 = Uint16Array.of(1, 2, 3);
  const a = refit(u16, 1, 70_000);
  assert.ok(a instanceof Uint32Array); assert.deepEqual([...a], [1, 70_000, 0], 'rows after the written one are unused: not copied');
  for (const v of [-1, 1.5, 2 ** 32, NaN]) {
    const b = refit(Uint16Array.of(1, 2, 3), 2, v);
    assert.ok(b instanceof Float64Array, `${v}`); assert.ok(Object.is(b[2], v)); assert.equal(b[0], 1);
  }
  const f = Float64Array.of(1, NaN);
  assert.equal(refit(f, 1, NaN), f);
  const r = resized(Int32Array.of(-1, 5, 9), 5, 2);
  assert.ok(r instanceof Int32Array); assert.deepEqual([...r], [-1, 5, 0, 0, 0]);
});
