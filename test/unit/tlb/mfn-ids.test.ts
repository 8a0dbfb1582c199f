// MfnIds (the table mirror's MFN → id index) against a Map on random and adversarial keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MfnIds } from '../../../engine/tlb/mfn-ids';

test('MfnIds agrees with a Map for hits, misses and overwrites', () => {
  const ids = new MfnIds(), ref = new Map<number, number>();
  let s = 99;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const key = (r: number) => [r % 4096, 0x80010 + (r % 50000), r * 4096 + 2 ** 33, (r % 7) * 2 ** 40 + 1, 2 ** 52 - 1 - (r % 3)][r % 5];
  for (let i = 0; i < 60_000; i++) {
    const k = key(next());
    const v = i;
    ids.set(k, v); ref.set(k, v);
    const probe = key(next());
    assert.equal(ids.get(probe), ref.get(probe) ?? -1);
  }
  assert.equal(ids.size, ref.size);
  for (const [k, v] of ref) assert.equal(ids.get(k), v);
  assert.equal(ids.get(123456789), ref.get(123456789) ?? -1);
});
