// Builds the committed trace fixtures (test/fixtures/trace/) and user samples (samples/)
// with our own writers, so they stay consistent with the readers. Run
// `node scripts/gen-samples.mjs` to regenerate; trace/fixtures.test.ts checks they match.
import { TraceRecord, TraceLoc } from '../../../../engine/trace/records';
import { writeXentrace } from '../../../../engine/trace/xentrace-writer';
import { writeXenalyze } from '../../../../engine/trace/xenalyze-writer';
import { writeConsole } from '../../../../engine/trace/console-writer';
import { writeJsonl } from '../../../../engine/trace/jsonl';

const at = (cpu: number, time?: number): TraceLoc => ({ source: 'gen', line: 0, column: 0, byteOffset: 0, cpu, time });

/** A small two-domain, two-CPU workload with every binary record kind. */
export function twoDomainRecords(): TraceRecord[] {
  return [
    { kind: 'setAtOrder', domain: 1, gfn: 0x40000, order: 18, mfn: 0x100000, type: 'ram_rw', access: 'rwx', loc: at(0, 0.000001) },
    { kind: 'setAtOrder', domain: 2, gfn: 0x200, order: 9, mfn: 0x200000, type: 'ram_rw', access: 'rwx', loc: at(1, 0.000002) },
    { kind: 'otherMem', event: 'grantMap', domain: 1, loc: at(0, 0.000003) },
    { kind: 'setAtOrder', domain: 1, gfn: 0x40201, order: 0, mfn: 0x300000, type: 'ram_rw', access: 'rwx', loc: at(0, 0.000004) },
    { kind: 'setAtOrder', domain: 2, gfn: 0x205, order: 0, mfn: -1, type: 'invalid', access: 'rwx', loc: at(1, 0.000005) },
    { kind: 'otherMem', event: 'decreaseReservation', domain: 2, gfn: 0x205, order: 0, loc: at(1, 0.000006) },
    { kind: 'setAtOrder', domain: 1, gfn: 0x9000, order: 0, mfn: 0x9000, type: 'mmio_direct_dev', access: 'rwx', loc: at(0, 0.000007) },
    { kind: 'opaque', event: 0x0002f001, words: [1, 0x10], loc: at(1, 0.000008) },
  ];
}

export const MIXED_P2MTRACE = `# Every .p2mtrace statement once (fixture for the parser and the round trips)
config ipa_bits=40 mem_access=0 pool_pages=64 clean_pte=0 iommu=0
domain 1 vmid=1
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx rc=0
expect gfn=0x40201 mfn=0x300000 t=ram_rw order=0
expect_stats vmid=1 map1g=0 sh1g=1 map2m=511 sh2m=1 map4k=511
__p2m_set_entry gfn=0x1000 order=0 mfn=0x5000 t=ram_ro a=r
lookup gfn=0x1000
domain 2 vmid=2 pool_pages=unlimited
begin
p2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000 t=ram_rw a=rwx
p2m_set_entry gfn=0x205 nr=1 mfn=invalid t=invalid a=rwx
end
mem_access enable
mem_access gfn=0x200 nr=4 a=rx
invalidate_root
resolve_fault gfn=0x200 expect=1
relinquish d=2
write_pte d=1 table=0x80010 index=1 level=2 old=0 new=0x00800002000007fd
dsb d=1
tlb_flush d=1 vmid=1
(XEN) [   12.500000] lookup d=1 gfn=0x40201
expect_walk d=1 ipa=0x40201000 l1=0x001:0x800000800107ff l2=0x001:0x800000800117ff l3=0x001:0x800003000007ff
`;

export function bootConsoleRecords(): TraceRecord[] {
  const ops: [number, number, number, string][] = [
    [0x80000, 0x40000, 0x80000, 'ram_rw'],
    [0x9000, 0x10, 0x9000, 'mmio_direct_dev'],
    [0x3fe00, 0x200, 0x3fe00, 'mmio_direct_dev'],
    [0x80001, 1, 0x200001, 'ram_rw'],
    [0x9008, 1, -1, 'invalid'],
  ];
  const recs: TraceRecord[] = ops.map(([gfn, nr, mfn, type], i) => ({
    kind: 'setEntry', domain: 0, gfn, nr, mfn, type: type as 'ram_rw', access: 'rwx', rc: 0, loc: at(0, 1.5 + i * 0.001),
  }));
  // Hand-computed from p2m-model §5.3/§5.5 (see docs/capture-on-arm.md, "worked example"):
  // 1G block, then 16 x 4K MMIO, one 2M MMIO block, a 4K remap inside the 1G block
  // (splits 1G -> 512 x 2M -> 512 x 4K; the replaced page's free costs one 4K count),
  // and one 4K removal.
  recs.push({ kind: 'checkpointDumpInfo', domain: 0, vmid: 1, mappings: [0, 0, 512, 526], shattered: [0, 1, 1, 0], loc: at(0, 2.0) });
  return recs;
}

export const DOM0_BOOT_HEADER = [
  '(XEN) [    0.000000] Xen version 4.21 (sample log written by P2M Debugger, not captured from real hardware)',
  '(XEN) [    0.001000] P2M: 40-bit IPA with 40-bit PA and 8-bit VMID',
  '(XEN) [    0.001000] P2M: 3 levels with order-1 root, VTCR 0x0000000080023558',
  '(XEN) [    1.400000] p2m tracing: instrumented build, see docs/capture-on-arm.md',
  'Linux version 6.6 (dom0 kernel console, no prefix)',
  '(d1) guest console output is skipped',
].join('\n') + '\n';

export function dom0BootXenlog(): string {
  const recs = bootConsoleRecords();
  const ops = writeConsole(recs.slice(0, 5), { timestamps: 'boot' }).text;
  const dump = writeConsole(recs.slice(5), { timestamps: 'boot' }).text.split('\n').filter(l => l !== '');
  const q = [
    "(XEN) [    2.000000] 'q' pressed -> dumping domain info (now = 2000000000)",
    '(XEN) [    2.000000] General information for domain 0:',
    '(XEN) [    2.000000]     refcnt=3 dying=0 pause_count=0',
    ...dump,
  ];
  return DOM0_BOOT_HEADER + ops + q.join('\n') + '\n';
}

export const SEED_SAMPLE = `# Seed scenario (p2m-model.md §6.2, golden G4): replace one 4K page inside a 1G block.
# Xen/Arm splits the 1G block into 2M blocks, then the 2M block into 4K pages, with
# break-before-make: 2 forced TLB flushes, 2 table pages, 4K count drifts by -1.
config ipa_bits=40 mem_access=0 pool_pages=64 clean_pte=0 iommu=0

# G1: one 1G block at GFN 0x40000 -> MFN 0x100000 (root R0[1])
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx

# The remap: GFN 0x40201 -> MFN 0x300000
p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx

expect gfn=0x40201 mfn=0x300000 t=ram_rw order=0
expect gfn=0x40200 mfn=0x100200 t=ram_rw order=0
expect gfn=0x40400 mfn=0x100400 t=ram_rw order=9
expect_stats vmid=1 map1g=0 sh1g=1 map2m=511 sh2m=1 map4k=511
`;

export const POOL_SAMPLE = `# Pool exhaustion (p2m-model.md §9, golden G10): a one-page p2m pool cannot hold the two
# table pages a 1G -> 4K split needs. The split fails with -ENOMEM (-12) before the live
# tree is touched: the 1G block stays, no TLB flush, but shattered[1G] stays incremented.
config ipa_bits=40 pool_pages=1

p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
p2m_set_entry gfn=0x40201 nr=1 mfn=0x300000 t=ram_rw a=rwx rc=-12

expect gfn=0x40201 mfn=0x100201 t=ram_rw order=18
expect_stats vmid=1 map1g=1 sh1g=1 map2m=0 sh2m=0 map4k=0
`;

export const BBM_SAMPLE = `# A developer's own PTE write sequence, checked by the break-before-make checker.
# Table pages: root 0x40000 (level 1), L2 table 0x80010, L3 table 0x80011.
# It replaces a live 2M block with a table entry in place (no break, no flush) and then
# changes the output address of a live 4K page in place: both violate Arm ARM
# "Using break-before-make when updating translation table entries".

# Link the L2 table under root entry 0 and map a 2M block (invalid -> valid: no BBM needed)
write_pte table=0x40000 index=0 level=1 old=0 new=0x00800000800107ff
dsb
write_pte table=0x80010 index=1 level=2 old=0 new=0x00800002000007fd
dsb

# Prepare an L3 table off-line (not reachable yet)
write_pte table=0x80011 index=0 level=3 old=0 new=0x00800002000007ff
write_pte table=0x80011 index=1 level=3 old=0 new=0x00800002000017ff
dsb

# VIOLATION 1: block -> table in place (should be: write 0, dsb, tlb_flush, then the table)
write_pte table=0x80010 index=1 level=2 old=0x00800002000007fd new=0x00800000800117ff
dsb
tlb_flush

# VIOLATION 2: new output address for a live, valid page without a break
write_pte table=0x80011 index=1 level=3 old=0x00800002000017ff new=0x00800003000017ff
dsb
tlb_flush

# Correct sequence for comparison: break, flush, make
write_pte table=0x80011 index=0 level=3 old=0x00800002000007ff new=0
dsb
tlb_flush
write_pte table=0x80011 index=0 level=3 old=0 new=0x00800003000007ff
dsb
`;

/** Files relative to the repository root → contents. */
export function buildFiles(): Record<string, string | Uint8Array> {
  const two = twoDomainRecords();
  const boot = bootConsoleRecords();
  return {
    'test/fixtures/trace/mixed.p2mtrace': MIXED_P2MTRACE,
    'test/fixtures/trace/two-domains.xentrace': writeXentrace(two, { tsc: 'records' }).bytes,
    'test/fixtures/trace/two-domains.xenalyze': writeXenalyze(two).text,
    'test/fixtures/trace/two-domains.jsonl': writeJsonl(two),
    'test/fixtures/trace/boot.xenlog': dom0BootXenlog(),
    'samples/seed-4k-remap-in-1g.p2mtrace': SEED_SAMPLE,
    'samples/pool-exhaustion.p2mtrace': POOL_SAMPLE,
    'samples/bbm-violation-writes.p2mtrace': BBM_SAMPLE,
    'samples/dom0-boot.xenlog': dom0BootXenlog(),
    'samples/dom0-boot.xentrace': writeXentrace(boot, { tsc: 'window-pad' }).bytes,
  };
}
