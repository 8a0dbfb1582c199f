// The op summary's compact columns (compact-column.ts) against a plain-array model: every
// value exact (bytes, overflow past a byte and at the escape value, negative rc, large and
// non-integer numbers), "so far" sums at every op boundary, the walk over non-zero ops, both
// storage forms, and reads outside the column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnBuilder, columnOf, type OpColumn } from '../../../extension/session/compact-column';
import { xorshift32 as rng } from '../helpers/rng';

/** Every read of `c` equals the model's (at, before at each boundary, total, outside reads). */
function assertModel(c: OpColumn, model: readonly number[], what: string): void {
  assert.equal(c.length, model.length, `${what}: length`);
  let sum = 0;
  for (let i = 0; i <= model.length; i++) {
    assert.equal(c.before(i), sum, `${what}: before(${i})`);
    if (i < model.length) { assert.equal(c.at(i), model[i], `${what}: at(${i})`); sum += model[i]; }
  }
  assert.equal(c.total, sum, `${what}: total`);
  assert.equal(c.at(-1), 0); assert.equal(c.at(model.length), 0);
  assert.equal(c.before(-5), 0); assert.equal(c.before(model.length + 7), sum);
  // The walk over non-zero ops lists exactly the model's, from any start.
  const n = model.length;
  for (const from of [-3, 0, 1, n >> 1, (n >> 1) + 0.5, n - 1, n, n + 5]) {
    const want = [...model.keys()].filter(i => i >= from && model[i] !== 0);
    const got: number[] = [];
    const w = c.nonZeroFrom(from);
    for (let i = w.next(); i !== Infinity; i = w.next()) { got.push(i); if (got.length > n) break; }
    assert.deepEqual(got, want, `${what}: nonZeroFrom(${from})`);
    assert.equal(w.next(), Infinity, `${what}: the walk stays done`);
  }
}

/** Random values: mostly 0 (`zeroPct`), otherwise small, sometimes past a byte or negative. */
function randomValues(next: () => number, n: number, zeroPct: number, signed: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = next() % 100;
    if (r < zeroPct) { out.push(0); continue; }
    const k = next() % 20;
    let v = k < 14 ? 1 + (next() % 6) : k < 16 ? (signed ? 127 + (next() % 3) : 254 + (next() % 3)) : k < 18 ? next() % 100_000 : 2 ** 32 + next();
    if (signed && next() % 2 === 0) v = -v;
    out.push(v);
  }
  return out;
}

for (const signed of [false, true]) {
  for (const zeroPct of [0, 50, 85, 97, 100]) {
    test(`random ${signed ? 'signed' : 'unsigned'} column, ${zeroPct}% zeros, against a plain array`, () => {
      const next = rng(0x5eed + zeroPct * 7 + (signed ? 1 : 0));
      for (const n of [0, 1, 127, 128, 129, 255, 256, 1000, 5003]) {
        const model = randomValues(next, n, zeroPct, signed);
        assertModel(columnOf(model, signed), model, `n=${n}`);
      }
    });
  }
}

test('the sparser form is chosen by the share of non-zero ops, and is smaller', () => {
  const n = 100_000;
  const rare = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i += 97) rare[i] = 1 + (i % 3);
  const sparse = columnOf(rare);
  assert.equal(sparse.form, 'sparse');
  assert.ok(sparse.byteLength < n / 10, `sparse bytes ${sparse.byteLength}`);
  assertModel(sparse, rare, 'rare');
  const busy = rare.map((v, i) => v || (i % 3 === 0 ? 2 : 0));
  const dense = columnOf(busy);
  assert.equal(dense.form, 'dense');
  assert.ok(dense.byteLength < n * 1.1, `dense bytes ${dense.byteLength}: about a byte per op, was 4 (+4 prefix)`);
  assertModel(dense, busy, 'busy');
});

test('overflow values stay exact: the escape byte itself, past a byte, negative rc, non-integers', () => {
  const unsigned = [255, 254, 256, 0, 2 ** 31, 2 ** 32 + 5, 1.5, 7];
  assertModel(columnOf(unsigned), unsigned, 'unsigned');
  const rc = [-128, -127, 127, 128, -22, -12, 0, -(2 ** 31), 2 ** 31, 1];
  assertModel(columnOf(rc, true), rc, 'rc');
  // The same values through the sparse form (padded with zeros).
  const pad = (v: number[]) => [...v.flatMap(x => [x, ...new Array<number>(20).fill(0)])];
  const su = pad(unsigned), sr = pad(rc);
  assert.equal(columnOf(su).form, 'sparse');
  assertModel(columnOf(su), su, 'sparse unsigned');
  assertModel(columnOf(sr, true), sr, 'sparse rc');
});

test('builder: values set out of order and overwritten (to 0 and back) count once', () => {
  const n = 300;
  const b = new ColumnBuilder(n);
  const model = new Array<number>(n).fill(0);
  const next = rng(99);
  for (let k = 0; k < 2000; k++) {
    const i = next() % n, v = next() % 4 === 0 ? 0 : next() % 3 === 0 ? 300 + (next() % 5) : next() % 9;
    b.set(i, v); model[i] = v;
  }
  assertModel(b.seal(), model, 'overwritten');
  const b2 = new ColumnBuilder(n);
  for (let i = 0; i < n; i++) b2.set(i, 1000);
  for (let i = 0; i < n; i++) if (i % 50 !== 0) b2.set(i, 0);
  const sealed = b2.seal();
  assert.equal(sealed.form, 'sparse', 'ops set back to 0 are not counted as non-zero');
  assertModel(sealed, Array.from({ length: n }, (_v, i) => i % 50 === 0 ? 1000 : 0), 'cleared');
  // Overflow values overwritten by small ones leave nothing behind in the overflow map.
  const b3 = new ColumnBuilder(n);
  for (let i = 0; i < n; i++) { b3.set(i, 5000 + i); b3.set(i, 1 + (i % 7)); }
  const plain = Array.from({ length: n }, (_v, i) => 1 + (i % 7));
  const c3 = b3.seal();
  assertModel(c3, plain, 'overflow overwritten');
  assert.equal(c3.byteLength, columnOf(plain).byteLength);
});
