// Descriptor codec: reference encodings of §1.4, every field round-trips, u32-pair helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baseOf, decode, encode, hiOf, isMapping, isSuperpage, isTable, leaf, loOf, p2mValid, hwValid, tableEntry, toBig,
} from '../../../engine/arch/descriptor';

test('reference encodings per type (L3 page, rwx, base 0)', () => {
  const expected = [0n, 0x0080_0000_0000_07ffn, 0x0100_0000_0000_077fn, 0x01c0_0000_0000_06c7n, 0x0240_0000_0000_06d7n,
    0x02c0_0000_0000_06ffn, 0x0340_0000_0000_07ffn, 0x03c0_0000_0000_077fn, 0x0440_0000_0000_07ffn, 0x04c0_0000_0000_077fn,
    0x0540_0000_0000_07ffn, 0x05c0_0000_0000_077fn];
  for (let t = 1; t <= 11; t++) {
    assert.equal(leaf(0, t, 7, 3), expected[t], `type ${t}`);
    assert.equal(leaf(0, t, 7, 2), expected[t] - 2n, `type ${t} block`);
  }
  assert.equal(leaf(0x100000, 1, 7, 1), 0x0080_0001_0000_07fdn);
  assert.equal(leaf(0x200005, 1, 1, 3), 0x00c0_0002_0000_577fn);
  assert.equal(tableEntry(0x80010), 0x0080_0000_8001_07ffn);
});

test('access restriction table (§3.3) on ram_rw', () => {
  const f = (a: number) => { const d = decode(leaf(0, 1, a, 3)); return `${d.read ? 'r' : '-'}${d.write ? 'w' : '-'}${d.xn ? '-' : 'x'}`; };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(f), ['---', 'r--', '-w-', 'rw-', '--x', 'r-x', '-wx', 'rwx', 'r-x', '---', 'r--']);
});

test('decode/encode round-trip of random 64-bit values, every field', () => {
  let x = 0x1234_5678_9abc_def0n;
  for (let i = 0; i < 5000; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
    assert.equal(encode(decode(x)), x);
    assert.equal(toBig(loOf(x), hiOf(x)), x);
    assert.equal(baseOf(loOf(x), hiOf(x)), Number((x >> 12n) & 0xf_ffff_ffffn));
  }
});

test('predicates: table/mapping/superpage per level, the two valids', () => {
  const t = tableEntry(0x80010);
  assert.ok(isTable(t, 1) && !isTable(t, 3) && isMapping(t, 3) && !isSuperpage(t, 2));
  const b = leaf(0x200, 1, 7, 2);
  assert.ok(isSuperpage(b, 2) && isMapping(b, 2) && !isTable(b, 2));
  assert.ok(p2mValid(b) && hwValid(b));
  assert.ok(p2mValid(b & ~1n) && !hwValid(b & ~1n));
  assert.ok(!p2mValid(1n) && hwValid(1n));
});
