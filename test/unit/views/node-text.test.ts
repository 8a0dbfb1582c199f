// Text forms used by the tree commands: dump_p2m_lookup lines and "Go to GFN" input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpLine, parseGfnInput } from '../../../extension/views/node-text';

test('dump line of an entry, as dump_p2m_lookup prints it (§5.13 example)', () => {
  assert.equal(dumpLine({ descriptor: '0x800003000007ff', level: 3, gfnFirst: '0x40201' }), '3RD[0x001] = 0x800003000007ff');
  assert.equal(dumpLine({ descriptor: '0x800000800107ff', level: 1, gfnFirst: '0x40000' }), '1ST[0x001] = 0x800000800107ff');
  assert.equal(dumpLine({ descriptor: '0x800000800117ff', level: 2, gfnFirst: '0x40200' }), '2ND[0x001] = 0x800000800117ff');
  // Root page 1 of a 40-bit IPA: the index is within the page (masked to 9 bits).
  assert.equal(dumpLine({ descriptor: '0x1', level: 1, gfnFirst: '0x8040000' }), '1ST[0x001] = 0x1');
  assert.equal(dumpLine({ level: 3, gfnFirst: '0x0' }), undefined);
});

test('Go to GFN input', () => {
  assert.deepEqual(parseGfnInput('0x40201', 1), { domain: 1, gfn: 0x40201 });
  assert.deepEqual(parseGfnInput(' d2 0x40201 ', 1), { domain: 2, gfn: 0x40201 });
  assert.deepEqual(parseGfnInput('3:0x10', 1), { domain: 3, gfn: 0x10 });
  assert.deepEqual(parseGfnInput('gfn=0x10', 7), { domain: 7, gfn: 0x10 });
  assert.deepEqual(parseGfnInput('4096', 1), { domain: 1, gfn: 4096 });
  assert.equal(parseGfnInput('zz', 1), undefined);
  assert.equal(parseGfnInput('0xffffffffffffffff', 1), undefined, 'beyond 2^53 is not a valid GFN here');
});
