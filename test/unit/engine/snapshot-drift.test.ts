// The sim-stats-drift note is rate-limited (first 32 changes per rule, then powers of two), so
// which ops carry it depends on how many drift changes came before. A snapshot must carry those
// counts: an engine restored from it and re-executing the rest of a trace has to report exactly
// what the first pass reported, or a seek shows notes the recorded replay never had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';

const GFN = 0x1000;
/** Remap one 4K GFN to a new MFN each call: every call after the first drifts Xen's 4K count. */
function remaps(p: P2m, from: number, to: number): string[] {
  const notes: string[] = [];
  for (let i = from; i < to; i++) {
    const before = p.diagnostics.length;
    assert.equal(p.setEntry(GFN, 1, 0x5000 + i, 1, 7), 0);
    for (const d of p.diagnostics.slice(before)) if (d.code === 'sim-stats-drift') notes.push(`${i}: ${d.message}`);
  }
  return notes;
}

test('snapshot-drift: a restored engine reports drift notes exactly as the first pass did', () => {
  const first = new P2m({ ipaBits: 40 });
  remaps(first, 0, 40); // 39 drift changes: past the first 32, before the report at 64
  const snap = first.snapshot();
  const expected = remaps(first, 40, 100);
  assert.equal(expected.length, 1, `one note between calls 40 and 100 (the 64th change): ${expected.join(' | ')}`);
  assert.match(expected[0], /occurrence 64 of this rule/);

  const again = new P2m({ ipaBits: 40 });
  again.restore(snap);
  assert.deepEqual(remaps(again, 40, 100), expected);
  // And restoring into the engine that took the snapshot.
  first.restore(snap);
  assert.deepEqual(remaps(first, 40, 100), expected);
});
