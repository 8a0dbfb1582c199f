// The §9 legacy checks as hand-built 2016 event orders (p2m-model.md §6.1), run through the
// checker: G5 legacy (remove one 4K page from a 2M block: shatter in place, one flush, 514
// stores) and G8 legacy (remove a 512-page range: refcount reclaim unlinks P1 then P0, one
// flush, then both freed). The strategy issue will produce these from the engine; here they pin
// down what the checker says about them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BbmChecker } from '../../../engine/tlb/bbm-checker';
import { dispatchAll } from '../../../engine/tlb/event-sink';
import { EventBuilder, legacyTable, page } from './event-builder';

const R0 = 0x40000, P0 = 0x80010, P1 = 0x80011;

function check(b: EventBuilder): BbmChecker {
  const c = new BbmChecker();
  dispatchAll(c, b.events);
  c.finish(b.length);
  return c;
}

/** G2 under legacy: R0[0] → P0 (zeroed, type-0 table entry), P0[1] = 2M block at 0x200000. */
function g2Legacy(b: EventBuilder): void {
  b.root(R0, 1); b.root(0x40001, 1);
  b.begin();
  b.alloc(P0, 2); b.zero(P0); b.write(R0, 0, 1, legacyTable(P0));
  b.write(P0, 1, 2, page(0x200000, 2));
  b.end();
}

test('G5 legacy: remove 0x205 from a 2M block — 1 flush, 514 stores, the in-place shatter is a violation', () => {
  const b = new EventBuilder(); g2Legacy(b);
  const c0 = check(b);
  b.begin();
  b.alloc(P1, 3, 'split');
  b.fillFromBlock(P1, 3, 0x200000);
  b.write(P0, 1, 2, legacyTable(P1));      // shatter in place: live block → table, no break
  b.write(P1, 5, 3, 0n);                   // REMOVE: zero the entry
  b.flush('legacy-end');
  b.end();
  const c = check(b);
  assert.equal(c.counts.pteWrites - c0.counts.pteWrites, 514);
  assert.equal(c.counts.flushes, 1);
  assert.deepEqual(c.violations.map(f => [f.rule, f.reasons, f.entry.table, f.entry.index, f.entry.gfn]),
    [['bbm-valid-change', ['block-size'], P0, 1, 0x200]]);
});

test('G8 legacy: refcount reclaim unlinks P1 and P0, one flush, then frees both — compliant', () => {
  const b = new EventBuilder();
  b.root(R0, 1); b.root(0x40001, 1);
  b.begin();
  b.alloc(P0, 2); b.zero(P0); b.write(R0, 0, 1, legacyTable(P0));
  b.alloc(P1, 3); b.zero(P1); b.write(P0, 10, 2, legacyTable(P1));
  for (let i = 0; i < 512; i++) b.write(P1, i, 3, page(0x9001 + i));
  b.end();
  b.begin();
  for (let i = 0; i < 512; i++) b.write(P1, i, 3, 0n);
  b.write(P0, 10, 2, 0n);                  // P1's refcount reached 0: unlink, queue for free
  b.write(R0, 0, 1, 0n);                   // then P0's
  b.flush('legacy-end');
  b.free(P1); b.free(P0);
  b.end();
  const c = check(b);
  assert.deepEqual(c.violations, []);
  assert.equal(c.counts.flushes, 1);
  assert.equal(c.counts.wastedFlushes, 0);
  assert.equal(c.counts.tablesFreed, 2);
  // The same reclaim with the frees before the flush is a violation for each page.
  const bad = new EventBuilder();
  bad.events.push(...b.events.slice(0, b.events.findIndex(e => e.kind === 'tlbFlush')));
  bad.free(P1); bad.free(P0); bad.flush('legacy-end');
  assert.deepEqual(check(bad).violations.map(f => f.rule), ['table-free-unflushed', 'table-free-unflushed']);
});
