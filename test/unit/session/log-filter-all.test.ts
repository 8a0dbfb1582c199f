// The trace log without a filter keeps no per-op index array (log-index.ts returns undefined
// for "every op"): pages, totals, the cursor's index and the "so far" counts must be those of
// the explicit identity list, and filters that select only some ops still page through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { columnOf } from '../../../extension/session/compact-column';
import { filterOps } from '../../../extension/session/log-index';
import { loadSession, type LoadedSession } from '../../../extension/session/trace-loader';
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
    assert.deepEqual([sv, sd], [core.summary.violations.total, core.summary.diagnostics.total]);
  });
}

test('"only violations" walks the violation column (sparse and dense) and keeps the other tests and the op range', () => {
  // 300 ops of two kinds in two domains.
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; i < 300; i++) {
    if (i % 50 === 0) lines.push(`domain ${1 + (i / 50) % 2}`);
    lines.push(i % 3 === 0 ? `lookup gfn=0x${(0x40000 + i).toString(16)}`
      : `p2m_set_entry gfn=0x${(0x40000 + i).toString(16)} nr=0x1 mfn=0x${(0x100000 + i).toString(16)} t=ram_rw a=rwx`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-only-violations-'));
  const file = path.join(dir, 'v.p2mtrace');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const load = (): LoadedSession['core'] => {
    try { return loadSession({ path: file, snapshotInterval: 64 }, () => {}).core; } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
  const core = load();
  const n = core.opCount;
  assert.equal(n, 300);
  const kinds = [...Array(n).keys()].map(i => core.machine.ops[i].kind);
  const someKind = kinds[n >> 1];
  for (const every of [7, 3, 2]) {
    // Violations on every `every`-th op (from op 1): sparse for 7, dense for 3 and 2.
    const model = [...Array(n).keys()].map(i => (i % every === 1 ? 1 + (i % 4) : 0));
    const violations = columnOf(model);
    assert.equal(violations.form, every === 7 ? 'sparse' : 'dense');
    const ctx = { ops: core.machine.ops, summary: { ...core.summary, violations } };
    const domains = [...Array(n).keys()].map(i => core.machine.ops[i].domain);
    for (const f of [{}, { opFrom: 5 }, { opFrom: 2, opTo: n - 4 }, { opFrom: n - 2 }, { opTo: 0 }, { kinds: [someKind] }, { domain: 2, opFrom: 77 }] as LogFilter[]) {
      const want: number[] = [...Array(n).keys()].filter(i => model[i] > 0 && i >= Math.max(0, f.opFrom ?? 0) && i <= (f.opTo ?? n - 1)
        && (!f.kinds || f.kinds.includes(kinds[i])) && (f.domain === undefined || domains[i] === f.domain));
      const got = filterOps(ctx, { ...f, onlyViolations: true });
      assert.deepEqual(got === undefined ? 'all' : [...got], want, `every ${every}, ${JSON.stringify(f)}`);
    }
  }
});
