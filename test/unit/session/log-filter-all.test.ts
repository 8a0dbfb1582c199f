// The trace log without a filter keeps no per-op index array (log-index.ts returns undefined
// for "every op"): pages, totals, the cursor's index and the "so far" counts must be those of
// the explicit identity list, and filters that select only some ops still page through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { filterOps } from '../../../extension/session/log-index';
import { loadSession } from '../../../extension/session/trace-loader';
import type { LogFilter } from '../../../extension/session/view-data';

const root = process.env.P2M_ROOT ?? process.cwd();

for (const file of ['pool-exhaustion.p2mtrace', 'bbm-violation-writes.p2mtrace', 'dom0-boot.xentrace']) {
  test(`${file}: filters that keep every op page like the identity list`, () => {
    const { core } = loadSession({ path: path.join(root, 'samples', file), snapshotInterval: 4 }, () => {});
    const n = core.opCount;
    assert.ok(n > 3);
    const ctx = { ops: core.machine.ops, summary: core.summary };
    const all: LogFilter[] = [{}, { text: '   ' }, { opFrom: 0, opTo: n - 1 }, { opFrom: -3, opTo: n + 9 }, { kinds: [] }, { onlyViolations: false }];
    for (const f of all) {
      assert.equal(filterOps(ctx, f), undefined, `no index array for ${JSON.stringify(f)}`);
      for (const pos of [0, 1, Math.floor(n / 2), n]) {
        core.seek(pos);
        const q = core.logQuery(f);
        assert.deepEqual(q, { total: n, cursorIndex: pos - 1 }, `query ${JSON.stringify(f)} at ${pos}`);
      }
      const page = core.logPage(n - 2, 10);
      assert.deepEqual(page.rows.map(r => r.op), [n - 2, n - 1]);
      assert.equal(page.total, n);
      const neg = core.logPage(-1, 3);
      assert.deepEqual([neg.offset, neg.rows.map(r => r.op)], [0, [0, 1, 2]], 'a negative offset pages `count` rows from 0');
      assert.equal(core.logIndexOf(n + 5), n - 1);
    }
    // A filter that keeps every op except the first is a real list again.
    const q = core.logQuery({ opFrom: 1 });
    assert.equal(q.total, n - 1);
    assert.deepEqual(core.logPage(0, 2).rows.map(r => r.op), [1, 2]);
    assert.equal(core.logIndexOf(0), -1);
    // "Only violations" and rc search select exactly the ops the columns say.
    const viol = [...Array(n).keys()].filter(i => core.summary.violations.at(i) > 0);
    const v = core.logQuery({ onlyViolations: true });
    assert.equal(v.total, viol.length);
    assert.deepEqual(core.logPage(0, 1000).rows.map(r => r.op), viol.slice(0, 1000));
    const rc = core.summary.rc.at(n - 1);
    const withRc = [...Array(n).keys()].filter(i => core.summary.rc.at(i) === rc);
    assert.equal(core.logQuery({ text: `rc ${rc}` }).total, withRc.length);
    // The "so far" counts are the column's prefix sums at every cursor position.
    let sv = 0, sd = 0;
    for (let p = 0; p <= n; p++) {
      const c = core.seek(p);
      assert.deepEqual([c.violationsSoFar, c.diagnosticsSoFar], [sv, sd], `so far at ${p}`);
      if (p < n) { sv += core.summary.violations.at(p); sd += core.summary.diagnostics.at(p); }
    }
    assert.deepEqual([sv, sd], [core.summary.totalViolations, core.summary.totalDiagnostics]);
  });
}
