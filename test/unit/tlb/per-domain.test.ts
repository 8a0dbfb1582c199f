import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { BbmChecker } from '../../../engine/tlb/bbm-checker';
import { feedLog } from '../../../engine/tlb/event-sink';
import { PerDomainSinks } from '../../../engine/tlb/per-domain';
import { TlbModel } from '../../../engine/tlb/tlb-model';

test('per-domain routing: two domains sharing one log and the same table MFNs stay separate', () => {
  const d1 = new P2m({ domid: 1, vmid: 1 });
  const d2 = new P2m({ domid: 2, vmid: 2, log: d1.log }); // same pool/root MFNs, one shared log
  d1.setEntry(0x40000, 0x40000, 0x100000);
  d2.setEntry(0x40000, 0x200, 0x200000);
  d1.setEntry(0x40201, 1, 0x300000);                       // split + replace in domain 1
  d2.setEntry(0x40005, 1, 0x500000);                       // split + replace in domain 2
  const checkers = new PerDomainSinks(() => new BbmChecker());
  const tlbs = new PerDomainSinks(() => new TlbModel({ walkAfterWrite: true }));
  feedLog(d1.log, [checkers, tlbs]);
  assert.deepEqual([...checkers.sinks.keys()].sort(), [1, 2]);
  for (const c of checkers.sinks.values()) {
    assert.equal(c.counts.violations, 0);
    assert.equal(c.counts.liveMismatches, 0);
  }
  assert.equal(checkers.vmidOf(2), 2);
  for (const t of tlbs.sinks.values()) assert.deepEqual(t.hazards, []);
  // Each domain's checker saw only its own flushes and table pages.
  assert.deepEqual(checkers.sinkFor(1).counts.flushesByCause['bbm-split'], 1);
  assert.deepEqual(checkers.sinkFor(1).counts.flushesByCause['bbm-replace'], 1);
  assert.deepEqual(checkers.sinkFor(2).counts.flushesByCause['bbm-split'], 1);
  assert.equal(checkers.sinkFor(1).counts.tablesAllocated, 2);
  assert.equal(checkers.sinkFor(2).counts.tablesAllocated, 2);
});
