import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateText } from '../../../engine/replay/expr/evaluator';
import { display } from '../../../engine/replay/expr/evaluator';
import { seedRuntime } from './helpers';

const ev = (rt: ReturnType<typeof seedRuntime>, s: string) => {
  const r = evaluateText(s, rt.env());
  if (!r.ok) throw new Error(`${s}: ${r.error.message}`);
  return display(r.value);
};

test('environment: op arguments, p2m state, event, frame and functions at a position', () => {
  const rt = seedRuntime();
  rt.goto(1);
  assert.equal(ev(rt, 'gfn'), '0x40201');
  assert.equal(ev(rt, 'kind'), 'set_entry');
  assert.equal(ev(rt, 'rc'), '0');
  assert.equal(ev(rt, 'max_mapped_gfn'), '0x7ffff');
  assert.equal(ev(rt, 'lowest_mapped_gfn'), '0x40000');
  assert.equal(ev(rt, 'need_flush'), 'false');
  assert.equal(ev(rt, 'stats.mappings[1] == 1 && true_counts[1] == 1'), 'true');
  assert.equal(ev(rt, 'vmid'), '1');
  assert.equal(ev(rt, 'event'), 'null');
  assert.equal(ev(rt, 'frame.name'), 'p2m_set_entry');
  assert.equal(ev(rt, 'lookup(0x40201).order'), '0x12');
  assert.equal(ev(rt, 'walk(0x40201)[0].level'), '1');
  assert.equal(ev(rt, 'access == rwx && type == ram_rw'), 'true');
  // Step into the split: the innermost frame and last event follow the cursor.
  rt.step('frame'); rt.step('frame'); rt.step('frame');
  assert.equal(ev(rt, 'frame.name'), 'p2m_split_superpage');
  assert.equal(ev(rt, 'frame.level'), '1');
  assert.equal(ev(rt, 'event.kind'), 'frameEnter');
  // A lookup op has no mfn: absent arguments read as null, so mixed-op conditions stay valid.
  const mixed = evaluateText('mfn == null', rt.env({ op: 5, event: 0 }));
  assert.ok(mixed.ok && mixed.value === false);
  assert.equal(ev(rt, 'pool.free >= 0'), 'true');
});

test('rc is known for every op from the recording pass (conditions can test a future failure)', () => {
  const rt = seedRuntime();
  rt.goto(5);
  assert.equal(ev(rt, 'rc == -22'), 'true');
  rt.setLineBreakpoints(rt.timeline.ops[0].loc.source, rt.timeline.linesOf(rt.timeline.ops[0].loc.source).map(line => ({ line, condition: 'rc != 0' })));
  rt.goto(0);
  assert.equal(rt.run().stop.pos.op, 5);
});
