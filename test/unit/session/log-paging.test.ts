// Log paging and positions (log-index.ts LogIndex), shared by the full session (SessionCore)
// and the index-only session: a negative offset reads `count` rows from row 0, an offset
// past the end reads none, a position is floored, and an op the filter leaves out maps to
// the nearest earlier matching row. Both sessions must answer alike, filtered or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogIndex, MAX_PAGE_ROWS } from '../../../extension/session/log-index';
import { loadSession } from '../../../extension/session/trace-loader';
import { loadIndexOnly } from '../../../extension/session/index-only-loader';
import type { LogFilter } from '../../../extension/session/view-data';

test('LogIndex: totals, rows, page clamping and positions, with and without a list', () => {
  const all = new LogIndex(undefined, 10);
  assert.equal(all.total, 10);
  assert.equal(all.at(7), 7);
  assert.deepEqual(all.page(-4, 3), { from: 0, to: 3 });
  assert.deepEqual(all.page(8, 5), { from: 8, to: 10 });
  assert.deepEqual(all.page(12, 5), { from: 12, to: 12 });
  assert.deepEqual(all.page(0, 5000), { from: 0, to: 10 });
  assert.deepEqual(new LogIndex(undefined, 5000).page(10, 5000), { from: 10, to: 10 + MAX_PAGE_ROWS });
  assert.deepEqual(all.page(NaN, 2), { from: 0, to: 2 });
  assert.deepEqual(all.page(1, -2), { from: 1, to: 1 });
  assert.deepEqual([all.indexOf(-1), all.indexOf(0), all.indexOf(2.5), all.indexOf(99), all.indexOf(NaN)], [-1, 0, 2, 9, -1]);

  const some = new LogIndex(Int32Array.of(2, 5, 9), 10);
  assert.equal(some.total, 3);
  assert.deepEqual([some.at(0), some.at(2)], [2, 9]);
  assert.deepEqual(some.page(-1, 2), { from: 0, to: 2 });
  assert.deepEqual(some.page(2, 5), { from: 2, to: 3 });
  assert.deepEqual(some.page(3, 5), { from: 3, to: 3 });
  // Listed ops give their row; others the nearest earlier listed op's; none before: -1.
  assert.deepEqual([1, 2, 3, 5, 5.5, 8, 9, 40].map(o => some.indexOf(o)), [-1, 0, 0, 1, 1, 1, 2, 2]);
});

/** 60 ops of three kinds (set_entry, lookup, mem_access) in an irregular order. */
function trace(): string {
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; i < 60; i++) {
    const gfn = (0x40000 + i * 3).toString(16);
    if (i % 7 === 3 || i % 11 === 5) lines.push(`lookup gfn=0x${gfn}`);
    else if (i % 5 === 4) lines.push(`mem_access gfn=0x${gfn} nr=0x2 a=rx`);
    else lines.push(`p2m_set_entry gfn=0x${gfn} nr=0x1 mfn=0x${(0x100000 + i).toString(16)} t=ram_rw a=rwx`);
  }
  return lines.join('\n') + '\n';
}

test('full and index-only sessions page and position the log alike (unfiltered and filtered)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-log-paging-'));
  const file = path.join(dir, 'log.p2mtrace');
  fs.writeFileSync(file, trace());
  const opts = { path: file, snapshotInterval: 8 };
  // The index-only session re-reads the file for its log rows: removed when the process ends.
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const sessions = { full: loadSession(opts, () => {}).core, index: loadIndexOnly({ ...opts, mode: 'index' }, () => {}).core };
  const n = sessions.full.opCount;
  assert.equal(n, 60);
  assert.equal(sessions.index.opCount, n);
  const ops = (s: typeof sessions.full | typeof sessions.index, offset: number, count: number) => {
    const p = s.logPage(offset, count);
    return { total: p.total, offset: p.offset, ops: p.rows.map(r => r.op) };
  };
  // Every row's kind, from the unfiltered log (to build a filter that leaves ops out).
  sessions.full.logQuery({});
  const kinds = sessions.full.logPage(0, n).rows.map(r => r.kind);
  const kind = 'lookup';
  const kept = [...kinds.keys()].filter(i => kinds[i] === kind);
  const out = [...kinds.keys()].filter(i => kinds[i] !== kind && i > kept[0]);
  assert.ok(kept.length >= 2 && out.length > 0, `the sample has ops of kind ${kind} and others after its first`);
  const filters: Array<[LogFilter, number[]]> = [[{}, [...kinds.keys()]], [{ kinds: [kind] }, kept]];
  for (const [name, s] of Object.entries(sessions)) {
    for (const [f, list] of filters) {
      const m = list.length;
      assert.equal(s.logQuery(f).total, m, `${name} ${JSON.stringify(f)}`);
      assert.deepEqual(ops(s, -1, 3), { total: m, offset: 0, ops: list.slice(0, 3) }, `${name}: a negative offset reads count rows from 0`);
      assert.deepEqual(ops(s, m + 4, 3), { total: m, offset: m + 4, ops: [] }, `${name}: an offset past the end reads none`);
      assert.deepEqual(ops(s, m - 1, 3).ops, [list[m - 1]], `${name}: the last row`);
      assert.equal(s.logIndexOf(n + 3), m - 1, `${name}: past the last op`);
      assert.equal(s.logIndexOf(-1), -1);
    }
    // An op the filter leaves out: the row of the nearest earlier kept op.
    s.logQuery({ kinds: [kind] });
    for (const o of out) {
      const want = kept.filter(k => k < o).length - 1;
      assert.equal(s.logIndexOf(o), want, `${name}: op ${o} (filtered out)`);
      assert.equal(s.logIndexOf(o + 0.5), want);
    }
    s.logQuery({});
    assert.equal(s.logIndexOf(1.5), 1, `${name}: a fractional op is floored`);
  }
});
