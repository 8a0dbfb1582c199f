// The time index's guard on page existence (engine/replay/time-index.ts): a page "exists" in a
// view from its first allocation on, so a log storing into a pool page, or linking one as a
// table, before any allocation handed it out must be refused (the machine then keeps the
// log-mover mode), while the same stores after the allocation are indexed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from '../../../engine/p2m/event-log';
import { P2m } from '../../../engine/p2m/p2m';
import { LogJournal } from '../../../engine/replay/log-journal';
import { ScalarColumns } from '../../../engine/replay/time-columns';
import { buildTimeIndex } from '../../../engine/replay/time-index';

function index(allocFirst: boolean, linkOnly: boolean): string | undefined {
  const p = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 });
  const c = p.core;
  const pool5 = c.cfg.poolBaseMfn + 5;
  const log = new EventLog();
  log.opBegin(0, 1);
  if (allocFirst) log.tableAlloc(pool5, 2, 0);
  // Root entry 7 → pool page 5 as a table (lo: MFN bits 12–31 | table | valid); or a store into page 5.
  if (linkOnly) log.pteWrite(c.cfg.rootBaseMfn, 7, 1, 0, 0, ((pool5 << 12) | 3) >>> 0, 0x00800000, true, false);
  else log.pteWrite(pool5, 3, 2, 0, 0, 0x1000 | 0x7fd, 0x00800000, false, false);
  log.opEnd(0);
  // The core's pool says all 8 pages exist as ids (reserve), none allocated.
  const built = buildTimeIndex(log, Uint32Array.of(0, log.length), 1, new Map([[1, c]]), new Map([[1, new ScalarColumns(c)]]), new LogJournal(1), () => 1);
  return built.problem;
}

test('time index: a store into, or a table link to, a pool page before its allocation is refused', () => {
  assert.match(index(false, true) ?? '', /pointing at page \d+ before its allocation/);
  assert.match(index(false, false) ?? '', /store into page \d+ before its allocation/);
});

test('time index: the same stores after the page is allocated are indexed', () => {
  assert.equal(index(true, true), undefined);
  assert.equal(index(true, false), undefined);
});
