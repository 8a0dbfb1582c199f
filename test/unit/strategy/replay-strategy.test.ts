// `p2m replay --strategy` and `config strategy=`: the same trace replayed by each algorithm,
// the flag winning over the config line, and bad names rejected (exit 2) or reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, tempTraces } from '../helpers/cli';
import { createP2m, strategyOf } from '../../../engine/strategy/create-p2m';
import { parseStrategy, parseStrategyList } from '../../../engine/strategy/registry';

const { trace } = tempTraces('p2m-replay-strategy-');
const SEED = 'config ipa_bits=40 pool_pages=64\n'
  + 'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx\n'
  + 'p2m_set_entry gfn=0x40201 nr=0x1 mfn=0x300000 t=ram_rw a=rwx\n';

test('replay --strategy: each algorithm on the seed trace', () => {
  const f = trace('seed.p2mtrace', SEED);
  const j = (s: string) => { const r = run(['replay', f, '--strategy', s, '--json']); assert.equal(r.code, 0, r.err); return JSON.parse(r.out); };
  const up = j('upstream'), x48 = j('xen-4.8'), leg = j('legacy');
  assert.deepEqual([up.strategy, x48.strategy, leg.strategy], ['upstream', 'xen-4.8', 'legacy']);
  assert.deepEqual([up.tlbFlushes, x48.tlbFlushes, leg.tlbFlushes], [2, 2, 1]);
  assert.equal(leg.flushesByCause['legacy-end'], 1);
  assert.deepEqual(up.stats.mappings, [0, 0, 511, 511]);
  assert.deepEqual(leg.stats.mappings, [0, 0, 511, 512]);
  assert.deepEqual([up.maxMappedGfn, x48.maxMappedGfn, leg.maxMappedGfn], ['0x7ffff', '0x80000', '0x80000']);
  assert.match(run(['replay', f, '--strategy', 'legacy']).out, /strategy: legacy/);
});

test('config strategy= selects the algorithm; --strategy wins; bad names', () => {
  const f = trace('cfg.p2mtrace', SEED.replace('pool_pages=64', 'pool_pages=64 strategy=legacy'));
  const r = run(['replay', f, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).strategy, 'legacy');
  assert.equal(JSON.parse(run(['replay', f, '--strategy', 'upstream', '--json']).out).strategy, 'upstream');
  const bad = run(['replay', f, '--strategy', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--strategy expects upstream\|xen-4.8\|legacy/);
  const unknown = trace('unk.p2mtrace', SEED.replace('pool_pages=64', 'pool_pages=64 strategy=frobnicate'));
  const u = run(['replay', unknown, '--json']);
  assert.equal(u.code, 0, u.err);
  const uj = JSON.parse(u.out);
  assert.equal(uj.strategy, 'upstream');
  assert.ok(uj.diagnostics.some((d: { message: string }) => /unknown strategy 'frobnicate'/.test(d.message)));
});

test('registry and factory', () => {
  assert.equal(parseStrategy('xen48'), 'xen-4.8');
  assert.equal(parseStrategy('LEGACY'), 'legacy');
  assert.equal(parseStrategy('nope'), undefined);
  assert.deepEqual(parseStrategyList('legacy, upstream,legacy,x'), { strategies: ['legacy', 'upstream'], unknown: ['x'] });
  for (const s of ['upstream', 'xen-4.8', 'legacy'] as const) {
    const p = createP2m({ strategy: s });
    assert.equal(strategyOf(p), s);
    assert.equal(p.config.strategy, s);
  }
});
