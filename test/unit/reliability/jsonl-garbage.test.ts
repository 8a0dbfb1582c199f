// Fuzz finding: the JSON Lines reader ran JSON.parse on every line and let it throw; a thrown
// SyntaxError costs ~15 µs, so a large non-JSON file (a console log opened as jsonl) took
// seconds per MB. Lines that cannot be an object are now rejected before JSON.parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl } from '../../../engine/trace/jsonl';

test('200k non-JSON lines are rejected quickly, each located', () => {
  const text = 'begin\nend\n(XEN) p2m_set_entry gfn=0x1\n'.repeat(70_000);
  readJsonl('x\n'.repeat(1000)); // warm up the JIT
  const t0 = performance.now();
  const r = readJsonl(text, 'garbage.jsonl');
  const ms = performance.now() - t0;
  assert.equal(r.store.length, 0);
  assert.equal(r.diagnostics.length, 10_001, 'capped list plus the suppressed note');
  assert.match(r.diagnostics[0].message, /expected a JSON object/);
  assert.equal(r.diagnostics[1].line, 2);
  // Before the fix: ~3 s on this machine (15 µs per line); after: ~0.1 s.
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});

test('valid objects and objects with leading spaces still parse', () => {
  const r = readJsonl('  {"kind":"lookup","domain":1,"gfn":"0x10"}\n{"kind":"dsb","domain":1}\n[1]\n');
  assert.equal(r.store.length, 2);
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].line, 3);
});
