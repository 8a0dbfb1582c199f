// Cross-check against the real engine's event stream (upstream strategy): the §6.2 seed numbers,
// and seeded random workloads over several configurations that must never produce a BBM finding,
// a stale-TLB hazard, or a disagreement about which table pages are live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import { BbmChecker, BbmCheckerOptions } from '../../../engine/tlb/bbm-checker';
import { feedLog, TlbEventSink } from '../../../engine/tlb/event-sink';
import { TlbModel } from '../../../engine/tlb/tlb-model';
import { rng } from '../helpers/rng';

function feed(p: P2m, sinks: TlbEventSink[], from = 0): void { feedLog(p.log, sinks, from); }


test('engine G4 (§6.2 seed): 0 violations, 2 forced flushes, 4 live and 1025 fresh stores', () => {
  const p = new P2m({ ipaBits: 40 });
  const c = new BbmChecker();
  p.setEntry(0x40000, 0x40000, 0x100000);
  feed(p, [c]);
  const before = { ...c.counts };
  const from = p.log.length;
  p.setEntry(0x40201, 1, 0x300000);
  feed(p, [c], from);
  assert.equal(c.counts.violations, 0);
  assert.equal(c.counts.flushes - before.flushes, 2);
  assert.equal(c.counts.flushesByCause['bbm-split'], 1);
  assert.equal(c.counts.flushesByCause['bbm-replace'], 1);
  assert.equal(c.counts.livePteWrites - before.livePteWrites, 4);
  assert.equal(c.counts.freshPteWrites - before.freshPteWrites, 1025);
  assert.equal(c.counts.tablesAllocated, 2);
  assert.equal(c.counts.liveMismatches, 0);
});

interface Cfg { ipaBits: number; memAccess: boolean; cleanPte: boolean; poolPages: number | 'unlimited' }

function randomWorkload(seed: number, cfg: Cfg, ops: number): { checker: BbmChecker; tlb: TlbModel; log: string[] } {
  const r = rng(seed);
  const p = new P2m({ ipaBits: cfg.ipaBits, cleanPte: cfg.cleanPte, iommuEnabled: cfg.cleanPte, poolPages: cfg.poolPages });
  const opts: BbmCheckerOptions = { cleanPte: cfg.cleanPte, recordWaste: false };
  const checker = new BbmChecker(opts);
  const tlb = new TlbModel({ walkAfterWrite: true, speculative: 'recent' });
  const log: string[] = [];
  const span = 1 << 20; // GFNs < 4 GiB of IPA: a few 1G slots, many collisions
  if (cfg.memAccess) p.enableMemAccess(); // every range is then mapped 4K by 4K: keep ranges small
  let from = 0;
  for (let k = 0; k < ops; k++) {
    const x = r();
    // Mostly small ranges; a few aligned 1G ones (a misaligned 1G range would be 262144 4K stores).
    const order = [0, 0, 0, 0, 9, 9, 9, 18][Math.floor(r() * 8)];
    const gfn = Math.floor(r() * span / 2 ** order) * 2 ** order;
    const nr = order === 0 && r() < 0.3 ? 1 + Math.floor(r() * 700) : 2 ** order;
    const mfn = order === 18 || r() < 0.5 ? gfn : Math.floor(r() * 0x10000) * 2 ** order;
    if (cfg.memAccess && order > 0) continue;
    if (x < 0.55) { log.push(`map ${gfn.toString(16)} ${nr.toString(16)} ${mfn.toString(16)}`); p.setEntry(gfn, nr, mfn, r() < 0.8 ? 'ram_rw' : 'ram_ro'); }
    else if (x < 0.8) { log.push(`remove ${gfn.toString(16)} ${nr.toString(16)}`); p.setEntry(gfn, nr, -1, 'invalid'); }
    else if (x < 0.88) {
      // set_mem_access turns mem_access on for good (every later range goes 4K by 4K): memAccess configs only.
      if (!cfg.memAccess) continue;
      log.push(`access ${gfn.toString(16)}`); p.setMemAccess(gfn, Math.min(nr, 64), ['r', 'rw', 'rwx', 'n'][Math.floor(r() * 4)]); }
    else if (x < 0.91) { log.push('invalidateRoot'); p.invalidateRoot(); }
    else if (x < 0.95) { log.push(`lookup ${gfn.toString(16)}`); p.lookupOp(gfn); }
    else { log.push(`resolve ${gfn.toString(16)}`); p.resolveTranslationFault(gfn); }
    feed(p, [checker, tlb], from);
    from = p.log.length;
  }
  checker.finish(from); tlb.finish(from);
  return { checker, tlb, log };
}

test('engine fuzz (upstream): random workloads never violate BBM, never leave a stale TLB entry', () => {
  const cfgs: Cfg[] = [
    { ipaBits: 40, memAccess: false, cleanPte: false, poolPages: 'unlimited' },
    { ipaBits: 48, memAccess: false, cleanPte: true, poolPages: 'unlimited' },
    { ipaBits: 32, memAccess: true, cleanPte: false, poolPages: 'unlimited' },
    { ipaBits: 40, memAccess: false, cleanPte: true, poolPages: 6 },
  ];
  for (let seed = 1; seed <= 24; seed++) {
    const cfg = cfgs[seed % cfgs.length];
    const { checker, tlb, log } = randomWorkload(seed, cfg, 60);
    const msg = () => `seed ${seed} cfg ${JSON.stringify(cfg)}\n` +
      `findings ${JSON.stringify(checker.violations.slice(0, 3).map(f => [f.rule, f.message, f.events]))}\n` +
      `hazards ${JSON.stringify(tlb.hazards.slice(0, 3).map(h => [h.kind, h.entry.gfn, h.message]))}\nops: ${log.join('; ')}`;
    assert.equal(checker.counts.violations, 0, msg());
    assert.equal(checker.counts.liveMismatches, 0, msg());
    assert.equal(tlb.hazards.length, 0, msg());
  }
});
