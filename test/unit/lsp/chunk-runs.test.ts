// The language server's chunk runs must equal the engine's own chunk choice, which it
// records as one __p2m_set_entry frame per chunk (checked here against the event log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { chunkRuns } from '../../../extension/server/replay/op-observer';

function engineChunks(gfn: number, nr: number, mfn: number, memAccess: boolean): Array<[number, number]> {
  const p = new P2m({ poolPages: 'unlimited', ipaBits: 48, memAccess });
  const from = p.log.length;
  p.setEntry(gfn, nr, mfn, mfn < 0 ? 'invalid' : 'ram_rw', 'rwx');
  const out: Array<[number, number]> = [];
  for (const e of p.log.toArray(from)) if (e.kind === 'frameEnter' && e.frame === '__p2m_set_entry') out.push([e.gfn, (3 - e.level) * 9]);
  return out;
}

function expand(gfn: number, nr: number, mfn: number, memAccess: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const r of chunkRuns(gfn, nr, mfn, memAccess)) for (let i = 0; i < r.count; i++) out.push([r.gfn + i * 2 ** r.order, r.order]);
  return out;
}

test('chunk runs match the engine for aligned, unaligned and removal ranges', () => {
  const cases: Array<[number, number, number, boolean]> = [
    [0x40000, 0x40000, 0x100000, false], [0x1ff, 0x202, 0x2001ff, false], [0x1ff, 0x201, 0x2001ff, false],
    [0x3fe00, 0x40200, 0x3fe00, false], [0x1400, 0x200, 0x9001, false], [0x1400, 0x200, -1, false],
    [0x200, 0x200, 0x200000, true], [0x3ff01, 0x800ff, 0x7ff01, false], [0x0, 0x80000, -1, false], [0x7, 0x3, 0x7, false],
  ];
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  for (let i = 0; i < 40; i++) {
    const align = [1, 512, 4096][rnd(3)];
    const gfn = rnd(64) * align + (rnd(2) ? rnd(600) : 0);
    const nr = 1 + rnd(3) * align + (rnd(2) ? rnd(700) : 0);
    const mfn = rnd(4) === 0 ? -1 : gfn + (rnd(2) ? 0 : rnd(1024));
    cases.push([gfn, nr, mfn, false]);
  }
  for (const [g, n, m, ma] of cases) {
    assert.deepEqual(expand(g, n, m, ma), engineChunks(g, n, m, ma), `gfn=${g.toString(16)} nr=${n.toString(16)} mfn=${m}`);
  }
});
