// The time index's guard on page existence (engine/replay/time-index.ts): a page "exists" in a
// view from its first allocation on, so a log storing into a pool page, or linking one as a
// table, before any allocation handed it out must be refused (the machine then keeps the
// log-mover mode), while the same stores after the allocation are indexed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from '../../../engine/p2m/event-log';
import type { RawEventSink } from '../../../engine/p2m/event-codes';
import type { OpKind } from '../../../engine/p2m/events';
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
  const built = buildTimeIndex(log, Uint32Array.of(0, log.length), new Map([[1, c]]), new Map([[1, new ScalarColumns(c)]]), new LogJournal(1), () => 1);
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
  const built = buildTimeIndex(log, Uint32Array.of(0, log.length), new Map([[1, c]]), new Map([[1, new ScalarColumns(c)]]), new LogJournal(1), () => 1);
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

// The index feeds the log twice (time-history-builder.ts): a second feed that hands over other
// writes than the first must make buildTimeIndex report a problem (the machine then keeps the
// log-mover mode, engine-machine.ts prepareTime), whatever differs. The log below changes the
// second feed's stores (or ops) through a proxy of the sink.
type PteArgs = Parameters<RawEventSink['onPteWrite']>;
function secondFeedChanged(change: (a: PteArgs) => PteArgs | undefined, opDomain?: number): EventLog {
  const log = new EventLog();
  const feed = log.feed.bind(log);
  let feeds = 0;
  log.feed = (sink: RawEventSink, from = 0, to = log.length): void => {
    if (from === 0) feeds++;
    if (feeds < 2) { feed(sink, from, to); return; }
    const wrapped = new Proxy(sink, {
      get(t, p, r) {
        if (p === 'onPteWrite') return (...a: PteArgs) => { const b = change(a); if (b) t.onPteWrite(...b); };
        if (p === 'onOpBegin' && opDomain !== undefined) return (i: number, op: number, k: OpKind) => { t.onOpBegin(i, op, k, opDomain); };
        return Reflect.get(t, p, r);
      },
    });
    feed(wrapped, from, to);
  };
  return log;
}

function twoFeeds(change: (a: PteArgs) => PteArgs | undefined, opDomain?: number): string | undefined {
  const p = new P2m({ ipaBits: 40, poolPages: 8, domid: 1 });
  const c = p.core;
  const pool5 = c.cfg.poolBaseMfn + 5;
  const log = secondFeedChanged(change, opDomain);
  log.opBegin(0, 1);
  log.tableAlloc(pool5, 2, 0);
  for (let i = 0; i < 4; i++) log.pteWrite(pool5, 3 + 2 * i, 2, 0, 0, (0x1000 * (i + 1)) | 0x7fd, 0x00800000, false, false);
  log.opEnd(0);
  const built = buildTimeIndex(log, Uint32Array.of(0, log.length), new Map([[1, c]]), new Map([[1, new ScalarColumns(c)]]), new LogJournal(1), () => 1);
  return built.problem;
}

test('time index: the same stores in both feeds are indexed', () => { assert.equal(twoFeeds(a => a), undefined); });

{
  /** The second feed's `at`-th store changed by `f` (undefined: left out). */
  const nth = (at: number, f: (a: PteArgs) => PteArgs | undefined) => { let n = 0; return (a: PteArgs) => (n++ === at ? f(a) : a); };
  const cases: [string, (a: PteArgs) => PteArgs | undefined][] = [
    ['a store fewer', nth(1, () => undefined)],
    ['a changed lo', nth(2, a => [a[0], a[1], a[2], a[3], a[4], a[5], (a[6] ^ 0x2000) >>> 0, a[7], a[8], a[9]])],
    ['a changed index', nth(0, a => [a[0], a[1], a[2] + 1, a[3], a[4], a[5], a[6], a[7], a[8], a[9]])],
    // An MFN no page of the domain has: pageId -1, out of the builder's page range.
    ['a store into an unknown table', nth(3, a => [a[0], 0x7fffff, a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]])],
  ];
  for (const [name, change] of cases) {
    test(`time index: a second feed with ${name} is reported`, () => { assert.match(twoFeeds(change) ?? '', /pass 2/); });
  }
}

test('time index: a store outside any op in the second feed is reported', () => {
  // The second feed's ops name domain 9, which has no index: its stores are outside any op.
  assert.match(twoFeeds(a => a, 9) ?? '', /pass 2: event \d+: a store outside any op/);
});
