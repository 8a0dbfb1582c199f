// Seeded fuzz: random p2m_set_entry sequences over every IPA configuration, with and
// without mem_access, with small and unlimited pools. After every call the translation of
// interesting GFNs is checked against a flat reference of the calls that took effect, and
// the §8 invariants are checked (no Xen assertion, need_flush clear after unlock, counters
// vs true leaf counts only drift with a diagnostic, no in-place replacement of a hw-valid
// live entry, incremental true counts equal a full walk, pool accounting). A failure
// prints the seed and the operations. P2M_FUZZ_SEED / P2M_FUZZ_RUNS override the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import type { Arch } from '../../../engine/arch/geometry';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x1_0000_0000; };
}

interface Op { gfn: number; nr: number; mfn: number; type: number; access: number }
interface Applied extends Op { seq: number }

const CONFIGS: [Arch, number][] = [['arm64', 32], ['arm64', 36], ['arm64', 40], ['arm64', 42], ['arm64', 44], ['arm64', 48], ['arm32', 32], ['arm32', 40]];

/** The driver's chunk orders (§5.2), to know how much of a failed call took effect. */
function chunkOrders(op: Op, memAccess: boolean): number[] {
  const out: number[] = [];
  let { gfn, nr, mfn } = op;
  while (nr > 0) {
    const m = mfn < 0 ? 0 : mfn;
    const al = (o: number) => m % 2 ** o === 0 && gfn % 2 ** o === 0 && nr % 2 ** o === 0;
    const o = memAccess || nr < 512 ? 0 : al(18) ? 18 : al(9) ? 9 : 0;
    out.push(o);
    gfn += 2 ** o; if (mfn >= 0) mfn += 2 ** o; nr -= 2 ** o;
  }
  return out;
}

function runSequence(seed: number, nOps: number): void {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const [arch, ipaBits] = pick(CONFIGS);
  const memAccess = r() < 0.25;
  const poolPages = r() < 0.4 ? 'unlimited' as const : Math.floor(r() * 12);
  const p = new P2m({ arch, ipaBits, memAccess, poolPages });
  const geo = p.geometry;
  const rootSpan = geo.rootLimitGfn;
  // A 1 GiB-aligned window inside (or rarely just beyond) the root range.
  const window = Math.floor(r() * Math.min(rootSpan / 2 ** 18, 64)) * 2 ** 18 + (r() < 0.05 ? rootSpan : 0);
  const ops: Op[] = [];
  const applied: Applied[] = [];
  const ctx = () => `seed=${seed} ${arch} ipa=${ipaBits} memAccess=${memAccess} pool=${poolPages}\nops:\n` +
    ops.map(o => `  p2m_set_entry gfn=0x${o.gfn.toString(16)} nr=0x${o.nr.toString(16)} mfn=${o.mfn < 0 ? 'invalid' : '0x' + o.mfn.toString(16)} t=${o.type} a=${o.access}`).join('\n');
  const lookupRef = (g: number): Applied | undefined => {
    for (let i = applied.length - 1; i >= 0; i--) { const a = applied[i]; if (g >= a.gfn && g < a.gfn + a.nr) return a.mfn < 0 ? undefined : a; }
    return undefined;
  };
  let lastDrift = [0, 0, 0, 0];
  try {
    for (let k = 0; k < nOps; k++) {
      const alignSel = r();
      const align = alignSel < 0.06 ? 18 : alignSel < 0.35 ? 9 : 0;
      let gfn = window + Math.floor(r() * 2 ** 19);
      gfn -= gfn % 2 ** align;
      const nrSel = r();
      // 1 GiB ranges only when aligned (an unaligned one is 262144 4K chunks: slow, not more interesting)
      const nr = nrSel < 0.4 ? 1 : nrSel < 0.65 ? 1 + Math.floor(r() * 1100) : nrSel < 0.9 ? 512 : nrSel < 0.95 && align === 18 && !memAccess ? 2 ** 18 : 512 * (1 + Math.floor(r() * 3));
      const removing = r() < 0.3;
      const type = removing ? 0 : pick([1, 1, 1, 2, 3, 4, 5, 6, 8, 10]);
      let mfn = -1;
      if (!removing) { mfn = r() < 0.6 ? gfn + 0x100000 : Math.floor(r() * 2 ** 26); if (r() < 0.3) mfn = 0x200000 + (gfn % 2 ** 18); }
      if (nr === 2 ** 18) mfn = removing ? -1 : 0x4000000 + gfn; // aligned: one 1G block
      const access = removing || !memAccess ? 7 : pick([0, 1, 3, 5, 7, 7]);
      const op = { gfn, nr, mfn, type, access };
      ops.push(op);
      const e0 = p.log.length;
      const rc = p.setEntry(gfn, nr, mfn, type, access);
      // materialise only the kinds the checks need (a 1100-chunk call has ~20k events)
      const events = [];
      for (let i = e0; i < p.log.length; i++) {
        const k = p.log.kindAt(i);
        if (k === 'frameLeave' || k === 'pteWrite' || k === 'diagnostic') events.push(p.log.get(i));
      }
      // how much took effect
      const orders = chunkOrders(op, memAccess);
      const done = events.filter(e => e.kind === 'frameLeave' && e.frame === '__p2m_set_entry' && e.rc === 0).length;
      assert.ok(rc === 0 ? done === orders.length : done < orders.length, `chunks done ${done}/${orders.length} rc ${rc}`);
      assert.ok([0, -2, -12, -22].includes(rc), `rc ${rc}`);
      const eff = orders.slice(0, done).reduce((s, o) => s + 2 ** o, 0);
      if (eff > 0) applied.push({ ...op, nr: eff, seq: k });
      // invariants
      const errors = p.diagnostics.filter(d => d.severity === 'error');
      assert.deepEqual(errors, [], 'no Xen assertion / simulator error');
      assert.equal(p.core.needFlush, false, 'need_flush clear after unlock');
      for (const e of events) {
        if (e.kind === 'pteWrite' && e.live && (e.old & 1n) === 1n) assert.equal(e.new, 0n, `live hw-valid entry replaced in place at 0x${e.table.toString(16)}[${e.index}]`);
      }
      const s = p.stats();
      assert.equal(s.mappings[0], 0); assert.equal(s.shattered[0], 0);
      const drift = s.mappings.map((m, l) => m - s.leafCounts[l]);
      const rolledBack = events.some(e => e.kind === 'diagnostic' && e.diag.code === 'sim-stats-drift');
      if (drift.some((d, l) => d !== lastDrift[l])) assert.ok(rolledBack, `counters drifted without a sim-stats-drift diagnostic: ${drift}`);
      lastDrift = drift;
      if (poolPages !== 'unlimited') assert.equal(s.tablePages.inUse + s.tablePages.poolFree, poolPages, 'pool accounting');
      assert.equal(p.pagesList().length, s.tablePages.inUse, '`pages` list length');
      // translations
      const probes = new Set<number>();
      for (const o of ops.slice(-4)) for (const g of [o.gfn - 1, o.gfn, o.gfn + 1, o.gfn + o.nr - 1, o.gfn + o.nr, o.gfn + (o.nr >> 1)]) if (g >= 0) probes.add(g);
      for (let i = 0; i < 12; i++) probes.add(window + Math.floor(r() * 2 ** 19));
      for (const g of probes) {
        const ref = lookupRef(g);
        const got = p.lookup(g);
        if (!ref) { assert.equal(got.mfn, -1, `gfn 0x${g.toString(16)} should be a hole, got mfn 0x${got.mfn.toString(16)}`); continue; }
        assert.equal(got.mfn, ref.mfn + (g - ref.gfn), `gfn 0x${g.toString(16)} mfn`);
        assert.equal(got.type, ref.type, `gfn 0x${g.toString(16)} type`);
        assert.equal(got.access, memAccess ? ref.access : 7, `gfn 0x${g.toString(16)} access`);
        assert.equal(got.valid, true);
      }
    }
    // the incrementally maintained true counts equal a full walk
    const counts = [0, 0, 0, 0];
    for (const l of p.leaves()) { counts[l.level]++; assert.equal(l.lo & 1, 1, 'leaves hw-valid'); }
    assert.deepEqual(counts, p.stats().leafCounts, 'true counts vs full walk');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${msg}\n--- fuzz reproduction ---\n${ctx()}`);
  }
}

test('fuzz: random p2m_set_entry sequences vs a flat reference and the §8 invariants', () => {
  const base = Number(process.env.P2M_FUZZ_SEED ?? 20261125);
  const runs = Number(process.env.P2M_FUZZ_RUNS ?? 2000);
  for (let i = 0; i < runs; i++) runSequence(base + i, 16);
});
