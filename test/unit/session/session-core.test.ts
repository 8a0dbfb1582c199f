// The trace session's worker side on the bundled samples, through the real engine: loading,
// tree at the cursor before/after the seed remap, log filtering and paging, micro-ops with
// BBM phases, plots, exports, violations, and line → position mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSession, type LoadedSession } from '../../../extension/session/trace-loader';
import type { TreeNodeModel } from '../../../extension/views/tree-model';

const root = process.env.P2M_ROOT ?? process.cwd();
const sample = (f: string) => path.join(root, 'samples', f);

function load(f: string): LoadedSession {
  const phases = new Set<string>();
  const s = loadSession({ path: sample(f), snapshotInterval: 1 }, p => phases.add(p.phase));
  assert.ok(phases.has('read') && phases.has('parse'), `progress phases: ${[...phases]}`);
  return s;
}

function labels(core: LoadedSession['core'], n: TreeNodeModel): string[] {
  return core.treeChildren(n.key).map(c => c.label);
}

test('seed sample: loads, the tree follows the cursor', () => {
  const s = load('seed-4k-remap-in-1g.p2mtrace');
  const { core } = s;
  const setEntries = core.timeline.ops.filter(o => o.kind === 'set_entry').length;
  assert.equal(setEntries, 2);
  assert.deepEqual(s.summary.domains, [1]);
  // At the end: the G4 layout (§9): 1G split to 2M blocks, one 2M split to 4K pages.
  core.seek(core.opCount);
  const path4k = core.treePath(1, 0x40201);
  assert.deepEqual(path4k.map(n => n.key.kind), ['domain', 'root', 'table', 'table', 'leaf']);
  assert.equal(path4k[4].label, '0x40201: 4K ram_rw, MFN 0x300000');
  const l2 = labels(core, path4k[2]);
  assert.equal(l2.length, 3);
  assert.match(l2[2], /^0x40400–0x7ffff: 510 × 2M ram_rw, MFN 0x100400\+$/);
  // Before the remap (after op 1): a single 1G block under root entry 1.
  const firstSet = core.timeline.ops.findIndex(o => o.kind === 'set_entry');
  core.seek(firstSet + 1);
  const p1 = core.treePath(1, 0x40201);
  assert.deepEqual(p1.map(n => n.key.kind), ['domain', 'root', 'leaf']);
  assert.equal(p1[2].label, '0x40000–0x7ffff: 1G ram_rw, MFN 0x100000');
  // The cursor state reports what the last op changed.
  const c = core.seek(firstSet + 1);
  assert.ok(c.changed.some(r => Number(r.gfnFirst) <= 0x40000 && Number(r.gfnLast) >= 0x7ffff), JSON.stringify(c.changed));
  // Going back to 0 empties the tree.
  core.seek(0);
  assert.equal(core.treePath(1, 0x40201).length, 2, 'domain and root only');
});

test('seed sample: log rows, micro-ops with BBM phases, filters', () => {
  const { core } = load('seed-4k-remap-in-1g.p2mtrace');
  const all = core.logQuery({});
  assert.equal(all.total, core.opCount);
  const page = core.logPage(0, 200);
  assert.equal(page.rows.length, core.opCount);
  const remap = page.rows.find(r => r.text.includes('0x40201') && r.kind === 'set_entry');
  assert.ok(remap, 'the remap row');
  assert.equal(remap.flushes, 2, 'two forced flushes (bbm-split, bbm-replace)');
  assert.equal(remap.phase, 'break');
  const micro = core.microOps(remap.op);
  const phases = micro.map(m => m.phase).filter(p => p !== 'none' && p !== 'prepare');
  // Break, flush, make for the split, then break, flush, make for the replace (§6.2 order).
  assert.deepEqual(phases.slice(0, 3), ['break', 'flush', 'make']);
  assert.ok(micro.some(m => m.kind === 'pteWrite' && m.old === '0x00800001000007fd' && m.new === '0x0000000000000000'));
  assert.ok(micro.some(m => m.kind === 'tlbFlush' && m.text.includes('bbm-split')));
  // Filters: kind, GFN range, text, violations-only, brush.
  assert.equal(core.logQuery({ kinds: ['set_entry'] }).total, 2);
  assert.equal(core.logQuery({ kinds: ['set_entry'], gfnFirst: '0x40201', gfnLast: '0x40201' }).total, 2);
  assert.equal(core.logQuery({ kinds: ['set_entry'], gfnFirst: '0x80000', gfnLast: '0x90000' }).total, 0);
  assert.equal(core.logQuery({ text: '0x300000' }).total, 1);
  assert.equal(core.logQuery({ onlyViolations: true }).total, 0);
  assert.equal(core.logQuery({ opFrom: 0, opTo: remap.op - 1, kinds: ['set_entry'] }).total, 1);
  // Show in Trace Log: ops whose live writes touched GFN 0x40201.
  const touched = core.logQuery({ touched: { domain: 1, gfnFirst: '0x40201', gfnLast: '0x40201' } });
  assert.equal(touched.total, 2);
});

test('seed sample: plots, dump info and exports at the cursor', () => {
  const s = load('seed-4k-remap-in-1g.p2mtrace');
  const { core } = s;
  core.seek(core.opCount);
  const plots = core.plots(10);
  assert.equal(plots.opCount, core.opCount);
  const last = (id: string) => plots.series.find(x => x.id === id)?.values.at(-1);
  assert.equal(last('xen4K'), 511, 'Xen counter drifts by -1 (G4)');
  assert.equal(last('true4K'), 512);
  assert.equal(last('xen2M'), 511);
  assert.equal(last('tablePages'), 2);
  assert.equal(plots.series.find(x => x.id === 'flushes')?.values.reduce((a, b) => a + b, 0), 2);
  const dump = s.exportState('dump').text;
  assert.equal(dump, [
    '(XEN) p2m mappings for domain 1 (vmid 1):',
    '(XEN)   1G mappings: 0 (shattered 1)',
    '(XEN)   2M mappings: 511 (shattered 1)',
    '(XEN)   4K mappings: 511', ''].join('\n'));
  const json = JSON.parse(s.exportState('json').text);
  assert.equal(json.position, core.opCount);
  assert.deepEqual(json.domains[0].trueCounts.slice(1), [0, 511, 512]);
  const firstSet = core.timeline.ops.findIndex(o => o.kind === 'set_entry');
  core.seek(firstSet + 1);
  const cut = s.exportState('p2mtrace').text;
  assert.match(cut, /p2m_set_entry gfn=0x40000 nr=0x40000/);
  assert.doesNotMatch(cut, /0x40201/);
  // The file's own lines (comments and config as written), through the last applied op's line.
  const fileLines = fs.readFileSync(sample('seed-4k-remap-in-1g.p2mtrace'), 'utf8').split('\n');
  assert.equal(cut, fileLines.slice(0, core.machine.ops[firstSet].loc.line).join('\n') + '\n');
  core.seek(0);
  assert.equal(s.exportState('p2mtrace').text, fileLines.slice(0, core.machine.ops[0].loc.line - 1).join('\n') + '\n');
  core.seek(firstSet + 1);
  assert.equal(core.positionForLine(10), firstSet + 2);
  assert.equal(core.positionForLine(1), 0);
});

test('BBM violation sample: violations are counted, highlighted and filterable', () => {
  const s = load('bbm-violation-writes.p2mtrace');
  assert.ok(s.summary.violations >= 2, `violations: ${s.summary.violations}`);
  const v = s.core.logQuery({ onlyViolations: true });
  assert.ok(v.total >= 2);
  const rows = s.core.logPage(0, 10).rows;
  assert.ok(rows.every(r => r.violations > 0 && r.phase === 'violation'));
  const c = s.core.seek(s.core.opCount);
  assert.equal(c.violationsSoFar, c.violations);
  assert.equal(s.core.seek(0).violationsSoFar, 0);
});

test('regions at the cursor coalesce across table pages', () => {
  const { core } = load('seed-4k-remap-in-1g.p2mtrace');
  core.seek(core.opCount);
  const r = core.regions(undefined, {}, 100).rows;
  // 0x40000–0x401ff 2M; 0x40200 4K; 0x40201 4K @0x300000; 0x40202–0x403ff 4K; 0x40400–0x7ffff 2M.
  assert.deepEqual(r.map(x => `${x.gfnFirst}-${x.gfnLast}@${x.mfnFirst}/${x.level}`), [
    '0x40000-0x401ff@0x100000/2', '0x40200-0x40200@0x100200/3', '0x40201-0x40201@0x300000/3',
    '0x40202-0x403ff@0x100202/3', '0x40400-0x7ffff@0x100400/2',
  ]);
  assert.equal(core.regions(undefined, { text: '0x300000' }, 100).rows.length, 1);
  assert.equal(core.regions(undefined, { types: ['mmio_direct_dev'] }, 100).rows.length, 0);
});

test('strategy comparison lists upstream and marks missing strategies', () => {
  const s = load('seed-4k-remap-in-1g.p2mtrace');
  const r = s.compareStrategies();
  const up = r.find(x => x.strategy === 'upstream');
  assert.ok(up?.available);
  assert.equal(up.tlbFlushes, 2);
  assert.equal(up.violations, 0);
  for (const x of r) assert.ok(x.available || (x.note ?? '').length > 0);
  // §6.2: the legacy algorithm flushes once and overwrites 3 valid live entries in place.
  const legacy = r.find(x => x.strategy === 'legacy');
  if (legacy?.available) {
    assert.equal(legacy.tlbFlushes, 1);
    assert.equal(legacy.violations, 3);
  }
});

test('write-trace rows show the statement and are searchable', () => {
  const s = load('bbm-violation-writes.p2mtrace');
  s.core.logQuery({});
  const rows = s.core.logPage(0, 5).rows;
  assert.match(rows[0].text, /^write_pte table=0x40000 index=0 level=1 /);
  assert.ok(s.core.logQuery({ text: 'table=0x80011' }).total >= 3);
  const v = s.core.logQuery({ onlyViolations: true });
  const micro = s.core.microOps(s.core.logPage(0, 1).rows[0].op);
  assert.ok(v.total >= 2 && micro.some(m => m.phase === 'violation' && /bbm-valid-change/.test(m.text)));
});

test('export .p2mtrace up to here: a file changed since the load is not copied (records are written instead)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-export-src-'));
  try {
    const file = path.join(dir, 'copy.p2mtrace');
    fs.copyFileSync(sample('seed-4k-remap-in-1g.p2mtrace'), file);
    const s = loadSession({ path: file, snapshotInterval: 1 }, () => {});
    const asWritten = s.exportState('p2mtrace').text;
    assert.equal(asWritten, fs.readFileSync(file, 'utf8').split('\n').slice(0, s.core.machine.ops.at(-1)!.loc.line).join('\n') + '\n');
    fs.appendFileSync(file, '# edited after the load\np2m_set_entry gfn=0x1 nr=1 mfn=0x2 t=ram_rw a=rwx\n');
    const rewritten = s.exportState('p2mtrace').text;
    assert.match(rewritten, /exported at op/);
    assert.doesNotMatch(rewritten, /edited after the load|gfn=0x1 /);
    assert.match(rewritten, /p2m_set_entry gfn=0x40000/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
