// The entry histories of the time index (engine/replay/time-history.ts) against a plain model:
// random writes to a few pages (some with hundreds of writes, which take the counting-sort
// path, some with a handful, which take the insertion sort), then every slot read at every
// boundary and every page listed by forEach, compared with replaying the writes up to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryBuilder } from '../../../engine/replay/time-history';
import { rng } from './helpers';

interface W { page: number; idx: number; key: number; lo: number; hi: number }

test('time history: reads and forEach at every boundary equal the writes replayed up to it', () => {
  const next = rng(42);
  const writes: W[] = [];
  const pages = 7, keys = 60;
  for (let key = 0; key < keys; key++) {
    const per = 1 + (next() % 12);
    for (let j = 0; j < per; j++) {
      // Page 0 gets most writes (dense path), page 6 almost none; ~1/4 of the writes are zeros.
      const page = next() % 3 === 0 ? 0 : next() % pages;
      const idx = page === 5 ? next() % 4 : next() % 512;
      const zero = next() % 4 === 0;
      writes.push({ page, idx, key, lo: zero ? 0 : next() >>> 0, hi: zero ? 0 : next() % 0x10000 });
    }
  }
  const b = new HistoryBuilder();
  for (const w of writes) b.add(w.page, w.idx, w.key, w.lo, w.hi);
  const h = b.build(pages + 2);
  assert.equal(h.writes, writes.length);
  for (let k = 0; k <= keys; k++) {
    const model = new Map<string, [number, number]>();
    for (const w of writes) if (w.key <= k) model.set(`${w.page}:${w.idx}`, [w.lo, w.hi]);
    for (let page = 0; page < pages + 2; page++) {
      const want: number[] = [];
      for (let idx = 0; idx < 512; idx++) {
        const v = model.get(`${page}:${idx}`) ?? [0, 0];
        h.read(page, idx, k);
        assert.deepEqual([h.lo, h.hi], v, `page ${page} idx ${idx} at ${k}`);
        if (v[0] !== 0 || v[1] !== 0) want.push(idx, v[0], v[1]);
      }
      const got: number[] = [];
      h.forEach(page, k, (i, lo, hi) => { got.push(i, lo, hi); });
      assert.deepEqual(got, want, `forEach page ${page} at ${k}`);
    }
  }
  // Out-of-range pages read as empty.
  h.read(-1, 3, keys); assert.deepEqual([h.lo, h.hi], [0, 0]);
  h.read(1000, 3, keys); assert.deepEqual([h.lo, h.hi], [0, 0]);
});

test('time history: more than 65,536 distinct high words keep the plain column, reads still exact', () => {
  const b = new HistoryBuilder();
  const n = 70_000;
  for (let i = 0; i < n; i++) b.add(i >>> 9, i & 511, 1 + (i % 3), i * 7 + 1, 0x80000000 + i);
  const h = b.build(0);
  assert.equal(h.writes, n);
  for (let i = 0; i < n; i += 997) {
    h.read(i >>> 9, i & 511, 3);
    assert.deepEqual([h.lo, h.hi], [(i * 7 + 1) >>> 0, (0x80000000 + i) >>> 0], `write ${i}`);
    h.read(i >>> 9, i & 511, 0);
    assert.deepEqual([h.lo, h.hi], [0, 0], `write ${i} before its op`);
  }
  assert.ok(h.bytes >= n * 14, 'u32 high words');
});
