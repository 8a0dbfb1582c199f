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
import { setTime, timeEngine } from '../../../engine/replay/time-store';
import { createDomainP2m } from '../../../engine/replay/domain-config';

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

// A view engine over the index (time-store.ts) keeps no page of its own: the core's root-page
// marks at construction are dropped, so its store never allocates metadata or an arena slab,
// and it still answers from the index (roots exist from boundary 0, the indexed store reads).
test('time index: a view engine owns no page (no arena) and reads the indexed stores', () => {
  const p = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 });
  const c = p.core;
  const pool5 = c.cfg.poolBaseMfn + 5;
  const log = new EventLog();
  log.opBegin(0, 1);
  log.tableAlloc(pool5, 2, 0);
  log.pteWrite(pool5, 3, 2, 0, 0, 0x1000 | 0x7fd, 0x00800000, false, false);
  log.opEnd(0);
  const built = buildTimeIndex(log, Uint32Array.of(0, log.length), 1, new Map([[1, c]]), new Map([[1, new ScalarColumns(c)]]), new LogJournal(1), () => 1);
  assert.equal(built.problem, undefined);
  const e = timeEngine(built.index.get(1)!, view => createDomainP2m({ ipaBits: 40, poolPages: 8 }, { domain: 1, vmid: 1 }, new EventLog(), 'upstream', view));
  setTime(e, 1);
  assert.equal(e.store.meta.length, 0, 'no page metadata');
  assert.ok(e.store.has(0), 'root page 0 exists');
  const id5 = c.pageId(pool5);
  assert.ok(e.store.has(id5));
  e.store.read(id5, 3);
  assert.deepEqual([e.store.lo, e.store.hi], [0x1000 | 0x7fd, 0x00800000]);
  setTime(e, 0);
  assert.equal(e.store.has(id5), false, 'pool page not born before its op');
});
