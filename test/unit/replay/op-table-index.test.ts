// OpTable's compact record index (engine/replay/op-table.ts): a constant offset when every
// record after the leading ones is an op, per-block skips with Uint8 / Uint16 deltas when
// non-op records are interleaved, the plain Uint32 column otherwise. recordIndex(i) must
// name the same store row in every form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpTable, compactIndex } from '../../../engine/replay/op-table';
import { RecordStore } from '../../../engine/trace/record-store';
import type { TraceRecord } from '../../../engine/trace/records';
import { rng } from './helpers';

const op = (gfn: number): TraceRecord => ({
  kind: 'setEntry', domain: 1, gfn, nr: 1, mfn: gfn + 1, type: 'ram_rw', access: 'rwx',
  loc: { source: 's', line: gfn + 1, column: 1, byteOffset: gfn },
});
const nonOp = (k: number): TraceRecord => ({ kind: 'domain', domain: 1, loc: { source: 's', line: k, column: 1, byteOffset: k } });

/** A store of `ops` ops with `skips(i)` non-op records before op i; returns the table and each op's row. */
function build(ops: number, skips: (i: number) => number): { t: OpTable; rows: number[] } {
  const s = new RecordStore('s', 16);
  const rows: number[] = [];
  for (let i = 0; i < ops; i++) {
    for (let k = skips(i); k > 0; k--) s.push(nonOp(k));
    rows.push(s.length);
    s.pushCompact(op(i));
  }
  return { t: new OpTable(s, () => {}, () => {}), rows };
}

function check(t: OpTable, rows: number[]): void {
  assert.equal(t.length, rows.length);
  for (let i = 0; i < rows.length; i++) {
    assert.equal(t.recordIndex(i), rows[i], `op ${i}`);
    assert.equal(t.lineOf(i), i + 1, `op ${i} reads its own record`);
  }
}

test('every record after a few leading ones is an op: no index column at all', () => {
  const { t, rows } = build(3000, i => (i === 0 ? 3 : 0));
  check(t, rows);
  assert.equal(t.indexBytes, 0);
});

test('sparse interleaved non-op records: per-block skips and a byte per op', () => {
  const next = rng(7);
  const { t, rows } = build(5000, () => (next() % 50 === 0 ? 1 + (next() % 3) : 0));
  check(t, rows);
  assert.equal(t.indexBytes, 5000 + 4 * Math.ceil(5000 / 256));
});

test('many non-op records inside one block: 16-bit deltas', () => {
  const { t, rows } = build(1000, i => (i === 300 ? 400 : i % 97 === 0 ? 1 : 0));
  check(t, rows);
  assert.equal(t.indexBytes, 2 * 1000 + 4 * Math.ceil(1000 / 256));
});

test('more than 65535 skipped records inside one block: the plain Uint32 column', () => {
  const { t, rows } = build(600, i => (i === 10 ? 70_000 : 0));
  check(t, rows);
  assert.equal(t.indexBytes, 4 * 600);
});

test('compactIndex on the edge cases: no ops, one op, a skip at a block boundary', () => {
  assert.deepEqual(compactIndex(new Uint32Array(0), 0), { base: 0, blockSkip: null, delta: null, rec: null });
  assert.equal(compactIndex(Uint32Array.of(5), 1).base, 5);
  const rec = new Uint32Array(600);
  for (let i = 0; i < 600; i++) rec[i] = i + (i >= 256 ? 9 : 2);
  const c = compactIndex(rec, 600);
  assert.ok(c.blockSkip !== null && c.delta !== null && c.rec === null);
  for (let i = 0; i < 600; i++) assert.equal(i + c.base + c.blockSkip![i >>> 8] + c.delta![i], rec[i]);
  assert.ok(c.delta!.every(d => d === 0), 'the jump is absorbed by the block skip');
});
