// The entry histories of the time index (engine/replay/time-history.ts) against a plain model:
// random writes to a few pages (some with hundreds of writes, which take the counting-sort
// path, some with a handful, which take the insertion sort), then every slot read at every
// boundary and every page listed by forEach, compared with replaying the writes up to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryBuilder } from '../../../engine/replay/time-history-builder';
import type { EntryHistory } from '../../../engine/replay/time-history';
import { rng } from './helpers';

interface W { page: number; idx: number; key: number; lo: number; hi: number }

/** The builder's two passes over the same writes (time-history-builder.ts). */
function build(writes: readonly W[], pages: number): EntryHistory {
  const b = new HistoryBuilder();
  for (const w of writes) b.add(w.page, w.idx, w.key, w.lo, w.hi);
  b.place(pages);
  for (const w of writes) b.add(w.page, w.idx, w.key, w.lo, w.hi);
  const h = b.build();
  assert.equal(b.problem, undefined);
  return h;
}

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
  const h = build(writes, pages + 2);
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
  const n = 70_000;
  const writes: W[] = [];
  for (let i = 0; i < n; i++) writes.push({ page: i >>> 9, idx: i & 511, key: 1 + (i % 3), lo: i * 7 + 1, hi: 0x80000000 + i });
  const h = build(writes, 0);
  assert.equal(h.writes, n);
  for (let i = 0; i < n; i += 997) {
    h.read(i >>> 9, i & 511, 3);
    assert.deepEqual([h.lo, h.hi], [(i * 7 + 1) >>> 0, (0x80000000 + i) >>> 0], `write ${i}`);
    h.read(i >>> 9, i & 511, 0);
    assert.deepEqual([h.lo, h.hi], [0, 0], `write ${i} before its op`);
  }
  assert.ok(h.bytes >= n * 14, 'u32 high words');
});

// Split fills (runs of writes index + 1, descriptor + step, one page, one key) are kept as run
// records; the same model check over writes that mix fills with everything that can sit next
// to one: stale entries, zeroing ahead of a fill in its op, single remaps after it (same op
// and later ops), two fills of a page, a carry from lo into hi, a broken fill, short runs, a
// short run continued by a fill of another step.
test('time history: fill runs read exactly like the writes they replace, at every boundary', () => {
  const next = rng(7);
  const writes: W[] = [];
  const pages = 6, keys = 48, K4 = 0x1000, M2 = 0x200000;
  const fill = (page: number, key: number, first: number, count: number, lo: number, hi: number, step: number): void => {
    for (let i = 0; i < count; i++) {
      const t = lo + i * step;
      writes.push({ page, idx: first + i, key, lo: t >>> 0, hi: (hi + Math.floor(t / 2 ** 32)) >>> 0 });
    }
  };
  const single = (page: number, key: number): void => {
    writes.push({ page, idx: next() % 512, key, lo: next() % 5 === 0 ? 0 : next() >>> 0, hi: next() % 0x100 });
  };
  let fills = 0;
  for (let key = 0; key < keys; key++) {
    const page = next() % pages;
    switch (key % 8) {
      case 0: // 4K fill of a whole page (over whatever it held: stale entries on the second round)
        fill(page, key, 0, 512, (next() & ~0xfff) | 0x67, next() % 0x40, K4); fills++; break;
      case 1: // 2M fill, then single remaps into the same page in the same op
        fill(page, key, 0, 512, (next() & ~0x1fffff) | 0xe7, next() % 0x40, M2); fills++;
        for (let j = 0; j < 3; j++) writes.push({ page, idx: next() % 512, key, lo: next() >>> 0, hi: 7 });
        break;
      case 2: // stale entries zeroed in the op, then the fill; a zero write after it too
        for (let j = 0; j < 20; j++) writes.push({ page, idx: next() % 512, key, lo: 0, hi: 0 });
        fill(page, key, 0, 512, 0xfff00000 | 0x63, 0x12, K4); fills++; // lo carries into hi from index 256
        writes.push({ page, idx: 300, key, lo: 0, hi: 0 });
        break;
      case 3: // two fills of one page in one op (the second wins), a partial one elsewhere
        fill(page, key, 0, 512, 0x1000, 0, M2); fill(page, key, 0, 512, 0x2003, 1, K4); fills += 2;
        fill((page + 1) % pages, key, 37, 100, 0xfc000007, 0xffffffff, M2); fills++; // lo carries, hi wraps to 0
        break;
      case 4: { // a fill broken in the middle (one entry off the pattern), and a short run
        const at = 1 + (next() % 510);
        fill(page, key, 0, at, 0x5000, 2, K4);
        writes.push({ page, idx: at, key, lo: 0xdead0000, hi: 2 });
        fill(page, key, at + 1, 511 - at, 0x5000 + (at + 1) * K4, 2, K4); fills++;
        fill((page + 2) % pages, key, 500, 5, 0x9000, 3, K4);
        break;
      }
      case 5: // a run of zeros (a wipe in index order)
        fill(page, key, 100, 200, 0, 0, 0); break;
      case 6: // a short run of one step (zeros) that a fill of another step continues: the run starts one write back
        fill(page, key, 0, 3, 0, 0, 0);
        fill(page, key, 3, 509, 0x7000 | 0x67, 0, K4); fills++;
        break;
      default: // single writes in later ops
        for (let j = 0; j < 1 + (next() % 6); j++) single(next() % pages, key);
    }
  }
  const h = build(writes, pages + 1);
  // The fills really are runs: far fewer entries than writes, and fewer bytes than 12 B each.
  assert.ok(h.fillRuns >= fills, `${h.fillRuns} runs for ${fills} fills`);
  assert.ok(h.entries < writes.length / 10, `${h.entries} history entries for ${writes.length} writes`);
  assert.ok(h.bytes < writes.length, `${h.bytes} B for ${writes.length} writes`);
  // The model: every write applied in recording order (keys never decrease along it).
  const lo = new Float64Array((pages + 1) * 512), hi = new Float64Array((pages + 1) * 512);
  let w = 0;
  for (let k = 0; k <= keys; k++) {
    for (; w < writes.length && writes[w].key <= k; w++) { const x = writes[w]; lo[x.page * 512 + x.idx] = x.lo; hi[x.page * 512 + x.idx] = x.hi; }
    for (let page = 0; page <= pages; page++) {
      const want: number[] = [];
      for (let idx = 0; idx < 512; idx++) {
        const v = [lo[page * 512 + idx], hi[page * 512 + idx]];
        h.read(page, idx, k);
        if (h.lo !== v[0] || h.hi !== v[1]) assert.deepEqual([h.lo, h.hi], v, `page ${page} idx ${idx} at ${k}`);
        if (v[0] !== 0 || v[1] !== 0) want.push(idx, v[0], v[1]);
      }
      const got: number[] = [];
      h.forEach(page, k, (i, l, x) => { got.push(i, l, x); });
      assert.deepEqual(got, want, `forEach page ${page} at ${k}`);
    }
  }
});

// The builder's second pass must see the writes of the first: a different second pass (a write
// more or less, another value, index or page, another high word) is reported as a problem,
// never thrown or silently indexed. One test per variant (each must be caught on its own).
{
  const next = rng(5);
  const writes: W[] = [];
  for (let key = 1; key < 40; key++) for (let j = 0; j < 6; j++) writes.push({ page: next() % 4, idx: next() % 512, key, lo: next() >>> 0, hi: next() % 3 });
  // Whole-page fills too, so that runs are part of what must agree.
  for (let i = 0; i < 512; i++) writes.push({ page: 2, idx: i, key: 40, lo: 0x1000 * i + 0x67, hi: 1 });
  const fillAt = writes.length - 512;
  // Single writes after the last fill: no run of pass 1 is left to notice a shift there.
  for (let j = 0; j < 5; j++) writes.push({ page: j % 4, idx: next() % 512, key: 41, lo: next() >>> 0, hi: 2 });
  const at = (n: number, f: (w: W) => W) => (ws: W[]) => ws.map((w, i) => i === n ? f(w) : w);
  const variants: [string, (ws: W[]) => W[]][] = [
    ['one write more', ws => [...ws.slice(0, 30), { page: 1, idx: 3, key: 5, lo: 9, hi: 0 }, ...ws.slice(30)]],
    ['one write fewer', ws => [...ws.slice(0, 30), ...ws.slice(31)]],
    ['one write fewer after the last fill', ws => [...ws.slice(0, ws.length - 3), ...ws.slice(ws.length - 2)]],
    ['the last write left out', ws => ws.slice(0, ws.length - 1)],
    ['one write fewer, one more on another page', ws => [...ws.slice(0, 30), ...ws.slice(31, 60), { ...ws[30], page: (ws[30].page + 1) % 4 }, ...ws.slice(60)]],
    ['a changed lo', at(17, w => ({ ...w, lo: (w.lo ^ 0x1000) >>> 0 }))],
    ['a changed lo inside a fill', at(fillAt + 200, w => ({ ...w, lo: (w.lo + 1) >>> 0 }))],
    ['a changed index', at(17, w => ({ ...w, idx: (w.idx + 1) % 512 }))],
    ['a changed key', at(17, w => ({ ...w, key: w.key + 1 }))],
    ['two writes swapped', ws => [...ws.slice(0, 17), ws[18], ws[17], ...ws.slice(19)]],
    ['a page below range', at(17, w => ({ ...w, page: -1 }))],
    ['a page above range', at(17, w => ({ ...w, page: 4 }))],
    ['a new high word', at(17, w => ({ ...w, hi: 0x777 }))],
    ['a fill cut short', ws => ws.slice(0, ws.length - 100)],
  ];
  for (const [name, change] of variants) {
    test(`time history: a second pass with ${name} is reported, not indexed`, () => {
      const b = new HistoryBuilder();
      for (const w of writes) b.add(w.page, w.idx, w.key, w.lo, w.hi);
      b.place(4);
      const second = change(writes);
      assert.notDeepEqual(second, writes);
      for (const w of second) b.add(w.page, w.idx, w.key, w.lo, w.hi);
      assert.doesNotThrow(() => b.build());
      assert.match(b.problem ?? '', /pass 2/, name);
    });
  }
  test('time history: the same writes twice build without a problem', () => { assert.doesNotThrow(() => build(writes, 4)); });
}

test('time history: a write to a negative page in pass 1 is reported, not counted', () => {
  const b = new HistoryBuilder();
  b.add(0, 1, 1, 5, 0); b.add(-1, 2, 1, 6, 0);
  b.place(1);
  b.add(0, 1, 1, 5, 0); b.add(-1, 2, 1, 6, 0);
  b.build();
  assert.match(b.problem ?? '', /page -1 out of range/);
});

// forEach calls its visitor straight from the columns and the slot arrays (no copy of the
// page first): a visitor that lists another page (with runs too) and reads entries in between
// must not disturb the outer listing.
test('time history: a forEach inside a forEach visitor lists both pages as when called alone', () => {
  const next = rng(11);
  const writes: W[] = [];
  for (let key = 1; key <= 6; key++) {
    for (const page of [0, 1, 2]) {
      if (key % 2 === page % 2) for (let i = 0; i < 512; i++) writes.push({ page, idx: i, key, lo: 0x1000 * i + key, hi: page });
      for (let j = 0; j < 9; j++) writes.push({ page, idx: next() % 512, key, lo: next() >>> 0, hi: 5 });
    }
  }
  const h = build(writes, 3);
  assert.ok(h.fillRuns > 0);
  const alone = (page: number, k: number): number[] => { const out: number[] = []; h.forEach(page, k, (i, lo, hi) => { out.push(i, lo, hi); }); return out; };
  for (let k = 0; k <= 7; k++) {
    for (const [outer, inner] of [[0, 1], [1, 2], [2, 0], [1, 1]]) {
      const got: number[] = [];
      let nested: number[] = [];
      h.forEach(outer, k, (i, lo, hi) => {
        got.push(i, lo, hi);
        if (i % 97 === 0) { nested = alone(inner, k); h.read(inner, i, k); }
      });
      assert.deepEqual(got, alone(outer, k), `outer ${outer} at ${k}`);
      if (nested.length) assert.deepEqual(nested, alone(inner, k), `inner ${inner} at ${k}`);
    }
  }
});

// build() always has place()'s run records (it calls place itself when skipped): a builder
// built without a second pass reports it and still returns a history, without throwing.
test('time history: build() without place() is reported, not thrown', () => {
  const b = new HistoryBuilder();
  for (let i = 0; i < 20; i++) b.add(1, i, 1, 0x1000 * i, 0); // a fill run
  b.add(0, 7, 2, 5, 0);
  let h: EntryHistory | undefined;
  assert.doesNotThrow(() => { h = b.build(); });
  assert.match(b.problem ?? '', /build before place/);
  assert.ok(h !== undefined && h.fillRuns === 1);
});
