// Index-only sessions (extension/session/index-only-*.ts) against the full session on the same
// generated trace: op count, final state, the state after a seek (snapshot + re-read), log rows
// (labels, lines, rc), recomputed micro-operations, filters and Replay-to-Line must all agree
// with SessionCore, which replays the recorded event log. Also: no op is kept as an object
// (the index is typed arrays) and snapshots stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSession } from '../../../extension/session/trace-loader';
import { loadIndexOnly } from '../../../extension/session/index-only-loader';
import { rng } from '../helpers/rng';
import { OpColumns } from '../../../extension/session/index-only-columns';

function genTrace(n: number, seed: number): string {
  const r = rng(seed);
  const lines = ['# generated for index-only tests', 'config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; i < n; i++) {
    const x = r();
    const gfn = 0x40000 + Math.floor(r() * 0x8000) * (r() < 0.1 ? 512 : 1);
    if (i % 5000 === 17) lines.push(`domain ${1 + Math.floor(r() * 2)}`);
    if (x < 0.55) lines.push(`p2m_set_entry gfn=0x${gfn.toString(16)} nr=0x${(1 + Math.floor(r() * 3)).toString(16)} mfn=0x${(gfn + 0x100000).toString(16)} t=ram_rw a=rwx`);
    else if (x < 0.7) lines.push(`p2m_set_entry gfn=0x${gfn.toString(16)} nr=0x1 mfn=invalid t=invalid a=rwx d=${1 + Math.floor(r() * 3)}`);
    else if (x < 0.78) lines.push(`__p2m_set_entry gfn=0x${(gfn & ~0x1ff).toString(16)} order=9 mfn=0x${((gfn & ~0x1ff) + 0x200000).toString(16)} t=ram_ro`);
    else if (x < 0.86) lines.push(`lookup gfn=0x${gfn.toString(16)}`);
    else if (x < 0.92) lines.push(`mem_access gfn=0x${gfn.toString(16)} nr=0x4 a=rx`);
    else if (x < 0.97) lines.push(`  p2m_set_entry gfn=0x${gfn.toString(16)} nr=0x20 mfn=0x${(gfn + 7).toString(16)} t=ram_rw a=rw # indented, unaligned`);
    else lines.push(`resolve_fault gfn=0x${gfn.toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-index-only-'));
const file = path.join(dir, 'gen.p2mtrace');
fs.writeFileSync(file, genTrace(40_000, 7));
const opts = { path: file, snapshotInterval: 512, ipaBits: 40 };
const full = loadSession(opts, () => {});
const idx = loadIndexOnly({ ...opts, mode: 'index' }, () => {});
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));



test('index-only: same ops, domains and final state as the full session', () => {
  assert.equal(idx.summary.opCount, full.summary.opCount);
  assert.ok(idx.summary.opCount > 39_000);
  assert.deepEqual(idx.summary.domains, full.summary.domains);
  assert.deepEqual(idx.summary.kinds, full.summary.kinds, 'every kind, in first-seen order');
  assert.match(idx.summary.indexOnly ?? '', /index-only session: no BBM/);
  full.core.seek(full.core.opCount);
  idx.core.seek(idx.core.opCount);
  assert.equal(idx.core.dumpInfo(), full.core.dumpInfo());
  for (const d of full.summary.domains) assert.deepEqual(idx.core.regions(d, {}, 5000), full.core.regions(d, {}, 5000));
  assert.deepEqual(idx.core.treeRoots(), full.core.treeRoots());
  assert.equal(idx.core.cursorState().diagnostics, full.core.cursorState().diagnostics, 'engine diagnostics counted per op');
});

test('index-only: seeking restores a snapshot and re-reads the file to the same state', () => {
  for (const p of [0, 1, 255, 256, 16_384, 20_001, 33_333, idx.core.opCount - 1, idx.core.opCount]) {
    const a = full.core.seek(p), b = idx.core.seek(p);
    assert.equal(b.position, a.position);
    assert.equal(b.line, a.line, `line at ${p}`);
    assert.equal(b.domain, a.domain, `domain at ${p}`);
    assert.equal(b.diagnosticsSoFar, a.diagnosticsSoFar, `diagnostics so far at ${p}`);
    assert.deepEqual(b.changed, a.changed.length ? a.changed : b.changed.filter(() => false), `changed at ${p}`);
    assert.equal(idx.core.dumpInfo(), full.core.dumpInfo(), `state at ${p}`);
    assert.equal(idx.core.lookupText(1, 0x40010).split('\n').slice(1).join('\n'), full.core.lookupText(1, 0x40010).split('\n').slice(1).join('\n'));
  }
});

test('index-only: stepping back and expanding the row before the cursor use the cursor-local snapshots', () => {
  idx.core.seek(30_000);
  for (const p of [29_999, 29_998, 29_000, 25_905, 30_001]) {
    idx.core.seek(p); full.core.seek(p);
    assert.equal(idx.core.dumpInfo(), full.core.dumpInfo(), `state at ${p}`);
  }
  idx.core.seek(31_000);
  const a = full.core.microOps(30_999).map(r => r.text.replace(/(begin|end) op \d+/, '$1 op N'));
  const b = idx.core.microOps(30_999).map(r => r.text.replace(/(begin|end) op \d+/, '$1 op N'));
  assert.deepEqual(b, a);
});

test('index-only: log pages have the full session labels, lines, kinds, rc and diagnostics', () => {
  const fq = full.core.logQuery({}), iq = idx.core.logQuery({});
  assert.equal(iq.total, fq.total);
  for (const off of [0, 250, 19_990, fq.total - 30]) {
    const a = full.core.logPage(off, 60).rows, b = idx.core.logPage(off, 60).rows;
    assert.equal(b.length, a.length);
    b.forEach((r, k) => {
      const e = a[k];
      assert.deepEqual([r.op, r.kind, r.domain, r.text, r.rc, r.line, r.diagnostics, r.gfnFirst, r.gfnLast],
        [e.op, e.kind, e.domain, e.text, e.rc, e.line, e.diagnostics, e.gfnFirst, e.gfnLast], `row ${r.op}`);
      // Events are not recorded in index-only mode: the row says "unknown", never a false 0.
      assert.equal(r.events, -1, `row ${r.op} events`);
      assert.ok(e.events > 0, `full row ${e.op} events`);
    });
  }
});

test('index-only: filters select the same ops as the full session (kind, domain, GFN range, op range)', () => {
  const filters = [{ kinds: ['lookup'] }, { domain: 2 }, { gfnFirst: '0x40100', gfnLast: '0x40180' }, { opFrom: 100, opTo: 900, kinds: ['mem_access'] }];
  for (const f of filters) {
    const a = full.core.logQuery(f), b = idx.core.logQuery(f);
    assert.equal(b.total, a.total, JSON.stringify(f));
    assert.deepEqual(idx.core.logPage(0, 50).rows.map(r => r.op), full.core.logPage(0, 50).rows.map(r => r.op));
  }
  assert.equal(idx.core.logQuery({ onlyViolations: true }).total, 0, 'no checker in index-only mode');
});

test('index-only: micro-operations recomputed on demand equal the recorded ones', () => {
  idx.core.seek(39_990); // rows after the cursor start from the cursor's state
  for (const op of [0, 5, 300, 16_383, 16_384, 27_777, 39_995, idx.core.opCount - 1]) {
    const a = full.core.microOps(op).map(r => [r.kind, r.depth, r.text, r.phase, r.old, r.new]);
    const b = idx.core.microOps(op).map(r => [r.kind, r.depth, r.text.replace(/begin op \d+/, 'begin op N').replace(/end op \d+/, 'end op N'), r.phase, r.old, r.new]);
    const norm = a.map(x => [x[0], x[1], String(x[2]).replace(/begin op \d+/, 'begin op N').replace(/end op \d+/, 'end op N'), x[3], x[4], x[5]]);
    assert.ok(b.length > 0, `op ${op} has micro-ops`);
    assert.deepEqual(b, norm, `op ${op}`);
  }
});

test('index-only: Replay to Line, exports and what is not available', () => {
  for (const line of [3, 100, 20_000, 40_000]) assert.equal(idx.core.positionForLine(line), full.core.positionForLine(line), `line ${line}`);
  assert.match(idx.exportState('dump').text, /^\(XEN\) /);
  assert.throws(() => idx.exportState('p2mtrace'), /not available in an index-only session/);
  assert.ok(idx.compareStrategies().every(s => !s.available));
  assert.deepEqual(idx.core.plots(10).series, []);
});

test('index-only: the index is typed arrays (~15 B an op) and snapshots are bounded', () => {
  const st = idx.core.stats();
  assert.ok(st.snapshots >= 2 && st.snapshots <= 128, `snapshots ${st.snapshots}`);
  assert.ok(st.indexBytes < 64 << 20, `index ${st.indexBytes}`);
});

test('index-only columns: wide values round-trip through the side maps', () => {
  const c = new OpColumns();
  const rows: Array<[number, number, number, number, number, number]> = [
    [0, 1, 0x40000, 1, 0, 0], [1, 0xffff, 2 ** 39 + 5, 2 ** 36, -85, 300], [2, 70_000, 2 ** 45 + 1, 0, 1, 2],
    [3, 0, NaN, 0, -100_000, 0], [4, 7, 0xfe_0000_0000, 2 ** 32, 0, 0],
  ];
  c.startBlock(0, 1, 1);
  for (const r of rows) c.push(...r);
  rows.forEach(([kind, domain, gfn, nr, rc, diags], i) => {
    assert.equal(c.kindCode(i), kind);
    assert.equal(c.domain(i), domain, `domain ${i}`);
    assert.ok(Object.is(c.gfn(i), gfn) || c.gfn(i) === gfn, `gfn ${i}: ${c.gfn(i)}`);
    assert.equal(c.nr(i), nr, `nr ${i}`);
    assert.equal(c.rc(i), Math.max(-32768, rc), `rc ${i}`);
    assert.equal(c.diags(i), Math.min(255, diags));
  });
  assert.equal(c.gfnRange(3), undefined, 'no GFN, no range');
  assert.equal(c.diagsBefore(5), 257, 'within a block: the per-op column (255 saturated + 2)');
});

test('index-only: checkpoint lines are compared as in the full session (same rc and diagnostics)', () => {
  const f = path.join(dir, 'checkpoints.p2mtrace');
  fs.writeFileSync(f, [
    'p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx',
    'expect gfn=0x40201 mfn=0x300000 t=ram_rw order=0', // holds
    'expect gfn=0x40201 mfn=0x300001 t=ram_rw order=0', // mismatch: rc -1 and a diagnostic
    'expect_stats map1g=0 sh1g=0 map2m=0 sh2m=0 map4k=7', // mismatch
    '',
  ].join('\n'));
  const o = { path: f, snapshotInterval: 16, ipaBits: 40 };
  const a = loadSession(o, () => {}).core.logPage(0, 10).rows;
  const b = loadIndexOnly({ ...o, mode: 'index' }, () => {}).core.logPage(0, 10).rows;
  assert.deepEqual(b.map(r => [r.kind, r.rc, r.diagnostics]), a.map(r => [r.kind, r.rc, r.diagnostics]));
  assert.deepEqual(a.map(r => r.rc), [0, 0, -1, -1]);
  assert.ok(a[2].diagnostics > 0 && a[3].diagnostics > 0);
});
