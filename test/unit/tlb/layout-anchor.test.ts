// bbm-checker.ts keeps one never-fed checker alive for the whole process so that V8 keeps the
// checker's object layouts (and the code optimised for them) between checkers. It must stay a
// bystander: checkers share no state with it, so it stays empty whatever other checkers see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BbmChecker, checkerLayoutAnchor } from '../../../engine/tlb/bbm-checker';
import { createP2m } from '../../../engine/strategy/create-p2m';

test('the layout anchor checker stays empty while other checkers check logs with findings', () => {
  const before = JSON.stringify(checkerLayoutAnchor.counts);
  // The legacy strategy overwrites live entries in place: findings and counts in the checker fed.
  const p = createP2m({ strategy: 'legacy', ipaBits: 40 });
  p.setEntry(0, 512, 0x200, 'ram_rw', 'rwx');
  p.setEntry(5, 1, 0x999, 'ram_rw', 'rwx');
  for (let g = 0x40000; g < 0x40000 + 64; g++) p.setEntry(g, 1, 0x1000 + g, 'ram_rw', 'rwx');
  const fed = new BbmChecker();
  p.log.feed(fed);
  assert.ok(fed.counts.pteWrites > 0 && fed.counts.violations > 0, 'the fed checker saw stores and violations');
  assert.equal(JSON.stringify(checkerLayoutAnchor.counts), before);
  assert.equal(checkerLayoutAnchor.counts.pteWrites, 0);
  assert.equal(checkerLayoutAnchor.findings.length, 0);
  assert.equal(checkerLayoutAnchor.mirror.pageCount, 0);
});
