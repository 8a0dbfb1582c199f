// The page comparison both end-of-load proofs share (engine/replay/log-verify.ts diffEntries):
// equal pages (sparse and dense) pass; a changed value, a missing entry and an extra entry are
// each reported on the right page and index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TableStore } from '../../../engine/p2m/table-store';
import { diffEntries } from '../../../engine/replay/log-verify';
import { rng } from './helpers';

function fill(s: TableStore, writes: [number, number, number, number][]): void {
  for (const [id, i, lo, hi] of writes) s.write(id, i, lo, hi);
}

test('log verify: diffEntries passes equal pages and names the first differing entry', () => {
  const next = rng(3);
  const writes: [number, number, number, number][] = [];
  // Page 0 sparse (a few entries), page 1 dense (most of its 512), page 2 empty but existing.
  for (let j = 0; j < 12; j++) writes.push([0, next() % 512, next() >>> 0, next() % 100]);
  for (let i = 0; i < 512; i += 1 + (next() % 2)) writes.push([1, i, (next() >>> 0) | 1, 7]);
  writes.push([2, 5, 1, 0], [2, 5, 0, 0]);
  const a = new TableStore(), b = new TableStore();
  fill(a, writes); fill(b, writes);
  for (const id of [0, 1, 2]) assert.equal(diffEntries(a, b, id), undefined, `page ${id}`);
  const idxs: number[] = [];
  b.forEach(1, i => { idxs.push(i); });
  const mid = idxs[idxs.length >> 1];
  // A changed value (a's entry differs from the recording's at that index).
  const c = new TableStore(); fill(c, writes); c.write(1, mid, 0xabc, 7);
  assert.equal(diffEntries(c, b, 1), `page 1 entry ${mid}`);
  // An entry the recording has and a lacks: caught by the count.
  const d = new TableStore(); fill(d, writes); d.write(1, mid, 0, 0);
  assert.match(diffEntries(d, b, 1) ?? '', /^page 1: \d+ entries vs \d+$/);
  // An entry a has at an index the recording leaves empty.
  const free = [...Array(512).keys()].find(i => !idxs.includes(i))!;
  const e = new TableStore(); fill(e, writes); e.write(1, free, 9, 9);
  assert.equal(diffEntries(e, b, 1), `page 1 entry ${free}`);
  assert.equal(diffEntries(e, b, 0), undefined);
});
