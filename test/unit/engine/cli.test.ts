// The `p2m` CLI contract: replay --json fields (rc, stats, leafCounts, tlbFlushes,
// tablePages, max/lowest as hex, diagnostics {op,line,kind,message}, leaves), error exit 2
// with `file:line: message`, dump and lookup. In-process through main(), plus one run of
// the bundled program (built from engine/cli.ts exactly as scripts/build.mjs does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { run, tempTraces } from '../helpers/cli';

const { dir, trace } = tempTraces('p2m-cli-');

const G4 = `# G1 then the §6.2 seed remap
config ipa_bits=40 pool_pages=64
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
p2m_set_entry gfn=0x40201 nr=0x1 mfn=0x300000 t=ram_rw a=rwx
`;

test('replay --json: G4 numbers', () => {
  const f = trace('g4.p2mtrace', G4);
  const r = run(['replay', f, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.rc, [0, 0]);
  assert.deepEqual(j.stats, { mappings: [0, 0, 511, 511], shattered: [0, 1, 1, 0] });
  assert.deepEqual(j.leafCounts, [0, 0, 511, 512]);
  assert.equal(j.tlbFlushes, 2);
  assert.deepEqual(j.tablePages, { allocated: 2, freed: 0 });
  assert.equal(j.maxMappedGfn, '0x7ffff');
  assert.equal(j.lowestMappedGfn, '0x40000');
  assert.equal(j.leaves, undefined);
  const drift = j.diagnostics.find((d: { kind: string }) => d.kind === 'sim-stats-drift');
  assert.ok(drift);
  assert.deepEqual([drift.op, drift.line], [1, 4]);
  assert.equal(typeof drift.message, 'string');
});

test('replay --json --leaves: every p2m-valid leaf in GFN order with hex gfn/pte', () => {
  const f = trace('g3b.p2mtrace', 'p2m_set_entry gfn=0x1ff nr=0x201 mfn=0x2001ff t=ram_rw a=rwx\np2m_set_entry gfn=0x400 nr=1 mfn=0x200400 t=ram_ro a=rwx\n');
  const j = JSON.parse(run(['replay', f, '--json', '--leaves']).out);
  assert.deepEqual(j.leaves, [
    { gfn: '0x1ff', level: 3, pte: '0x00800002001ff7ff' },
    { gfn: '0x200', level: 2, pte: '0x00800002002007fd' },
    { gfn: '0x400', level: 3, pte: '0x010000020040077f' },
  ]);
  assert.equal(j.lowestMappedGfn, '0x1ff');
});

test('replay: config line and flags (pool exhaustion, flags override the trace)', () => {
  const f = trace('g11.p2mtrace', 'config ipa_bits=40 pool_pages=2\np2m_set_entry gfn=0x1ff nr=0x402 mfn=0x2001ff t=ram_rw a=rwx\n');
  const j = JSON.parse(run(['replay', f, '--json']).out);
  assert.deepEqual(j.rc, [-2]);
  assert.ok(j.diagnostics.some((d: { kind: string; line: number }) => d.kind === 'rc-error' && d.line === 2));
  const j2 = JSON.parse(run(['replay', f, '--json', '--pool-pages', 'unlimited']).out);
  assert.deepEqual(j2.rc, [0]);
  const g = trace('g9.p2mtrace', 'p2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000 t=ram_rw a=rwx\n');
  const j3 = JSON.parse(run(['replay', g, '--json', '--mem-access']).out);
  assert.deepEqual(j3.stats.mappings, [0, 0, 0, 512]);
  const j4 = JSON.parse(run(['replay', g, '--json', '--ipa-bits', '48']).out);
  assert.deepEqual(j4.tablePages, { allocated: 2, freed: 0 });
});

test('replay on an empty trace: lowest_mapped_gfn prints as ULONG_MAX', () => {
  const f = trace('empty.p2mtrace', '# nothing\n');
  const j = JSON.parse(run(['replay', f, '--json']).out);
  assert.deepEqual(j.rc, []);
  assert.equal(j.maxMappedGfn, '0x0');
  assert.equal(j.lowestMappedGfn, '0xffffffffffffffff');
});

test('errors: unreadable or malformed trace → file:line: message on stderr, exit 2', () => {
  const bad = trace('bad.p2mtrace', 'config ipa_bits=40\np2m_set_entry gfn=zz nr=1 mfn=0x1 t=ram_rw a=rwx\n');
  const r = run(['replay', bad, '--json']);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
  const missing = run(['replay', path.join(dir, 'nope.p2mtrace')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.p2mtrace:0: /);
  assert.equal(run(['replay', bad, '--format', 'bogus']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run([]).code, 2);
});

test('human summary includes the p2m_dump_info text', () => {
  const f = trace('g4b.p2mtrace', G4);
  const r = run(['replay', f]);
  assert.equal(r.code, 0);
  assert.ok(r.out.includes('(XEN) p2m mappings for domain 1 (vmid 1):\n(XEN)   1G mappings: 0 (shattered 1)\n(XEN)   2M mappings: 511 (shattered 1)\n(XEN)   4K mappings: 511\n'));
});

test('dump --at and lookup --at', () => {
  const f = trace('g4c.p2mtrace', G4);
  const d1 = run(['dump', f, '--at', '1']);
  assert.equal(d1.code, 0);
  assert.match(d1.out, /after 1 operations/);
  assert.match(d1.out, /\[001\] gfn 0x40000 0x00800001000007fd 1G block mfn 0x100000/);
  const d2 = run(['dump', f]);
  assert.match(d2.out, /table 0x80011 L3: 512 entries/);
  assert.match(d2.out, /gfn 0x40201-0x40201 → mfn 0x300000 ram_rw rwx 4K/);
  const l = run(['lookup', f, '0x40201']);
  assert.equal(l.code, 0);
  assert.match(l.out, /L3 table 0x80011\[1\] = 0x00800003000007ff/);
  assert.match(l.out, /3RD\[0x001\] = 0x800003000007ff/);
  const l1 = run(['lookup', f, '0x40201', '--at', '1']);
  assert.match(l1.out, /p2m_get_entry: mfn 0x100201 type ram_rw access rwx order 18 valid true/);
});

test('the bundled program (node cli.js) speaks the same contract', async () => {
  const esbuild = await import('esbuild');
  const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../../..');
  const out = path.join(dir, 'cli.js');
  await esbuild.build({ entryPoints: [path.join(root, 'engine/cli.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const f = trace('g4d.p2mtrace', G4);
  const r = spawnSync(process.execPath, [out, 'replay', f, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).rc, [0, 0]);
  const bad = spawnSync(process.execPath, [out, 'replay', path.join(dir, 'missing')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /missing:0: /);
});
