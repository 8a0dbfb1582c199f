// `new P2m` runs the upstream algorithm only: naming a 2016 strategy in its config must fail
// loudly (it once replayed upstream silently), while createP2m builds every strategy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { createP2m, strategyOf } from '../../../engine/strategy/create-p2m';

test('create-p2m: new P2m refuses a non-upstream strategy; createP2m builds each one', () => {
  for (const s of ['legacy', 'xen-4.8'] as const) {
    assert.throws(() => new P2m({ strategy: s }), new RegExp(`'${s}' p2m with createP2m`));
    assert.equal(strategyOf(createP2m({ strategy: s })), s);
  }
  assert.equal(strategyOf(new P2m({ strategy: 'upstream' })), 'upstream');
  assert.equal(strategyOf(createP2m({})), 'upstream');
});
