// Pure helpers of the language server: size formatting, "did you mean" ranking, the line
// lexer's spans (with a pasted console prefix), and the descriptor decode used by hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPages, hex, parseNumber } from '../../../extension/server/format';
import { closest } from '../../../extension/server/vocabulary';
import { lexLine } from '../../../extension/server/line-lexer';
import { describeDescriptor } from '../../../extension/server/describe';
import { leaf, tableEntry } from '../../../engine/arch/descriptor';

test('sizes of page counts', () => {
  assert.equal(formatPages(0x40000), '1 GiB');
  assert.equal(formatPages(0x200), '2 MiB');
  assert.equal(formatPages(1), '4 KiB');
  assert.equal(formatPages(0x202), '2.01 MiB');
  assert.equal(hex(-1), '0xffffffffffffffff');
  assert.equal(parseNumber('0x10'), 16);
  assert.equal(parseNumber('12'), 12);
  assert.equal(parseNumber('0xzz'), undefined);
});

test('closest candidates rank typos first and drop unrelated words', () => {
  assert.deepEqual(closest('p2m_set_entyr', ['p2m_set_entry', '__p2m_set_entry', 'expect']).slice(0, 1), ['p2m_set_entry']);
  assert.deepEqual(closest('ram_rx', ['ram_rw', 'ram_ro', 'mmio_direct_dev']), ['ram_rw', 'ram_ro']);
  assert.deepEqual(closest('zzzz', ['gfn', 'nr']), []);
});

test('line lexer: console prefix, directive, key/value spans and comment', () => {
  const line = '(XEN) [  12.345678] p2m_set_entry gfn=0x10 nr=1 # hi';
  const lx = lexLine(line);
  assert.equal(line.slice(0, lx.prefixEnd), '(XEN) [  12.345678] ');
  assert.equal(lx.directive?.text, 'p2m_set_entry');
  assert.deepEqual(lx.args.map(a => [a.key?.text, a.value?.text, line.slice(a.start, a.end)]), [['gfn', '0x10', 'gfn=0x10'], ['nr', '1', 'nr=1']]);
  assert.equal(lx.comment?.text, '# hi');
});

test('descriptor decode names kind, output frame, type and rights', () => {
  assert.match(describeDescriptor(leaf(0x300000, 1, 7, 3), 3), /^4K page → mfn 0x300000 · ram_rw · rwx/);
  assert.match(describeDescriptor(leaf(0x100000, 1, 7, 1), 1), /^1G block → mfn 0x100000/);
  assert.match(describeDescriptor(tableEntry(0x80010), 1), /^table → mfn 0x80010/);
  assert.match(describeDescriptor(leaf(0x9000, 3, 7, 3), 3), /mmio_direct_dev · rw- · Device-nGnRE/);
  assert.equal(describeDescriptor(0n), 'empty (0)');
});
