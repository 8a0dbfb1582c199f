// OpTable (engine/replay/op-table.ts): the engine machine's ops as columns over a RecordStore.
// A machine built from a reader's store, one built from records in memory, and the records
// themselves must agree on every op (kind, domain, loc, args, label, GFN range) and on the
// replay (same events and state), for text, binary and mixed traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import { opKindOf, packRecords, tableOf } from '../../../engine/replay/op-table';
import { readTrace } from '../../../engine/trace/index';
import { K_OBJECT, K_SET_ENTRY } from '../../../engine/trace/record-store';
import type { TraceRecord } from '../../../engine/trace/records';
import { opGfnRange } from '../../../extension/session/log-index';
import { ReplayRuntime } from '../../../engine/replay/runtime';
import { randomRecords, rng, ROOT, SEED_PATH } from './helpers';

function replayAll(m: EngineMachine): string[] {
  m.reset();
  for (let i = 0; i < m.ops.length; i++) m.execute(i, true);
  const out: string[] = [];
  for (let e = 0; e < m.events.length; e++) out.push(JSON.stringify(m.events.get(e), (_k, v) => typeof v === 'bigint' ? v.toString(16) : v));
  for (const d of m.domains) out.push(JSON.stringify(m.view(d).stats()), String(m.view(d).maxMappedGfn()));
  return out;
}

function sameOps(a: EngineMachine, records: readonly TraceRecord[]): void {
  const ops = records.filter(r => opKindOf(r) !== undefined);
  assert.equal(a.ops.length, ops.length);
  ops.forEach((r, i) => {
    const op = a.ops[i];
    assert.equal(op.kind, opKindOf(r), `kind of op ${i}`);
    assert.equal(op.domain, (r as { domain: number }).domain, `domain of op ${i}`);
    assert.deepEqual(op.loc, r.loc, `loc of op ${i}`);
    assert.deepEqual(a.table.record(i), r, `record of op ${i}`);
    assert.equal(a.table.lineOf(i), r.loc.line);
    assert.equal(a.table.sourceOf(i), r.loc.source);
  });
}

test('records in memory: canonical set_entry lines become columns, everything else stays an object', () => {
  const recs = randomRecords(5, 300);
  // A set_entry with an rc and one from another source must stay objects (they would not read back equal).
  recs.push({ kind: 'setEntry', domain: 1, gfn: 7, nr: 1, mfn: 9, type: 'ram_rw', access: 'rwx', rc: 0, loc: { source: 'rand', line: 999, column: 1, byteOffset: 5 } });
  recs.push({ kind: 'setEntry', domain: 1, gfn: 8, nr: 1, mfn: 9, type: 'ram_ro', access: 'r', loc: { source: 'other', line: 3, column: 1, byteOffset: 0 } });
  const store = packRecords(recs);
  let columns = 0;
  for (let i = 0; i < store.length; i++) {
    assert.deepEqual(store.get(i), recs[i], `record ${i} reads back`);
    if (store.kind[i] === K_SET_ENTRY) columns++;
  }
  assert.ok(columns >= 250, `most set_entry records packed (${columns})`);
  assert.equal(store.kind[store.length - 1], K_OBJECT);
  assert.equal(store.kind[store.length - 2], K_OBJECT);
  const m = new EngineMachine(recs);
  sameOps(m, recs);
  assert.ok(tableOf(m.ops) === m.table);
  for (let i = 0; i < m.ops.length; i++) {
    const a = m.ops[i].args;
    const g = a.gfn as number;
    const n = typeof a.nr === 'number' ? a.nr : 1;
    assert.deepEqual(opGfnRange(m.ops[i]), [g, g + Math.max(1, n) - 1], `gfn range of op ${i}`);
  }
});

test('a machine over the reader store replays exactly like one over the materialised records', () => {
  const files = [SEED_PATH, path.join(ROOT, 'samples/dom0-boot.xentrace'), path.join(ROOT, 'samples/bbm-violation-writes.p2mtrace')];
  for (const f of files) {
    const r = readTrace(new Uint8Array(readFileSync(f)), { source: path.basename(f) });
    const records = [...r.store];
    const fromStore = new EngineMachine(r.store);
    const fromRecords = new EngineMachine(records);
    sameOps(fromStore, records);
    sameOps(fromRecords, records);
    assert.deepEqual(fromStore.domains, fromRecords.domains, f);
    assert.deepEqual(fromStore.ops.map(o => o.label), fromRecords.ops.map(o => o.label), f);
    const a = replayAll(fromStore), b = replayAll(fromRecords);
    assert.ok(a.length > 2, `${f} replays something`);
    assert.deepEqual(a, b, f);
  }
});

test('seeks stay exact when the scratch engines are renewed between restores', () => {
  const records = randomRecords(33, 240);
  // Renew after every 5 re-executed ops: nearly every restore lands in a fresh scratch set.
  const m = new EngineMachine(records, { scratchRenewOps: 5 });
  const rt = new ReplayRuntime(m, { snapshotInterval: 16, maxEventsPerSnapshot: Infinity });
  const fresh = new EngineMachine(records);
  fresh.reset();
  const want: string[] = [];
  for (let op = 0; op <= rt.opCount; op++) {
    want.push(JSON.stringify([fresh.view(1).stats(), fresh.view(1).regions(0, 2 ** 21, 10000), fresh.view(1).pool()]));
    if (op < rt.opCount) fresh.execute(op, false);
  }
  const next = rng(4);
  for (let k = 0; k < 120; k++) {
    const op = k % 3 === 0 ? rt.opCount - (k % 7) : next() % (rt.opCount + 1);
    const v = rt.stateAt({ op, event: 0 }).view;
    assert.equal(JSON.stringify([v.stats(), v.regions(0, 2 ** 21, 10000), v.pool()]), want[op], `op ${op}`);
  }
});

test('RecordStore.trim drops the growth slack and keeps every record; appending still works', () => {
  const recs = randomRecords(9, 1000);
  const store = packRecords(recs);
  // Grow past the packed capacity so there is slack to trim.
  const extra = randomRecords(10, 700).slice(1);
  for (const r of extra) store.pushCompact(r);
  const all = [...recs, ...extra];
  assert.ok(store.kind.length > store.length, 'slack before trim');
  store.trim();
  assert.equal(store.kind.length, store.length);
  assert.equal(store.nr!.length, store.length);
  all.forEach((r, i) => assert.deepEqual(store.get(i), r, `record ${i}`));
  store.pushCompact(extra[0]);
  assert.deepEqual(store.get(store.length - 1), extra[0]);
  const m = new EngineMachine(store);
  assert.equal(m.ops.length, all.length + 1 - 1); // the config record is not an op
});
