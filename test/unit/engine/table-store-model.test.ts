// The flat TableStore against a plain model (a Map per page): random stores (sparse pages
// that grow and turn dense, zeroing, metadata), snapshots taken and restored — into the same
// store and into a second one — in any order, with writes in between. Every entry and field
// read back must equal the model's at that point, and a snapshot must never see later writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type StoreSnapshot, TableStore } from '../../../engine/p2m/table-store';
import { rng } from '../helpers/rng';

interface PageModel { e: Map<number, [number, number]>; level: number; live: boolean; leaves: number; base: number; prev: number; next: number }
type Model = Map<number, PageModel>;

const clone = (m: Model): Model => new Map([...m].map(([id, p]) => [id, { ...p, e: new Map(p.e) }]));
const blank = (): PageModel => ({ e: new Map(), level: 0, live: false, leaves: 0, base: 0, prev: -1, next: -1 });

function check(s: TableStore, m: Model, ids: number, what: string): void {
  for (let id = -1; id < ids; id++) {
    const p = m.get(id);
    assert.equal(s.has(id), p !== undefined, `${what}: has(${id})`);
    if (!p) continue;
    const seen: number[] = [];
    s.forEach(id, (i, lo, hi) => { seen.push(i, lo, hi); });
    const want = [...p.e].sort((a, b) => a[0] - b[0]).flatMap(([i, [lo, hi]]) => [i, lo, hi]);
    assert.deepEqual(seen, want, `${what}: entries of page ${id}`);
    for (const i of [0, 1, 63, 64, 200, 511]) {
      s.read(id, i);
      const v: [number, number] = p.e.get(i) ?? [0, 0];
      assert.deepEqual([s.lo, s.hi], v, `${what}: read(${id}, ${i})`);
    }
    assert.deepEqual([s.count(id), s.level(id), s.isLive(id), s.leaves(id), s.baseGfn(id), s.prev(id), s.next(id)],
      [p.e.size, p.level, p.live, p.leaves, p.base, p.prev, p.next], `${what}: fields of page ${id}`);
  }
}

test('table store: random stores, zeroing, snapshots and restores (same and other store) match a model', () => {
  const r = rng(31);
  const IDS = 40;
  const a = new TableStore(), b = new TableStore();
  const snaps: { s: StoreSnapshot; m: Model }[] = [];
  let cur = a, curModel: Model = new Map();
  for (let step = 0; step < 30000; step++) {
    const id = Math.floor(r() * IDS) - 1; // −1 is a valid key (pageId of a non-page MFN)
    const k = r();
    // Every op but freeze/restore creates the page (an empty one) if it does not exist yet.
    const p = k >= 0.9 ? blank() : curModel.get(id) ?? (curModel.set(id, blank()), curModel.get(id)!);
    if (k < 0.8) {
      // Few pages get many entries (dense), most stay sparse; a quarter of stores are zero.
      const spread = id % 5 === 0 ? 512 : 24;
      const i = Math.floor(r() * spread);
      const zero = r() < 0.25;
      const lo = zero ? 0 : Math.floor(r() * 2 ** 32), hi = zero ? 0 : Math.floor(r() * 2 ** 32);
      const before = p.e.get(i) ?? [0, 0];
      cur.write(id, i, lo, hi);
      assert.deepEqual([cur.lo, cur.hi], before, `step ${step}: previous value of (${id}, ${i})`);
      if (zero) p.e.delete(i); else p.e.set(i, [lo, hi]);
    } else if (k < 0.82) {
      cur.zero(id);
      p.e.clear(); p.leaves = 0;
    } else if (k < 0.84) {
      cur.makeDense(id);
    } else if (k < 0.9) {
      const v = Math.floor(r() * 4), live = r() < 0.5, base = Math.floor(r() * 2 ** 36), pr = Math.floor(r() * IDS) - 1;
      cur.setLevel(id, v); cur.setLive(id, live); cur.setBaseGfn(id, base); cur.setPrev(id, pr); cur.setNext(id, pr + 1); cur.setLeaves(id, v + 1);
      Object.assign(p, { level: v, live, base, prev: pr, next: pr + 1, leaves: v + 1 });
    } else if (k < 0.95) {
      snaps.push({ s: cur.freeze(), m: clone(curModel) });
    } else if (snaps.length > 0) {
      // Restore a random snapshot into a random one of the two stores, and go on there.
      const pick = snaps[Math.floor(r() * snaps.length)];
      cur = r() < 0.5 ? a : b;
      cur.restore(pick.s);
      curModel = clone(pick.m);
      check(cur, curModel, IDS, `step ${step}: after restore`);
    }
    if (step % 2500 === 0) check(cur, curModel, IDS, `step ${step}`);
  }
  check(cur, curModel, IDS, 'end');
  // Every snapshot still holds exactly what it held when taken.
  snaps.forEach((x, n) => { b.restore(x.s); check(b, x.m, IDS, `snapshot ${n} at the end`); });
  assert.ok(snaps.length > 100, 'the workload took snapshots');
});
