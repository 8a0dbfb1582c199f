// PackedColumn (engine/trace/packed-column.ts): per-block base + 1/2-byte deltas while the
// values fit, widening to 16-bit deltas and then to plain values; every value written reads
// back exactly whatever the sequence, across resizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackedColumn } from '../../../engine/trace/packed-column';

function roundTrip(values: number[], cap = 16): PackedColumn {
  const c = new PackedColumn(cap);
  let capacity = cap;
  values.forEach((v, i) => {
    if (i === capacity) { capacity = Math.ceil(capacity * 1.5); c.resize(capacity, i); }
    c.set(i, v);
  });
  values.forEach((v, i) => assert.equal(c.get(i), v, `row ${i}`));
  return c;
}

test('small steps stay 1 byte per row; larger steps widen to 2; anything else to plain values', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => 1 + i + (i >> 4));
  assert.equal(roundTrip(lines).width, 1);
  const offsets = Array.from({ length: 1000 }, (_, i) => 40 + i * 61);
  assert.equal(roundTrip(offsets).width, 2);
  const jumps = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) * 70_000);
  assert.equal(roundTrip(jumps).width, 8);
  assert.equal(roundTrip([5, 3, 9]).width, 8, 'below the block base');
  assert.equal(roundTrip([0, 2 ** 52, 7]).width, 8, 'huge');
  assert.equal(roundTrip([1, 1.5]).width, 8, 'not an integer');
  const nan = roundTrip([3, NaN, 4]);
  assert.ok(Number.isNaN(nan.get(1)));
});

test('widening in the middle of a later block keeps every earlier row; resize down keeps the rows in use', () => {
  const vals = Array.from({ length: 700 }, (_, i) => i * 3);
  vals[650] = 10; // below its block's base
  const c = roundTrip(vals, 700);
  assert.equal(c.width, 8);
  c.resize(400, 700);
  for (let i = 0; i < 400; i++) assert.equal(c.get(i), vals[i]);
  const d = roundTrip(Array.from({ length: 300 }, (_, i) => i * 300), 300);
  d.resize(200, 300);
  for (let i = 0; i < 200; i++) assert.equal(d.get(i), i * 300);
  assert.ok(d.byteLength < 200 * 3, `${d.byteLength}`);
});
