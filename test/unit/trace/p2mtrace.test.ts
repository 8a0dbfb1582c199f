import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseP2mTrace, P2mTraceParser } from '../../../engine/trace/p2mtrace';
import { INVALID_MFN } from '../../../engine/trace/records';

test('minimal engine contract: comment, config, p2m_set_entry', () => {
  const text = [
    '# seed',
    'config ipa_bits=40 mem_access=0 pool_pages=64 clean_pte=0 iommu=1',
    'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx  # 1G',
    'p2m_set_entry gfn=0x40201 nr=1 mfn=invalid t=invalid a=rwx',
    'p2m_set_entry gfn=0x10 nr=0x1 mfn=0x5 t=mmio_direct_dev a=r_pw',
  ].join('\n');
  const r = parseP2mTrace(text, 't.p2mtrace');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.config, { ipaBits: 40, memAccess: false, poolPages: 64, cleanPte: false, iommu: true });
  assert.equal(r.records.length, 4);
  const s = r.records[1];
  assert.equal(s.kind, 'setEntry');
  if (s.kind !== 'setEntry') return;
  assert.deepEqual([s.domain, s.gfn, s.nr, s.mfn, s.type, s.access], [1, 0x40000, 0x40000, 0x100000, 'ram_rw', 'rwx']);
  assert.deepEqual([s.loc.line, s.loc.column], [3, 1]);
  const u = r.records[2];
  assert.ok(u.kind === 'setEntry' && u.mfn === INVALID_MFN && u.type === 'invalid');
  const m = r.records[3];
  assert.ok(m.kind === 'setEntry' && m.type === 'mmio_direct_dev' && m.access === 'r_pw');
  // byte offset of line 3 = lengths of lines 1, 2 plus newlines
  assert.equal(s.loc.byteOffset, '# seed\n'.length + 'config ipa_bits=40 mem_access=0 pool_pages=64 clean_pte=0 iommu=1\n'.length);
});

test('pool_pages=unlimited and (XEN) prefixes with timestamps', () => {
  const r = parseP2mTrace('(XEN) config pool_pages=unlimited\n(XEN) [  12.345678] p2m_set_entry gfn=0x1 nr=1 mfn=0x2 t=ram_ro a=r\n', 's');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.config.poolPages, 'unlimited');
  const rec = r.records[1];
  assert.ok(rec.kind === 'setEntry' && rec.type === 'ram_ro' && rec.loc.column === 21);
});

test('errors say what was expected, with line and column', () => {
  const r = parseP2mTrace('p2m_set_entry gfn=0xzz nr=1 mfn=1\np2m_set_entry nr=1 mfn=1 t=bogus\nfrobnicate\n', 'e');
  assert.equal(r.records.length, 0);
  const [a, b, c] = r.diagnostics;
  assert.match(a.message, /gfn: expected a number/);
  assert.deepEqual([a.line, a.column], [1, 19]);
  assert.match(b.message, /t: expected a p2m type/);
  assert.equal(b.line, 2);
  assert.match(c.message, /unknown statement 'frobnicate'/);
});

test('missing field, config after first op, end without begin', () => {
  const r = parseP2mTrace('p2m_set_entry gfn=1 nr=1\np2m_set_entry gfn=1 nr=1 mfn=2\nconfig ipa_bits=48\nend\n', 'x');
  assert.equal(r.records.length, 1);
  assert.equal(r.config.ipaBits, undefined);
  assert.match(r.diagnostics[0].message, /missing mfn=/);
  assert.match(r.diagnostics[1].message, /config must appear before/);
  assert.match(r.diagnostics[2].message, /'end' without a matching 'begin'/);
});

test('streaming feed in tiny chunks gives the same result as whole-text parse', () => {
  const text = 'config ipa_bits=40\r\ndomain 2\np2m_set_entry gfn=0x200 nr=0x200 mfn=0x200000\nwrite_pte table=0x80010 index=1 level=2 old=0 new=0x00800002000007fd\nbegin\ntlb_flush\ndsb\nend\nlookup gfn=0x205';
  const whole = parseP2mTrace(text, 'w');
  const p = new P2mTraceParser('w');
  for (let i = 0; i < text.length; i += 3) p.feed(text.slice(i, i + 3));
  const parts = p.end();
  assert.deepEqual(parts, whole);
  assert.deepEqual(whole.diagnostics, []);
  assert.deepEqual(whole.records.map(r => r.kind), ['config', 'domain', 'setEntry', 'writePte', 'beginLock', 'tlbFlush', 'dsb', 'endLock', 'lookup']);
  const w = whole.records[3];
  assert.ok(w.kind === 'writePte' && w.new === 0x00800002000007fdn && w.domain === 2);
});

test('overlong line and binary data are diagnostics, not exceptions', () => {
  const r = parseP2mTrace('x'.repeat(100_000) + '\n\u0000\u0001\u0002garbage\np2m_set_entry gfn=1 nr=1 mfn=1\n', 'b');
  assert.equal(r.records.length, 1);
  assert.equal(r.records[0].loc.line, 3);
  assert.match(r.diagnostics[0].message, /line longer than/);
  assert.match(r.diagnostics[1].message, /binary data/);
});

test('each statement rejects bad input with a message naming what was expected', () => {
  const cases: [string, RegExp][] = [
    ['domain', /domain: expected a domain id/],
    ['domain 70000', /expected a domain id \(0\.\.65535\)/],
    ['mem_access disable', /mem_access: expected 'enable' or gfn=… nr=… a=…, found 'disable'/],
    ['mem_access gfn=0x1 nr=1', /expected 'enable' or all of gfn=… nr=… a=…/],
    ['write_pte table=0x80010 index=512 old=0 new=1', /index 0\.\.511/],
    ['write_pte table=0x80010 index=1 old=0', /missing new=/],
    ['write_pte table=0x80010 index=1 old=0 new=0x1ffffffffffffffff', /new: expected a 64-bit number/],
    ['p2m_set_entry gfn=0x1 nr=1 mfn=0x1 a=rwxx', /a: expected an access/],
    ['p2m_set_entry gfn=0x20000000000000 nr=1 mfn=1', /gfn: expected a number .* below 2\^53/],
    ['config arch=x86', /arch expected arm64 or arm32/],
    ['config mem_access=2', /mem_access: expected 0 or 1/],
    ['expect_stats map1g=0 sh1g=0 map2m=x sh2m=0 map4k=0', /map2m: expected a signed decimal integer/],
    ['expect_walk ipa=0x1000 l1=1:2:3', /l1: expected <index>:<descriptor>/],
    ['mem_event ev=frob d=1', /mem_event: ev expected one of grantMap/],
    ['resolve_fault', /missing gfn=/],
    ['lookup gfn', /expected key=value, found 'gfn'/],
  ];
  for (const [line, re] of cases) {
    const r = parseP2mTrace(line + '\n', 'c');
    assert.equal(r.records.length, 0, line);
    assert.equal(r.diagnostics.length, 1, `${line}: ${JSON.stringify(r.diagnostics)}`);
    assert.match(r.diagnostics[0].message, re, line);
    assert.equal(r.diagnostics[0].severity, 'error', line);
  }
});

test('warnings: unknown field, duplicate field, unclosed begin, nested begin', () => {
  const r = parseP2mTrace('begin\nbegin\nlookup gfn=1 colour=red gfn=2\n', 'w');
  assert.deepEqual(r.diagnostics.map(d => [d.line, d.severity]), [[2, 'error'], [3, 'warning'], [3, 'warning'], [1, 'warning']]);
  assert.match(r.diagnostics[1].message, /unknown field 'colour' for lookup: expected gfn, d/);
  assert.match(r.diagnostics[2].message, /duplicate field 'gfn'/);
  assert.match(r.diagnostics[3].message, /'begin' without a matching 'end'/);
  const l = r.records[1];
  assert.ok(l.kind === 'lookup' && l.gfn === 2);
});

test('numeric types/accesses (instrumented printk form) and p2m_ prefixes', () => {
  const r = parseP2mTrace('p2m_set_entry gfn=1 nr=1 mfn=0xffffffffffffffff t=0 a=7\n__p2m_set_entry gfn=2 order=9 mfn=2 t=p2m_mmio_direct_c a=p2m_access_rx\n', 'n');
  assert.deepEqual(r.diagnostics, []);
  const [a, b] = r.records;
  assert.ok(a.kind === 'setEntry' && a.mfn === INVALID_MFN && a.type === 'invalid' && a.access === 'rwx');
  assert.ok(b.kind === 'setAtOrder' && b.order === 9 && b.type === 'mmio_direct_c' && b.access === 'rx');
});
