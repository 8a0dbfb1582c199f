// A failed call's `rc-error` diagnostic is stored in the event log as columns (rc, GFN) instead
// of an object with a message: a pool-limited 10M-op trace fails millions of calls. Reading the
// log must give exactly the diagnostic the object form gave, in both the log and the engine's
// own list, for upstream and the 2016 strategies, and the log must count it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { createP2m } from '../../../engine/strategy/create-p2m';
import type { EngineDiagnostic } from '../../../engine/p2m/events';

function failingCalls(p: P2m): number {
  let fails = 0;
  // A 3-page pool runs dry after a few tables: later maps far apart fail (-ENOENT / -ENOMEM).
  for (let i = 0; i < 64; i++) if (p.setEntry(i * 0x40201, 1, 0x100000 + i, 'ram_rw', 'rwx') !== 0) fails++;
  if (p.setAtOrder(2 ** 27, 9, 0x1234, 'ram_rw', 'rwx') !== 0) fails++; // -EINVAL: MFN not 2M-aligned
  return fails;
}

for (const strategy of ['upstream', 'xen-4.8', 'legacy'] as const) {
  test(`rc-error compact (${strategy}): log events, engine list and counts agree`, () => {
    const p = createP2m({ strategy, ipaBits: 40, poolPages: 3 });
    const fails = failingCalls(p);
    assert.ok(fails >= 10, `${fails} failed calls`);
    const fromLog: EngineDiagnostic[] = [];
    for (let i = 0; i < p.log.length; i++) { const e = p.log.get(i); if (e.kind === 'diagnostic' && e.diag.code === 'rc-error') fromLog.push(e.diag); }
    const fromList = p.diagnostics.filter(d => d.code === 'rc-error').map(({ op: _op, ...d }) => d);
    assert.equal(fromLog.length, fails);
    assert.deepEqual(fromLog, fromList);
    for (const d of fromLog) {
      assert.match(d.message, /^(p2m_set_entry|__p2m_set_entry|apply_p2m_changes) returned -E[A-Z]+ \(-\d+\) at GFN 0x[0-9a-f]+$/);
      assert.equal(d.severity, 'warning');
      assert.equal(d.message.endsWith(`0x${d.gfn!.toString(16)}`), true);
    }
    const other = p.diagnostics.length - fromList.length;
    assert.equal(p.log.diagnosticCount(), fails + other);
  });
}
