// Engine diagnostic messages are read back from the event log when the trace log is searched
// (op-summary no longer keeps a string per diagnosed op), and the machine's lazy op list
// behaves as a read-only array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadSession } from '../../../extension/session/trace-loader';
import { diagnosticMessages } from '../../../extension/session/op-summary';

const root = process.env.P2M_ROOT ?? process.cwd();

test('searching the log finds ops by their engine diagnostic text', () => {
  const s = loadSession({ path: path.join(root, 'samples/pool-exhaustion.p2mtrace'), snapshotInterval: 1 }, () => undefined);
  const { core } = s;
  const diagnosed = [...Array(core.opCount).keys()].filter(i => core.summary.diagnostics.at(i) > 0);
  assert.ok(diagnosed.length > 0, 'the sample has diagnosed ops');
  const msgs = diagnosticMessages(core.machine.events, core.timeline.opStart, diagnosed[0]);
  assert.ok(msgs.length > 0 && msgs.every(m => /^\[[a-z-]+\] ./.test(m)), msgs.join('; '));
  // A word of the message (not in the op's label or kind) finds exactly the ops that carry it.
  const word = msgs[0].replace(/^\[[^\]]+\] /, '').split(/\s+/).find(w => w.length > 4 && !core.row(diagnosed[0]).text.toLowerCase().includes(w.toLowerCase()))!;
  assert.ok(word, `a distinctive word in ${msgs[0]}`);
  const total = core.logQuery({ text: word.toLowerCase() }).total;
  const want = [...Array(core.opCount).keys()].filter(i =>
    diagnosticMessages(core.machine.events, core.timeline.opStart, i).some(m => m.toLowerCase().includes(word.toLowerCase()))
    || core.row(i).text.includes(word.toLowerCase())).length;
  assert.ok(total > 0);
  assert.equal(total, want);
  assert.equal(core.logQuery({ text: 'no such text anywhere' }).total, 0);
});

test('the engine machine op list is a read-only array made on access', () => {
  const s = loadSession({ path: path.join(root, 'samples/seed-4k-remap-in-1g.p2mtrace'), snapshotInterval: 1 }, () => undefined);
  const ops = s.core.machine.ops;
  const n = ops.length;
  assert.ok(n > 2);
  assert.ok(Array.isArray(ops));
  assert.equal([...ops].length, n);
  assert.deepEqual(ops.map(o => o.kind), [...Array(n).keys()].map(i => ops[i].kind));
  assert.equal(ops.filter(() => true).length, n);
  let visited = 0;
  ops.forEach(() => visited++);
  assert.equal(visited, n);
  assert.equal(ops[n], undefined);
  assert.ok(0 in ops && !(n in ops));
  assert.equal(ops.findIndex(o => o.kind === 'set_entry'), s.core.timeline.ops.findIndex(o => o.kind === 'set_entry'));
  assert.deepEqual(ops[1].loc, ops.slice(1, 2)[0].loc);
  assert.throws(() => { (ops as unknown as unknown[])[0] = 1; });
});
