import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readXentrace } from '../../../engine/trace/xentrace-reader';
import { writeXentrace } from '../../../engine/trace/xentrace-writer';
import { INVALID_MFN, TraceRecord } from '../../../engine/trace/records';
import { groupSetP2m } from '../../../engine/trace/group';
import { concat, rec, setP2m, u32s, win } from './helpers/bytes';

const INV = 0xffffffffffffffffn;
const strip = (r: TraceRecord): unknown => { const { loc: _l, ...rest } = r; return rest; };

test('layout: CPU-change record, 28-byte set_p2m record without TSC, Arm numbering', () => {
  const bytes = win(0, setP2m(0x40000, 0x100000n, 1, 1, 18));
  assert.equal(bytes.length, 12 + 28);
  assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0x03, 0xf0, 0x01, 0x20]);
  assert.deepEqual(Array.from(bytes.subarray(12, 16)), [0x04, 0xf0, 0x10, 0x60]); // header 0x6010F004
  const r = readXentrace(bytes);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.store.length, 1);
  const s = r.store.get(0);
  assert.deepEqual(strip(s), { kind: 'setAtOrder', domain: 1, gfn: 0x40000, order: 18, mfn: 0x100000, type: 'ram_rw', access: 'rwx', sourceType: { arch: 'arm', value: 1, name: 'ram_rw' } });
  assert.equal(s.loc.byteOffset, 12);
  assert.equal(s.loc.cpu, 0);
});

test('x86 numbering: 0 = ram_rw, 1 = invalid; unmap is INVALID_MFN with an invalid type', () => {
  const bytes = win(0, setP2m(0x200, 0x5000n, 0, 3, 9), setP2m(0x40000, INV, 1, 3, 9), setP2m(0x10, 0x10n, 5, 3, 0));
  const r = readXentrace(bytes, { arch: 'x86' });
  const [a, b, c] = r.store.toArray();
  assert.ok(a.kind === 'setAtOrder' && a.type === 'ram_rw' && a.mfn === 0x5000);
  assert.ok(b.kind === 'setAtOrder' && b.type === 'invalid' && b.mfn === INVALID_MFN);
  assert.ok(c.kind === 'setAtOrder' && c.type === 'mmio_direct_dev' && c.sourceType?.name === 'mmio_direct');
  assert.deepEqual(r.diagnostics, []);
});

test('x86 type without an Arm counterpart replays approximately, with one diagnostic naming it', () => {
  const bytes = win(0, setP2m(0x1, 0x1n, 2, 1, 0), setP2m(0x2, 0x2n, 2, 1, 0), setP2m(0x3, INV, 6, 1, 0));
  const r = readXentrace(bytes, { arch: 'x86' });
  const [a, , c] = r.store.toArray();
  assert.ok(a.kind === 'setAtOrder' && a.type === 'ram_ro');
  assert.ok(c.kind === 'setAtOrder' && c.type === 'invalid' && c.mfn === INVALID_MFN);
  assert.equal(r.diagnostics.length, 2);
  assert.match(r.diagnostics[0].message, /ram_logdirty \(2\) has no Arm counterpart: replayed as ram_ro \(2 records\)/);
  assert.match(r.diagnostics[1].message, /populate_on_demand/);
});

test('Arm 4.8 numbering differs from 4.12+', () => {
  const bytes = win(0, setP2m(0x1, 0x1n, 7, 1, 0));
  const r12 = readXentrace(bytes).store.get(0);
  const r8 = readXentrace(bytes, { armNumbering: '4.8' }).store.get(0);
  assert.ok(r12.kind === 'setAtOrder' && r12.type === 'map_foreign_ro');
  assert.ok(r8.kind === 'setAtOrder' && r8.type === 'grant_map_rw');
});

test('merge by TSC across CPUs; TSC-less records take their CPU\'s last TSC', () => {
  const bytes = concat(
    win(0, rec(0x0002f001, [0], 100n), setP2m(0xa, 0xan, 1, 1, 0), rec(0x0002f001, [0], 300n), setP2m(0xc, 0xcn, 1, 1, 0)),
    win(1, rec(0x0002f001, [0], 200n), setP2m(0xb, 0xbn, 1, 1, 0)),
  );
  const r = readXentrace(bytes);
  const sets = r.store.toArray().filter(x => x.kind === 'setAtOrder');
  assert.deepEqual(sets.map(x => x.kind === 'setAtOrder' && x.gfn), [0xa, 0xb, 0xc]);
  assert.deepEqual(sets.map(x => x.loc.tsc), [100n, 200n, 300n]);
  assert.deepEqual(sets.map(x => x.loc.cpu), [0, 1, 0]);
  assert.deepEqual(r.cpus, [0, 1]);
});

test('equal TSCs: the CPU processed most recently goes first', () => {
  const bytes = concat(
    win(0, rec(0x0002f001, [0], 100n), setP2m(0xa, 0xan, 1, 1, 0), setP2m(0xb, 0xbn, 1, 1, 0)),
    win(1, rec(0x0002f001, [0], 100n), setP2m(0xc, 0xcn, 1, 1, 0)),
  );
  const gfns = readXentrace(bytes).store.toArray().flatMap(x => (x.kind === 'setAtOrder' ? [x.gfn] : []));
  assert.deepEqual(gfns, [0xa, 0xb, 0xc]);
});

test('wrap padding is skipped by size (also the 36/40-byte TSC form); a window can span several', () => {
  const bytes = concat(
    win(0, setP2m(1, 1n, 1, 1, 0), rec(0x0001f002, [0xdead, 0xbeef]), setP2m(2, 2n, 1, 1, 0), rec(0x0001f002, [1, 2, 3, 4, 5, 6], 50n)),
    win(0, setP2m(3, 3n, 1, 1, 0)),
  );
  const r = readXentrace(bytes);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.store.toArray().map(x => x.kind === 'setAtOrder' && x.gfn), [1, 2, 3]);
});

test('lost records become a gap record and a diagnostic, ordered at first_tsc', () => {
  const lost = rec(0x0001f001, [7, 1 | (2 << 16), 150, 0], 400n);
  const bytes = concat(win(0, rec(0x0002f001, [0], 100n), rec(0x0002f001, [0], 200n)), win(1, lost));
  const r = readXentrace(bytes);
  const kinds = r.store.toArray().map(x => x.kind);
  assert.deepEqual(kinds, ['opaque', 'lostRecords', 'opaque']);
  const l = r.store.get(1);
  assert.ok(l.kind === 'lostRecords');
  assert.deepEqual([l.cpu, l.count, l.domain, l.vcpu, l.firstTsc, l.loc.tsc], [1, 7, 1, 2, 150n, 400n]);
  assert.match(r.diagnostics[0].message, /7 records lost on CPU 1 between TSC 150 and TSC 400/);
  assert.equal(r.diagnostics[0].cpu, 1);
});

test('other MEM records: grants, decrease_reservation and PoD in both layouts', () => {
  const bytes = win(0,
    rec(0x0010f001, [5], 10n), rec(0x0010f002, [6], 11n),
    rec(0x0010f005, [0x1234, 0, 3, 9]),                 // 4.18+: domid, order words
    rec(0x0010f005, [0x1234, 0, 3 | (9 << 16), 0xdeadbeef]), // pre-4.18: packed + garbage padding
    rec(0x0010f010, [0x200, 0, 0x5000, 0, 4, 9]),
    rec(0x0010f012, [0x400, 0, 2, 9]),
    rec(0x0010f012, [0x400, 0, 2, 0xcafef00d]),          // pre-4.18 splinter: no order
  );
  const r = readXentrace(bytes);
  const recs = r.store.toArray().map(strip);
  assert.deepEqual(recs, [
    { kind: 'otherMem', event: 'grantMap', domain: 5 },
    { kind: 'otherMem', event: 'grantUnmap', domain: 6 },
    { kind: 'otherMem', event: 'decreaseReservation', domain: 3, gfn: 0x1234, order: 9 },
    { kind: 'otherMem', event: 'decreaseReservation', domain: 3, gfn: 0x1234, order: 9 },
    { kind: 'otherMem', event: 'podPopulate', domain: 4, gfn: 0x200, mfn: 0x5000, order: 9 },
    { kind: 'otherMem', event: 'podSuperpageSplinter', domain: 2, gfn: 0x400, order: 9 },
    { kind: 'otherMem', event: 'podSuperpageSplinter', domain: 2, gfn: 0x400 },
  ]);
  const forced = readXentrace(win(0, rec(0x0010f005, [0x1, 0, 3, 0])), { memLayout: 'pre-4.18' }).store.get(0);
  assert.ok(forced.kind === 'otherMem' && forced.order === 0 && forced.domain === 3);
});

test('every other event passes through as opaque, without failing', () => {
  const bytes = win(2, rec(0x00028004, [1, 2, 3], 5n), rec(0x04000001, []), rec(0x0010f099, [9]));
  const r = readXentrace(bytes);
  assert.deepEqual(r.store.toArray().map(strip), [
    { kind: 'opaque', event: 0x00028004, words: [1, 2, 3] },
    { kind: 'opaque', event: 0x04000001, words: [] },
    { kind: 'opaque', event: 0x0010f099, words: [9] },
  ]);
  // 0x400 is a single bit but no known class: info, not an error.
  assert.deepEqual(r.diagnostics.map(d => d.severity), ['info']);
  assert.match(r.diagnostics[0].message, /unknown event class 0x400 /);
});

test('writer round trip: setEntry is chunked like p2m_set_entry; all binary kinds survive', () => {
  const L = (cpu: number) => ({ source: 'w', line: 0, column: 0, byteOffset: 0, cpu });
  const input: TraceRecord[] = [
    { kind: 'setEntry', domain: 1, gfn: 0x1ff, nr: 0x202, mfn: 0x2001ff, type: 'ram_rw', access: 'rwx', loc: L(0) },
    { kind: 'setEntry', domain: 1, gfn: 0x40000, nr: 0x40000, mfn: INVALID_MFN, type: 'invalid', access: 'rwx', loc: L(1) },
    { kind: 'otherMem', event: 'podZeroReclaim', domain: 2, gfn: 0x600, mfn: 0x7000, order: 9, loc: L(1) },
    { kind: 'opaque', event: 0x00081001, words: [1, 2, 3, 4, 5, 6, 7], loc: L(0) },
  ];
  for (const tsc of ['records', 'window-pad', 'none'] as const) {
    const w = writeXentrace(input, { tsc });
    assert.deepEqual(w.diagnostics, []);
    const r = readXentrace(w.bytes);
    assert.deepEqual(r.diagnostics, [], tsc);
    const out = r.store.toArray();
    const sets = out.filter(x => x.kind === 'setAtOrder');
    // 0x1ff..0x400 with nr 0x202: all 4K (nr unaligned) = 0x202 chunks; the 1G unmap = 1 chunk.
    assert.equal(sets.length, 0x202 + 1, tsc);
    if (tsc === 'records') {
      const last = sets[sets.length - 1];
      assert.ok(last.kind === 'setAtOrder' && last.order === 18 && last.mfn === INVALID_MFN && last.type === 'invalid');
      assert.deepEqual(out.slice(-2).map(strip), input.slice(-2).map(strip));
    }
  }
});

test('grouping option rebuilds calls from consecutive chunks', () => {
  const bytes = win(0,
    setP2m(0x1ff, 0x2001ffn, 1, 1, 0), setP2m(0x200, 0x200200n, 1, 1, 9), setP2m(0x400, 0x200400n, 1, 1, 0),
    setP2m(0x401, 0x9999n, 1, 1, 0), // MFN not contiguous: new call
    rec(0x0002f001, [0], 1n),
    setP2m(0x500, INV, 0, 1, 0), setP2m(0x501, INV, 0, 1, 0),
  );
  const g = groupSetP2m(readXentrace(bytes).store).toArray().map(strip);
  assert.deepEqual(g, [
    { kind: 'setEntry', domain: 1, gfn: 0x1ff, nr: 0x202, mfn: 0x2001ff, type: 'ram_rw', access: 'rwx' },
    { kind: 'setEntry', domain: 1, gfn: 0x401, nr: 1, mfn: 0x9999, type: 'ram_rw', access: 'rwx' },
    { kind: 'opaque', event: 0x0002f001, words: [0] },
    { kind: 'setEntry', domain: 1, gfn: 0x500, nr: 2, mfn: INVALID_MFN, type: 'invalid', access: 'rwx' },
  ]);
});

test('writer refuses more than 7 extra words with a diagnostic', () => {
  const w = writeXentrace([{ kind: 'opaque', event: 0x00021001, words: [1, 2, 3, 4, 5, 6, 7, 8], loc: { source: 's', line: 3, column: 1, byteOffset: 0 } }]);
  assert.equal(w.bytes.length, 0);
  assert.match(w.diagnostics[0].message, /8 extra words, a t_rec holds at most 7/);
});

test('arm32 INVALID_MFN (0x00000000ffffffff) with invalidMfn32', () => {
  const bytes = win(0, setP2m(0x10, 0xffffffffn, 0, 1, 0));
  const r = readXentrace(bytes, { invalidMfn32: true }).store.get(0);
  assert.ok(r.kind === 'setAtOrder' && r.mfn === INVALID_MFN);
  void u32s;
});

test('record times follow xenalyze: integer qhz arithmetic from the first timestamped record', async () => {
  const { writeXenalyze } = await import('../../../engine/trace/xenalyze-writer');
  const bytes = win(0, setP2m(1, 1n, 1, 1, 0, 1_000_000n), setP2m(2, 2n, 1, 1, 0, 1_002_400n), setP2m(3, 3n, 1, 1, 0));
  const recs = readXentrace(bytes).store.toArray();
  assert.deepEqual(recs.map(r => r.loc.time), [0, 0.000001, 0.000001]); // 2400 ticks at 2.4 GHz = 1000 ns
  const lines = writeXenalyze(recs).text.split('\n');
  assert.equal(lines[0], ' ' + ' '.repeat(14) + ' x d32768v0 set_p2m_entry d1 o0 t 1 g 1 m 1');
  assert.equal(lines[1], '   0.000001000 x d32768v0 set_p2m_entry d1 o0 t 1 g 2 m 2');
  const slow = readXentrace(bytes, { cpuHz: 24e6 }).store.get(1);
  // Arm generic timer at 24 MHz: 2400 ticks = 100 us exactly, but xenalyze's integer qhz
  // truncates 24.576 to 24, giving 102.4 us; we print what xenalyze prints.
  assert.equal(slow.loc.time, 0.0001024);
});

test('reading through a block cache with tiny blocks (records straddling blocks) equals reading from memory', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { FileSource } = await import('../../../engine/trace/byte-source');
  const { twoDomainRecords } = await import('./helpers/fixtures');
  const bytes = writeXentrace([...twoDomainRecords(), ...twoDomainRecords()], { tsc: 'window-pad', windowBytes: 100 }).bytes;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-blk-'));
  try {
    const f = path.join(dir, 't.xentrace');
    fs.writeFileSync(f, bytes);
    const mem = readXentrace(bytes);
    for (const bs of [7, 13, 64]) {
      const viaFile = readXentrace(new FileSource(f, bs, 2));
      assert.deepEqual(viaFile.diagnostics, mem.diagnostics, `block ${bs}`);
      assert.deepEqual(viaFile.store.toArray(), mem.store.toArray(), `block ${bs}`);
    }
    assert.equal(mem.store.length, 16);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
