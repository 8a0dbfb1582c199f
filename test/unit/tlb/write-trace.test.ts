import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWriteTrace, locationOf } from '../../../engine/tlb/write-trace';

const TRACE = `# low-level write sequence
write_pte table=0x40000 index=0 level=1 old=0 new=0x00800000800107ff
write_pte table=0x80010 index=1 level=2 old=0 new=0x00800002000007fd
write_pte table=0x80011 index=0 level=3 old=0 new=0x00800002000007ff
write_pte table=0x80011 index=1 level=3 old=0 new=0x00800002000017ff
dsb
write_pte table=0x80010 index=1 level=2 old=0x00800002000007fd new=0x00800000800117ff
tlb_flush
write_pte table=0x80011 index=1 old=0x00800002000017ff new=0x00800003000017ff
tlb_flush
write_pte table=0x80011 index=0 level=3 old=0x00800002000007ff new=0
dsb
tlb_flush
write_pte table=0x80011 index=0 level=3 old=0 new=0x00800003000007ff
`;

function lineOf(needle: string): number { return TRACE.split('\n').findIndex(l => l.includes(needle)) + 1; }

test('write trace: in-place block→table and in-place remap are flagged at their lines; the BBM sequence is not', () => {
  const r = checkWriteTrace(TRACE, 'dev.p2mtrace');
  assert.deepEqual(r.parseDiagnostics, []);
  const v = r.checker.violations;
  assert.deepEqual(v.map(f => [f.rule, f.reasons]), [['bbm-valid-change', ['block-size']], ['bbm-valid-change', ['output-address']]]);
  assert.deepEqual(v.map(f => locationOf(r.stream, f)?.line), [lineOf('new=0x00800000800117ff'), lineOf('new=0x00800003000017ff')]);
  // GFN ranges from the implicit root (L1 root 0x40000, entry 0) and the link positions.
  assert.deepEqual(v.map(f => [f.entry.gfn, f.entry.gfnCount, f.entry.level]), [[0x200, 0x200, 2], [0x201, 1, 3]]);
  assert.equal(r.checker.counts.flushes, 3);
  assert.equal(r.checker.counts.liveMismatches, 0);
  assert.deepEqual(r.hazards, []);
});

test('write trace: a break and make without a flush inside one lock section; stale TLB at `end`', () => {
  const text = `write_pte table=0x40000 index=1 level=1 old=0 new=0x00800001000007fd
begin
write_pte table=0x40000 index=1 level=1 old=0x00800001000007fd new=0
write_pte table=0x40000 index=1 level=1 old=0 new=0x00800002000007fd
end
`;
  const r = checkWriteTrace(text, 't.p2mtrace');
  assert.deepEqual(r.parseDiagnostics, []);
  assert.deepEqual(r.stream.events.filter(e => e.kind === 'opBegin').map(e => e.kind === 'opBegin' && e.opKind), ['write_pte', 'other']);
  assert.deepEqual(r.checker.violations.map(f => f.rule), ['bbm-no-flush']);
  assert.deepEqual(r.hazards.map(h => h.kind), ['stale-leaf']);
  assert.equal(r.hazards[0].entry.gfn, 0x40000);
});

test('write trace: bad input yields parse diagnostics, not exceptions', () => {
  const r = checkWriteTrace('write_pte table=zz index=1\ntlb_flush\n', 'bad.p2mtrace');
  assert.ok(r.parseDiagnostics.length > 0);
  assert.equal(r.checker.counts.flushes, 1);
});
