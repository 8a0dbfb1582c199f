import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConsole } from '../../../engine/trace/console-reader';
import { writeConsole, dumpInfoLines } from '../../../engine/trace/console-writer';
import { stripConsolePrefix } from '../../../engine/trace/console-prefix';
import { compareDumpInfo, compareWalk } from '../../../engine/trace/checkpoint';
import { INVALID_MFN, TraceRecord } from '../../../engine/trace/records';
import { bootConsoleRecords, dom0BootXenlog } from './helpers/fixtures';

const strip = (r: TraceRecord): unknown => { const { loc: _l, ...rest } = r; return rest; };

test('prefixes and every timestamp form', () => {
  const cases: [string, Partial<ReturnType<typeof stripConsolePrefix>>][] = [
    ['(XEN) hello', { origin: 'xen', end: 6 }],
    ['(d12) hello', { origin: 'guest', guestDomain: 12, end: 6 }],
    ['(XEN) [2026-11-25 09:46:23] hello', { timestampKind: 'date', date: '2026-11-25 09:46:23', end: 28 }],
    ['(XEN) [2026-11-25 09:46:23.123] hello', { timestampKind: 'datems', end: 32 }],
    ['(XEN) [  123.456789] hello', { timestampKind: 'boot', bootSeconds: 123.456789, end: 21 }],
    ['(XEN) [00000012a05f2000] hello', { timestampKind: 'raw', raw: 0x12a05f2000n, end: 25 }],
    ['plain dom0 output', { origin: 'none', end: 0 }],
  ];
  for (const [line, want] of cases) {
    const got = stripConsolePrefix(line);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${line}: ${k}`);
    assert.equal(line.slice(got.end), line.startsWith('plain') ? line : 'hello');
  }
});

test('instrumented printk lines, p2m_dump_info checkpoint, mixed noise', () => {
  const r = readConsole(dom0BootXenlog(), { source: 'boot.xenlog' });
  const recs = r.store.toArray();
  assert.equal(recs.length, 6);
  assert.deepEqual(recs.map(strip), bootConsoleRecords().map(strip));
  const rm = recs[4];
  assert.ok(rm.kind === 'setEntry' && rm.mfn === INVALID_MFN && rm.type === 'invalid');
  assert.equal(recs[0].loc.time, 1.5);
  assert.equal(recs[0].loc.line, 7);
  assert.equal(recs[0].loc.column, 22);
  const cp = recs[5];
  assert.ok(cp.kind === 'checkpointDumpInfo');
  assert.deepEqual([cp.domain, cp.vmid, cp.mappings, cp.shattered], [0, 1, [0, 0, 512, 526], [0, 1, 1, 0]]);
  assert.deepEqual(r.diagnostics.map(d => d.severity), ['info']); // only the skipped-lines count
});

test('dump_p2m_lookup walks in the old and new styles become checkpoints', () => {
  const text = [
    '(XEN) dom1 IPA 0x0000000040201000',
    '(XEN) P2M @ ffff82d0402c1000 mfn:0x40000',
    '(XEN) Using concatenated root table 0',
    '(XEN) 1ST[0x001] = 0x800000800107ff',
    '(XEN) 2ND[0x1] = 0x00800000800117ff',
    '(XEN) 3RD[0x001] = 0x800003000007ff',
    '(XEN) dom1 IPA 0x0000000000200000',
    '(XEN) 1ST[0x000] = 0x0',
    '(XEN) something else',
  ].join('\n');
  const r = readConsole(text);
  const [a, b] = r.store.toArray();
  assert.ok(a.kind === 'checkpointLookup' && b.kind === 'checkpointLookup');
  assert.deepEqual([a.ipa, a.rootMfn, a.concatenatedRoot], [0x40201000n, 0x40000, 0]);
  assert.deepEqual(a.lines.map(l => [l.level, l.index, l.descriptor]), [[1, 1, 0x800000800107ffn], [2, 1, 0x800000800117ffn], [3, 1, 0x800003000007ffn]]);
  assert.deepEqual(b.lines.map(l => [l.level, l.index, l.descriptor]), [[1, 0, 0n]]);
  // Checkpoint comparison against an engine walk: one difference, both values named.
  const msgs = compareWalk(a, [
    { level: 1, index: 1, descriptor: 0x800000800107ffn },
    { level: 2, index: 1, descriptor: 0x800000800117ffn },
    { level: 3, index: 1, descriptor: 0x800002000017ffn },
  ]);
  assert.equal(msgs.length, 1);
  assert.match(msgs[0], /level 3 \[0x1\]: log says 0x800003000007ff, engine has 0x800002000017ff/);
  assert.deepEqual(compareWalk(b, [{ level: 1, index: 0, descriptor: 0n }]), []);
  assert.match(compareWalk(b, [])[0], /the engine walk stops/);
});

test('checkpoint mismatch names both values; a match gives no message', () => {
  const cp = bootConsoleRecords()[5];
  assert.ok(cp.kind === 'checkpointDumpInfo');
  assert.deepEqual(compareDumpInfo(cp, { mappings: [0, 0, 512, 526], shattered: [0, 1, 1, 0], vmid: 1 }), []);
  const msgs = compareDumpInfo(cp, { mappings: [0, 0, 512, 527], shattered: [0, 1, 0, 0], vmid: 2 });
  assert.deepEqual(msgs.map(m => m.replace(/^.*\): /, '')), [
    'vmid: log says 1, engine has 2',
    '2M shattered: log says 1, engine has 0',
    '4K mappings: log says 526, engine has 527',
  ]);
});

test('a broken p2m_dump_info block is reported and dropped; negative counters parse', () => {
  const text = [
    '(XEN) p2m mappings for domain 1 (vmid 1):',
    '(XEN)   1G mappings: 0 (shattered 1)',
    '(XEN)   2M mappings: lots',
    '(XEN) p2m mappings for domain 2 (vmid 3):',
    '(XEN)   1G mappings: 0 (shattered 1)',
    '(XEN)   2M mappings: 0 (shattered 1)',
    '(XEN)   4K mappings: -1',
  ].join('\n');
  const r = readConsole(text);
  assert.equal(r.store.length, 1);
  const c = r.store.get(0);
  assert.ok(c.kind === 'checkpointDumpInfo' && c.domain === 2 && c.mappings[3] === -1);
  assert.match(r.diagnostics[0].message, /expected '  2M mappings: <n> \(shattered <n>\)': checkpoint dropped/);
  assert.equal(r.diagnostics[0].line, 3);
});

test('round trip: console writer -> reader', () => {
  const input = bootConsoleRecords();
  const w = writeConsole(input, { timestamps: 'boot' });
  assert.deepEqual(w.diagnostics, []);
  const r = readConsole(w.text);
  assert.deepEqual(r.store.toArray().map(strip), input.map(strip));
  assert.deepEqual(r.store.toArray().map(x => x.loc.time), input.map(x => x.loc.time));
  assert.equal(dumpInfoLines({ domain: 1, vmid: 1, mappings: [0, 0, 511, 511], shattered: [0, 1, 1, 0] })[3], '  4K mappings: 511');
});

test('a .p2mtrace pasted behind console prefixes keeps its config; lone words stay log text', async () => {
  const { readTrace } = await import('../../../engine/trace/index');
  const text = '(XEN) config ipa_bits=48 pool_pages=8\n(XEN) end\n(XEN) dsb\n(XEN) p2m_set_entry d=1 gfn=0x1 nr=1 mfn=0x1 t=1 a=7\n';
  const r = readTrace(new TextEncoder().encode(text), { format: 'auto' });
  assert.equal(r.format, 'xen-console');
  assert.deepEqual(r.config, { ipaBits: 48, poolPages: 8 });
  assert.deepEqual(r.store.toArray().map(x => x.kind), ['config', 'setEntry']);
});
