// `p2m compare`: the --json contract on the bundled seed sample (§6.2 numbers), translation
// differences (pool exhaustion: upstream keeps a partial mapping, legacy rolls back), the text
// output, the UI row shape, bad input, and one run of the bundled program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { run, tempTraces } from '../helpers/cli';
import { compareRecords, compareRows } from '../../../engine/compare/compare';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';

const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../../..');
const SEED = path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace');
const { dir, trace } = tempTraces('p2m-compare-');

test('compare --json on the seed sample: the §6.2 numbers and the contract shape', () => {
  const r = run(['compare', SEED, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j).sort(), ['firstDifference', 'sameTranslation', 'strategies']);
  assert.deepEqual(Object.keys(j.strategies), ['upstream', 'xen-4.8', 'legacy']);
  for (const s of Object.values(j.strategies) as Record<string, unknown>[]) {
    for (const k of ['tlbFlushes', 'bbmViolations', 'livePteWrites', 'freshPteWrites']) assert.equal(typeof s[k], 'number', k);
    assert.deepEqual(Object.keys(s.tablePages as object).sort(), ['allocated', 'freed']);
    assert.ok(Array.isArray((s.stats as { mappings: unknown }).mappings));
    assert.equal((s.leafCounts as number[]).length, 4);
    assert.equal(typeof s.flushesByCause, 'object');
  }
  const { legacy, upstream } = j.strategies;
  assert.equal(legacy.tlbFlushes, 1);
  assert.equal(legacy.flushesByCause['legacy-end'], 1);
  assert.equal(legacy.bbmViolations, 3);
  assert.equal(legacy.inPlaceValidWrites, 3);
  assert.equal(upstream.tlbFlushes, 2);
  assert.deepEqual([upstream.flushesByCause['bbm-split'], upstream.flushesByCause['bbm-replace']], [1, 1]);
  assert.equal(upstream.bbmViolations, 0);
  // The whole trace includes G1's store into the root; the remap alone is the §6.2 column.
  assert.deepEqual([legacy.lastOp.livePteWrites, legacy.lastOp.freshPteWrites], [3, 1024]);
  assert.deepEqual([upstream.lastOp.livePteWrites, upstream.lastOp.freshPteWrites], [4, 1025]);
  assert.deepEqual([legacy.livePteWrites, upstream.livePteWrites], [4, 5]);
  assert.deepEqual(legacy.tablePages, { allocated: 2, freed: 0 });
  assert.deepEqual(upstream.tablePages, { allocated: 2, freed: 0 });
  assert.deepEqual(upstream.stats, { mappings: [0, 0, 511, 511], shattered: [0, 1, 1, 0] });
  assert.deepEqual(legacy.stats, { mappings: [0, 0, 511, 512], shattered: [0, 1, 1, 0] });
  assert.deepEqual(upstream.leafCounts, [0, 0, 511, 512]);
  assert.deepEqual(legacy.leafCounts, [0, 0, 511, 512]);
  assert.equal(j.sameTranslation, true);
  assert.equal(j.firstDifference, null);
});

test('compare: --strategies selects and orders; unknown names exit 2', () => {
  const r = run(['compare', SEED, '--strategies', 'legacy,upstream', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(Object.keys(JSON.parse(r.out).strategies), ['legacy', 'upstream']);
  const bad = run(['compare', SEED, '--strategies', 'legacy,nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown strategy 'nope'/);
  const missing = run(['compare', path.join(dir, 'missing.p2mtrace')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /missing\.p2mtrace:0: /);
});

test('compare --feat-bbm 2: the in-place shatters become legal, the in-place remap stays a violation', () => {
  const r = run(['compare', SEED, '--strategies', 'legacy', '--feat-bbm', '2', '--json']);
  assert.equal(r.code, 0, r.err);
  const legacy = JSON.parse(r.out).strategies.legacy;
  assert.equal(legacy.bbmViolations, 1);
  assert.equal(legacy.inPlaceValidWrites, 3);
  assert.equal(run(['compare', SEED, '--feat-bbm', '3']).code, 2);
});

test('compare: several domains, each with its own checker and translation', () => {
  const f = trace('two.p2mtrace', [
    'config ipa_bits=40',
    'domain d=1', 'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx',
    'domain d=2', 'p2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000 t=ram_rw a=rwx',
    'p2m_set_entry d=2 gfn=0x205 nr=1 mfn=0x9999 t=ram_rw a=rwx',
    'p2m_set_entry d=1 gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx', '',
  ].join('\n'));
  const r = run(['compare', f, '--strategies', 'upstream,legacy', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  // Domain 2's remap inside a 2M block: one shatter + one remap more for legacy, one split + replace upstream.
  assert.equal(j.strategies.legacy.bbmViolations, 3 + 2);
  assert.equal(j.strategies.legacy.tlbFlushes, 2);
  assert.equal(j.strategies.upstream.tlbFlushes, 2 + 2);
  assert.equal(j.strategies.upstream.bbmViolations, 0);
  assert.equal(j.sameTranslation, true);
});

test('compare: a partial upstream mapping vs the legacy rollback is the first difference', () => {
  // G11 (pool of 2): upstream fails with -ENOENT after mapping GFN 0x1ff; legacy undoes it.
  const f = trace('g11.p2mtrace', 'config ipa_bits=40 pool_pages=2\np2m_set_entry gfn=0x1ff nr=0x402 mfn=0x2001ff t=ram_rw a=rwx\n');
  const r = run(['compare', f, '--strategies', 'upstream,legacy', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.sameTranslation, false);
  assert.equal(j.firstDifference.domain, 1);
  assert.equal(j.firstDifference.gfn, '0x1ff');
  assert.deepEqual(j.firstDifference.translations.upstream, { mfn: '0x2001ff', type: 'ram_rw', perms: 'rwx', mattr: 15, sh: 3 });
  assert.equal(j.firstDifference.translations.legacy, null);
  assert.equal(j.strategies.upstream.failedCalls, 1);
  assert.equal(j.strategies.legacy.failedCalls, 1);
  const text = run(['compare', f, '--strategies', 'upstream,legacy']);
  assert.match(text.out, /final translation differs: first at domain 1 GFN 0x1ff/);
  assert.match(text.out, /legacy: not mapped/);
});

test('compare reads every trace format (binary xentrace sample)', () => {
  const r = run(['compare', path.join(root, 'samples/dom0-boot.xentrace'), '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.strategies.upstream.bbmViolations, 0);
  assert.ok(j.strategies.legacy.bbmViolations > 0);
  assert.ok(j.strategies.legacy.tlbFlushes < j.strategies.upstream.tlbFlushes);
  assert.equal(j.sameTranslation, true);
});

test('compare text output lists every measure per strategy', () => {
  const r = run(['compare', SEED]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /TLB flushes +2 +2 +1/);
  assert.match(r.out, /BBM violations +0 +0 +3/);
  assert.match(r.out, /live PTE writes +4 +4 +3/);
  assert.match(r.out, /final translation \(GFN -> MFN, type, permissions\): identical/);
});

test('compareRows: the UI comparison table shape (extension/session/view-data StrategyResult)', () => {
  const parsed = parseP2mTrace(readFileSync(SEED, 'utf8'), SEED);
  const rows = compareRows(parsed.records, ['upstream', 'xen-4.8', 'legacy']);
  assert.deepEqual(rows.map(r => [r.strategy, r.available, r.tlbFlushes, r.violations, r.tableAllocs, r.tableFrees, r.stats]), [
    ['upstream', true, 2, 0, 2, 0, '0/511/511'],
    ['xen-4.8', true, 2, 0, 2, 0, '0/511/511'],
    ['legacy', true, 1, 3, 2, 0, '0/511/512'],
  ]);
  const res = compareRecords(parsed.records, ['upstream']);
  assert.equal(res.json.sameTranslation, true, 'one strategy compares equal to itself');
});

test('compare: the bundled program prints the same JSON', async () => {
  const esbuild = await import('esbuild');
  const out = path.join(dir, 'cli.js');
  await esbuild.build({ entryPoints: [path.join(root, 'engine/cli.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const r = spawnSync(process.execPath, [out, 'compare', SEED, '--strategies', 'legacy,upstream', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.strategies.legacy.tlbFlushes, j.strategies.legacy.bbmViolations], [1, 3]);
  assert.deepEqual([j.strategies.upstream.tlbFlushes, j.strategies.upstream.bbmViolations], [2, 0]);
});
