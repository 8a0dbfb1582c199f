// Exports write atomically (temp file + rename): a failing write leaves the old file intact
// and no temporary file behind; a successful one replaces the content in one step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../engine/util/atomic-write';

const dirOf = () => fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-atomic-'));

test('replaces the file and leaves no temporary behind', () => {
  const d = dirOf();
  const f = path.join(d, 'state.json');
  fs.writeFileSync(f, 'old');
  writeFileAtomic(f, '{"new":true}\n');
  assert.equal(fs.readFileSync(f, 'utf8'), '{"new":true}\n');
  assert.deepEqual(fs.readdirSync(d), ['state.json']);
  writeFileAtomic(path.join(d, 'bin.xentrace'), new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(path.join(d, 'bin.xentrace'))], [1, 2, 3]);
});

test('a failed write keeps the old content and cleans up', () => {
  const d = dirOf();
  const f = path.join(d, 'state.json');
  fs.writeFileSync(f, 'old');
  // A directory where the target should be: the rename fails after the temp file was written.
  const blocked = path.join(d, 'dir-target');
  fs.mkdirSync(blocked);
  fs.writeFileSync(path.join(blocked, 'x'), 'keep');
  assert.throws(() => writeFileAtomic(blocked, 'new'));
  assert.equal(fs.readFileSync(path.join(blocked, 'x'), 'utf8'), 'keep');
  assert.deepEqual(fs.readdirSync(d).sort(), ['dir-target', 'state.json'], 'no temporary file left');
  // Unwritable data (not a string/bytes) fails before the rename: the old file is untouched.
  assert.throws(() => writeFileAtomic(f, 42 as unknown as string));
  assert.equal(fs.readFileSync(f, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(d).sort(), ['dir-target', 'state.json']);
});
