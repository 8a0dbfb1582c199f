// replayRecords (trace-loader.ts): the session replays from the RecordStore without
// materialising the columnar records that never become operations, and gets the same machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordStore } from '../../../engine/trace/record-store';
import { createMachine } from '../../../extension/session/machine-factory';
import { replayRecords } from '../../../extension/session/trace-loader';

function mixedStore(): RecordStore {
  const s = new RecordStore('mixed.trace');
  const words = new DataView(new Uint32Array([1, 2, 3]).buffer);
  s.push({ kind: 'config', ipaBits: 40, loc: { source: 'mixed.trace', line: 1, column: 1, byteOffset: 0 } });
  for (let i = 0; i < 6; i++) {
    s.pushOpaque(0x1234, words, 0, 3, 0, 10 + i * 40, false, 0, 0);
    s.pushSetAtOrder(1, 0x1000 + i * 512, 9, 0x80000 + i * 512, 0, -1, 0, 20 + i * 40, false, 0, 0);
    s.pushOtherMem(0, 1, 0x2000 + i, 0x9000 + i, 0, 0, 30 + i * 40, false, 0, 0);
  }
  return s;
}

test('replayRecords drops opaque and other-memory records, keeps the rest in order', () => {
  const store = mixedStore();
  const r = replayRecords(store);
  assert.equal(store.length, 19);
  assert.deepEqual(r.map(x => x.kind), ['config', ...Array<string>(6).fill('setAtOrder')]);
  assert.deepEqual(r.slice(1).map(x => x.loc.byteOffset), [20, 60, 100, 140, 180, 220]);
});

test('the machine built from replayRecords has the ops and domains of one built from every record', () => {
  const store = mixedStore();
  const all = createMachine([...store], {}).machine;
  const some = createMachine(replayRecords(store), {}).machine;
  assert.equal(some.ops.length, all.ops.length);
  assert.ok(all.ops.length > 0);
  assert.deepEqual(some.ops.map(o => o.loc.byteOffset), all.ops.map(o => o.loc.byteOffset));
  assert.deepEqual([...some.domains], [...all.domains]);
});
