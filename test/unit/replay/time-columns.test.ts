// DeltaColumn (engine/replay/time-columns.ts) against a plain model: a list of (key, value)
// changes read by "last change keyed ≤ k", on random streams that mix every coding the column
// has (one-byte steps, varint key gaps and deltas, raw values: −0, fractions, huge, NaN), read
// at every boundary before and after finish(); pushes after finish() on an empty column; and
// ScalarColumns' change test (NaN staying NaN is no change, -0 / +0 is one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaColumn, F_DEFAULT_ACCESS, F_MAPPINGS, FIELDS, ScalarColumns } from '../../../engine/replay/time-columns';
import { P2m } from '../../../engine/p2m/p2m';
import { xorshift32Unit as rng } from '../helpers/rng';

function modelAt(keys: number[], vals: number[], k: number): number {
  let v = 0;
  for (let i = 0; i < keys.length && keys[i] <= k; i++) v = vals[i];
  return v;
}

test('time columns: DeltaColumn reads equal a plain change list at every boundary', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = rng(seed);
    const col = new DeltaColumn();
    const keys: number[] = [], vals: number[] = [];
    let key = 0, v = Math.floor(r() * 1000);
    const changes = 50 + Math.floor(r() * 400);
    for (let i = 0; i < changes; i++) {
      if (i > 0) {
        const g = r();
        key += g < 0.7 ? 1 : g < 0.9 ? 2 + Math.floor(r() * 100) : 1000 + Math.floor(r() * 1e6);
        const c = r();
        let nv: number;
        if (c < 0.55) nv = v + Math.floor(r() * 20) - 10;
        else if (c < 0.7) nv = v + Math.floor(r() * 200) - 100;
        else if (c < 0.8) nv = Math.floor(r() * 2 ** 40) - 2 ** 39;
        else if (c < 0.85) nv = -0;
        else if (c < 0.88) nv = 0;
        else if (c < 0.92) nv = r() * 1e6;
        else if (c < 0.95) nv = 2 ** 52 + Math.floor(r() * 1000);
        else if (c < 0.97) nv = NaN;
        else nv = -(2 ** 33) - Math.floor(r() * 10);
        if (Object.is(nv, v)) nv = v + 1;
        v = nv;
      }
      col.push(key, v); keys.push(key); vals.push(v);
    }
    assert.equal(col.length, changes);
    const check = (tag: string) => {
      const probes = new Set<number>();
      for (const k of keys) { probes.add(k); probes.add(k + 1); if (k > 0) probes.add(k - 1); }
      probes.add(key + 5000);
      for (const k of probes) {
        const want = modelAt(keys, vals, k), got = col.at(k);
        assert.ok(Object.is(got, want), `${tag} seed ${seed} k ${k}: ${got} vs ${want}`);
      }
    };
    check('growing');
    col.finish();
    check('finished');
    // Changes after finish() still land (the trimmed stream grows again).
    for (let j = 0; j < 40; j++) { key += 1 + j; v = j % 5 === 0 ? -0 : v + 3; col.push(key, v); keys.push(key); vals.push(v); }
    check('after finish');
  }
});

test('time columns: a counter moving by one per op costs about a byte per change', () => {
  const col = new DeltaColumn();
  const vals: number[] = [];
  let v = 0;
  for (let k = 0; k < 100_000; k++) { v += k % 3 === 0 ? -1 : 1; col.push(k, v); vals.push(v); }
  col.finish();
  assert.ok(col.bytes < 100_000 * 1.6, `${col.bytes} bytes`);
  for (let k = 0; k < 100_000; k += 997) assert.equal(col.at(k), vals[k], `k ${k}`);
  assert.equal(col.at(99_999), v);
});

// finish() trims the checkpoint arrays to the checkpoints held: 0 on a column with no change.
test('time columns: changes pushed after finish() on an empty column are read back', () => {
  const col = new DeltaColumn();
  col.finish();
  assert.equal(col.at(3), 0);
  col.push(0, 5); col.push(3, 7);
  assert.equal(col.length, 2);
  assert.equal(col.at(0), 5);
  assert.equal(col.at(2), 5);
  assert.equal(col.at(4), 7);
  // And on past the first checkpoint block.
  for (let k = 4; k < 100; k++) col.push(k, k * 3);
  for (let k = 4; k < 100; k++) assert.equal(col.at(k), k * 3, `k ${k}`);
});

// ScalarColumns.record compares each field with Object.is: a field staying NaN is no change
// (the column stays as small as for a constant), while -0 after +0 (and back) is one.
test('time columns: ScalarColumns records no change for a NaN that stays NaN, and records -0 / +0 changes', () => {
  const ops = 2000;
  const constant = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 }).core;
  const nan = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 }).core;
  const sc = new ScalarColumns(constant);
  nan.defaultAccess = NaN;
  const sn = new ScalarColumns(nan);
  for (let op = 0; op < ops; op++) { sc.record(op, constant); sn.record(op, nan); }
  sc.finish(); sn.finish();
  // One raw change (9 B) more than the constant column at most: not one per op.
  assert.ok(sn.bytes <= sc.bytes + 16, `NaN columns ${sn.bytes} B vs ${sc.bytes} B`);
  const out = new Float64Array(FIELDS);
  sn.at(ops, out);
  assert.ok(Number.isNaN(out[F_DEFAULT_ACCESS]));

  const c = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 }).core;
  const s = new ScalarColumns(c);
  for (let op = 0; op < 10; op++) { c.mappings[0] = op === 3 || op === 4 ? -0 : 0; s.record(op, c); }
  s.finish();
  for (let k = 0; k <= 10; k++) {
    s.at(k, out);
    assert.ok(Object.is(out[F_MAPPINGS], k === 4 || k === 5 ? -0 : 0), `mappings[0] at ${k}: ${Object.is(out[F_MAPPINGS], -0) ? '-0' : out[F_MAPPINGS]}`);
  }
});
