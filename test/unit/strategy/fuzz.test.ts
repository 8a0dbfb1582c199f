// Seeded fuzz over the three strategies on identical random workloads:
//   - upstream and xen-4.8 never produce a BBM violation;
//   - legacy produces one in every call that shatters a live block or replaces a valid
//     translation by a different one (and only in calls that do one of those);
//   - every strategy's events agree with the checker about which pages are live;
//   - with an unlimited pool, the final translation is the same under all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { P2m } from '../../../engine/p2m/p2m';
import { act, Harness, INVALID, rng } from './helpers';
import { firstDifferingGfn, translationRuns } from '../../../engine/compare/translation';

interface Op { kind: 'map' | 'remove'; gfn: number; nr: number; mfn: number; type: 'ram_rw' | 'ram_ro' }

function workload(seed: number, n: number): Op[] {
  const r = rng(seed);
  const ops: Op[] = [];
  const span = 1 << 20;
  for (let k = 0; k < n; k++) {
    const order = [0, 0, 0, 9, 9, 18][Math.floor(r() * 6)];
    const gfn = Math.floor(r() * span / 2 ** order) * 2 ** order + (order === 9 && r() < 0.2 ? 1 : 0);
    const nr = order === 0 ? 1 + Math.floor(r() * 600) : 2 ** order;
    const mfn = r() < 0.5 ? gfn : Math.floor(r() * 0x10000) * 2 ** order;
    ops.push(r() < 0.65
      ? { kind: 'map', gfn, nr, mfn, type: r() < 0.8 ? 'ram_rw' : 'ram_ro' }
      : { kind: 'remove', gfn, nr: Math.min(nr, 2 ** 10), mfn: INVALID, type: 'ram_rw' });
  }
  return ops;
}

/** True when the call will replace some valid translation in [gfn, gfn+nr) by a different one. */
function replacesValid(p: P2m, op: Op): boolean {
  if (op.kind !== 'map') return false;
  for (const reg of p.regions(op.gfn, op.gfn + op.nr - 1)) {
    const lo = Math.max(reg.gfn, op.gfn), hi = Math.min(reg.gfn + reg.count, op.gfn + op.nr);
    if (lo >= hi) continue;
    // ram_rw ↔ ram_ro over the same MFN changes S2AP only: allowed in place, not counted.
    if (reg.mfn + (lo - reg.gfn) !== op.mfn + (lo - op.gfn)) return true;
  }
  return false;
}

test('fuzz: upstream and xen-4.8 never violate BBM; legacy does whenever it shatters or replaces', () => {
  let legacyViolations = 0, legacyTriggers = 0;
  for (let seed = 1; seed <= 16; seed++) {
    const ops = workload(seed, 40);
    // Vary the geometry (L1 root × 2, L0 root, 32-bit) and clean_pte (the missing-clean rule).
    const shape = [{ ipaBits: 40, clean: false }, { ipaBits: 48, clean: true }, { ipaBits: 32, clean: false }, { ipaBits: 40, clean: true }][seed % 4];
    const cfg = { poolPages: 'unlimited' as const, ipaBits: shape.ipaBits, cleanPte: shape.clean, iommuEnabled: shape.clean };
    const hs = {
      upstream: new Harness('upstream', cfg, shape.clean), 'xen-4.8': new Harness('xen-4.8', cfg, shape.clean),
      legacy: new Harness('legacy', cfg, shape.clean),
    };
    ops.forEach((op, k) => {
      const where = `seed ${seed} op ${k} ${op.kind} 0x${op.gfn.toString(16)}+0x${op.nr.toString(16)} → 0x${op.mfn.toString(16)}`;
      const replaces = replacesValid(hs.legacy.p, op);
      const shBefore = hs.legacy.p.stats().shattered.reduce((a, b) => a + b, 0);
      const run = (h: Harness) => act(h, p => [p.setEntry(op.gfn, op.nr, op.mfn, op.kind === 'map' ? op.type : 'invalid')]);
      const up = run(hs.upstream), x48 = run(hs['xen-4.8']), leg = run(hs.legacy);
      assert.deepEqual([up.rc, x48.rc, leg.rc], [[0], [0], [0]], where);
      assert.equal(up.violations, 0, where);
      assert.equal(x48.violations, 0, where);
      const shattered = hs.legacy.p.stats().shattered.reduce((a, b) => a + b, 0) > shBefore;
      if (shattered || replaces) {
        legacyTriggers++;
        assert.ok(leg.violations > 0, `${where}: legacy shattered=${shattered} replaced=${replaces} but no violation`);
      } else {
        assert.equal(leg.violations, 0, `${where}: legacy violation without a shatter or a replacement`);
      }
      legacyViolations += leg.violations;
    });
    for (const [name, h] of Object.entries(hs)) {
      h.checker.finish(h.p.log.length);
      assert.equal(h.checker.counts.liveMismatches, 0, `seed ${seed} ${name}: live flags agree with the checker`);
      const byRule = h.checker.counts.violationsByRule;
      assert.deepEqual([byRule['missing-clean'], byRule['table-free-unflushed'], byRule['bbm-no-flush']], [0, 0, 0], `seed ${seed} ${name}`);
    }
    const ref = translationRuns(hs.upstream.p);
    for (const name of ['xen-4.8', 'legacy'] as const) {
      const g = firstDifferingGfn(ref, translationRuns(hs[name].p));
      assert.equal(g, undefined, `seed ${seed}: ${name} translation differs at 0x${g?.toString(16)}`);
    }
  }
  assert.ok(legacyTriggers > 20, `the workloads exercise shatters/replacements (${legacyTriggers})`);
  assert.ok(legacyViolations > 20);
});
