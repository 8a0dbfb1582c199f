// Every bad input listed in issue 5: each yields a diagnostic with a location, the reader
// continues where it can, and nothing throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readXentrace } from '../../../engine/trace/xentrace-reader';
import { readTrace } from '../../../engine/trace/index';
import { readXenalyze } from '../../../engine/trace/xenalyze-reader';
import { readConsole } from '../../../engine/trace/console-reader';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { concat, rec, setP2m, u32s, win } from './helpers/bytes';

const good = (gfn: number) => setP2m(gfn, BigInt(gfn), 1, 1, 0);

test('truncated window: records before the cut are kept, the cut is reported with offset and CPU', () => {
  const full = concat(win(0, good(1), good(2)), win(1, good(3), good(4)));
  const cut = full.subarray(0, full.length - 10);
  const r = readXentrace(cut);
  assert.deepEqual(r.store.toArray().map(x => x.kind === 'setAtOrder' && x.gfn), [1, 2, 3]);
  assert.ok(r.diagnostics.some(d => /beyond the end of the file/.test(d.message) && d.byteOffset === 68 && d.cpu === 1));
  assert.ok(r.diagnostics.some(d => /needs 28 bytes but the window ends/.test(d.message) && d.cpu === 1));
});

test('window_size beyond EOF is clipped to the file', () => {
  const bytes = concat(u32s(0x2001f003, 0, 0x7ffffff0), good(9));
  const r = readXentrace(bytes);
  assert.equal(r.store.length, 1);
  assert.match(r.diagnostics[0].message, /window_size 2147483632 at 0x0 runs \d+ bytes beyond the end/);
});

test('bad CPU-change record: resynchronise at the next window', () => {
  const bytes = concat(win(0, good(1)), u32s(0xdeadbeef, 1, 2, 3), win(1, good(2)));
  const r = readXentrace(bytes);
  assert.deepEqual(r.store.toArray().map(x => x.kind === 'setAtOrder' && x.gfn), [1, 2]);
  assert.equal(r.diagnostics[0].byteOffset, 40);
  assert.match(r.diagnostics[0].message, /expected a CPU-change record.*found 0xdeadbeef/);
  assert.match(r.diagnostics[1].message, /resynchronised at the CPU-change record at 0x38/);
});

test('bad record header (class with several bits): rest of window skipped, next window read', () => {
  const bytes = concat(win(0, good(1), u32s(0x00030001), good(2)), win(0, good(3)));
  const r = readXentrace(bytes);
  assert.deepEqual(r.store.toArray().map(x => x.kind === 'setAtOrder' && x.gfn), [1, 3]);
  assert.match(r.diagnostics[0].message, /bad record header 0x00030001 at 0x28: class 0x3 must have exactly one bit set/);
  assert.equal(r.diagnostics[0].cpu, 0);
});

test('unknown event class and a set_p2m record with too few words are kept as opaque', () => {
  const bytes = win(0, rec(0x08001234, [1]), rec(0x0010f004, [1, 2, 3]));
  const r = readXentrace(bytes);
  assert.deepEqual(r.store.toArray().map(x => x.kind), ['opaque', 'opaque']);
  assert.ok(r.diagnostics.some(d => /with 3 extra words, expected 6/.test(d.message)));
});

test('more than 7 extra words: xenalyze generic line and p2mtrace trace_event are rejected with a diagnostic', () => {
  const x = readXenalyze(']   0.000000100 x d32768v0   21001(002:1:001) 8 [ 1 2 3 4 5 6 7 8 ]\n');
  assert.equal(x.store.length, 0);
  assert.match(x.diagnostics[0].message, /lists 8 words, a trace record holds at most 7/);
  const p = parseP2mTrace('trace_event id=0x21001 words=1,2,3,4,5,6,7,8\n', 'p');
  assert.equal(p.records.length, 0);
  assert.match(p.diagnostics[0].message, /words: expected comma-separated 32-bit words \(at most 7\)/);
});

test('non-hex fields: xenalyze reports the column, p2mtrace says what it expected', () => {
  const line = '   0.000000100 x d32768v0 set_p2m_entry d1 o9 t 1 g 40zz0 m 1000';
  const x = readXenalyze(line + '\n');
  assert.equal(x.store.length, 0);
  assert.equal(x.diagnostics[0].column, line.indexOf('40zz0') + 1);
  assert.match(x.diagnostics[0].message, /expected <hex>, found '40zz0'/);
  const p = parseP2mTrace('p2m_set_entry gfn=0x1 nr=1 mfn=0xq\n', 'p');
  assert.equal(p.diagnostics[0].column, 'p2m_set_entry gfn=0x1 nr=1 mfn='.length + 1);
});

test('overlong line in every text reader', () => {
  const long = 'y'.repeat(50_000) + '\n';
  for (const [name, r] of [
    ['xenalyze', readXenalyze(long + '   0.000000100 x d32768v0 grant-map domain 3\n')],
    ['console', readConsole(long + '(XEN) p2m_set_entry d=1 gfn=0x1 nr=1 mfn=0x1 t=1 a=7\n')],
  ] as const) {
    assert.equal(r.store.length, 1, name);
    assert.equal(r.store.get(0).loc.line, 2, name);
    assert.match(r.diagnostics[0].message, /line longer than/, name);
  }
});

test('a binary file given as text, and a text file given as binary', () => {
  const bin = concat(win(0, good(1)));
  for (const format of ['p2mtrace', 'xenalyze', 'xen-console', 'jsonl'] as const) {
    const r = readTrace(bin, { format });
    assert.equal(r.store.length, 0, format);
    assert.match(r.diagnostics[0].message, /binary data/, format);
  }
  const text = new TextEncoder().encode('p2m_set_entry gfn=0x1 nr=1 mfn=0x1\n');
  const r = readTrace(text, { format: 'xentrace' });
  assert.equal(r.store.length, 0);
  assert.ok(r.diagnostics.some(d => /looks like a text file/.test(d.message)));
  assert.ok(r.diagnostics.some(d => /expected a CPU-change record/.test(d.message)));
});

test('empty file, in every format and in auto mode', () => {
  const empty = new Uint8Array(0);
  assert.match(readTrace(empty, { format: 'xentrace' }).diagnostics[0].message, /empty file/);
  for (const format of ['p2mtrace', 'xenalyze', 'xen-console', 'jsonl'] as const) {
    const r = readTrace(empty, { format });
    assert.equal(r.store.length, 0);
  }
  const auto = readTrace(empty, { format: 'auto' });
  assert.equal(auto.format, undefined);
  assert.match(auto.diagnostics[0].message, /cannot detect the trace format: empty input/);
});

test('2 GB file (sparse): every reader finishes quickly with a diagnostic, memory stays small', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-2g-'));
  const zeros = path.join(dir, 'zeros.dat');
  const framed = path.join(dir, 'framed.xentrace');
  try {
    fs.writeFileSync(zeros, '');
    fs.truncateSync(zeros, 2 ** 31);
    // A valid first window whose window_size claims nearly the whole 2 GB, then zeros.
    fs.writeFileSync(framed, concat(u32s(0x2001f003, 0, 2 ** 31 - 64), good(1)));
    fs.truncateSync(framed, 2 ** 31);
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    const auto = readTrace(zeros);
    assert.match(auto.diagnostics[0].message, /cannot detect the trace format: binary data/);
    const forced = readTrace(zeros, { format: 'xentrace' });
    assert.ok(forced.diagnostics.some(d => /no further CPU-change record found/.test(d.message)));
    for (const format of ['p2mtrace', 'xenalyze', 'xen-console', 'jsonl'] as const) {
      assert.match(readTrace(zeros, { format }).diagnostics[0].message, /binary data/);
    }
    const f = readTrace(framed);
    assert.equal(f.format, 'xentrace');
    assert.equal(f.store.length, 1);
    assert.ok(f.diagnostics.some(d => /bad record header 0x00000000/.test(d.message)));
    assert.ok(Date.now() - t0 < 10_000, 'no hang');
    assert.ok(process.memoryUsage().rss - rss0 < 512 * 2 ** 20, 'memory does not follow the 2 GB size');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('unreadable path and unknown format are diagnostics, not exceptions', () => {
  assert.match(readTrace('/nonexistent/trace.p2mtrace').diagnostics[0].message, /cannot read/);
  assert.match(readTrace(new Uint8Array(4), { format: 'nope' as never }).diagnostics[0].message, /unknown format 'nope'/);
});
