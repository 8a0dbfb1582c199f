import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readXenalyze, XenalyzeReader } from '../../../engine/trace/xenalyze-reader';
import { writeXenalyze } from '../../../engine/trace/xenalyze-writer';
import { INVALID_MFN, TraceRecord } from '../../../engine/trace/records';
import { twoDomainRecords } from './helpers/fixtures';

const strip = (r: TraceRecord): unknown => { const { loc: _l, ...rest } = r; return rest; };

test('set_p2m_entry lines: timed and blank headers, CPU = position of x, x86 types', () => {
  const text = [
    'scan_for_new_pcpu: Activating pcpu 1 at offset 4096',
    '   0.000001141 x. d32768v0 set_p2m_entry d1 o9 t 1 g b3aa800 m d0adc00',
    '                .x d1v3 set_p2m_entry d1 o9 t 0 g 40000 m 1234',
    '  12.500000000 | x d?v? set_p2m_entry d7 o0 t 1 g 40000 m ffffffffffffffff',
    'Creating domain 1',
  ].join('\n');
  const r = readXenalyze(text, { arch: 'x86' });
  const recs = r.store.toArray();
  assert.equal(recs.length, 3);
  const [a, b, c] = recs;
  assert.deepEqual(strip(a), { kind: 'setAtOrder', domain: 1, gfn: 0xb3aa800, order: 9, mfn: INVALID_MFN, type: 'invalid', access: 'rwx', sourceType: { arch: 'x86', value: 1, name: 'invalid' } });
  assert.deepEqual([a.loc.line, a.loc.cpu, a.loc.time], [2, 0, 0.000001141]);
  assert.ok(b.kind === 'setAtOrder' && b.type === 'ram_rw' && b.mfn === 0x1234 && b.loc.cpu === 1 && b.loc.time === undefined);
  assert.ok(c.kind === 'setAtOrder' && c.mfn === INVALID_MFN && c.loc.cpu === 2 && c.domain === 7);
  // the current vCPU of the line's CPU
  assert.deepEqual([a.loc.curDomain, a.loc.curVcpu, b.loc.curDomain, b.loc.curVcpu, c.loc.curDomain, c.loc.curVcpu], [32768, 0, 1, 3, undefined, undefined]);
  assert.equal(r.skippedLines, 2);
  assert.match(r.diagnostics.find(d => d.severity === 'info')!.message, /2 line\(s\) not decoded/);
});

test('lost_records, MEM lines and generic lines', () => {
  const text = [
    '   0.000002000 x. d32768v0 lost_records count 42 d1v2 (cur d32768v0) first_tsc 123456789',
    '               x. lost_records end ---',
    '   0.000003000 .x d32768v1 decrease_reservation d3 o2 g 1234',
    '   0.000003000 .x d32768v1 pod_zero_reclaim d3 o9 g 600 m 7000 ctx balloon',
    '   0.000003000 .x d32768v1 grant-unmap domain 9',
    ']  0.000004000 x. d32768v0   28004(002:8:004) 3 [ 1 a ffffffff ]',
  ].join('\n');
  const r = readXenalyze(text);
  assert.deepEqual(r.store.toArray().map(strip), [
    { kind: 'lostRecords', cpu: 0, count: 42, domain: 1, vcpu: 2, firstTsc: 123456789n },
    { kind: 'otherMem', event: 'decreaseReservation', domain: 3, order: 2, gfn: 0x1234 },
    { kind: 'otherMem', event: 'podZeroReclaim', domain: 3, order: 9, gfn: 0x600, mfn: 0x7000 },
    { kind: 'otherMem', event: 'grantUnmap', domain: 9 },
    { kind: 'opaque', event: 0x28004, words: [1, 10, 0xffffffff] },
  ]);
  assert.match(r.diagnostics[0].message, /42 records lost on CPU 0/);
  assert.equal(r.skippedLines, 0);
});

test('streaming: chunks split anywhere give the same records', () => {
  const text = writeXenalyze(twoDomainRecords()).text;
  const whole = readXenalyze(text).store.toArray();
  const x = new XenalyzeReader('<xenalyze>');
  for (let i = 0; i < text.length; i += 7) x.feed(text.slice(i, i + 7));
  assert.deepEqual(x.end().store.toArray(), whole);
});

test('round trip: writer -> reader keeps every record xenalyze can show', () => {
  const input = twoDomainRecords();
  const w = writeXenalyze(input);
  assert.deepEqual(w.diagnostics, []);
  const r = readXenalyze(w.text);
  assert.deepEqual(r.diagnostics, []);
  const out = r.store.toArray();
  assert.deepEqual(out.map(x => { const s = strip(x) as Record<string, unknown>; delete s.sourceType; return s; }), input.map(strip));
  assert.deepEqual(out.map(x => x.loc.cpu), input.map(x => x.loc.cpu));
  assert.deepEqual(out.map(x => x.loc.time), input.map(x => x.loc.time));
});
