// readTrace reads text a chunk at a time from a path and from bytes in memory (no whole-file
// string), presizes the record store from the input size, reports progress, and can read a
// small binary file whole. Every way must give the records and diagnostics of one parse of
// the whole text / of the block-cache reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTrace } from '../../../engine/trace/index';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { MIXED_P2MTRACE } from './helpers/fixtures';
import type { TraceRecord } from '../../../engine/trace/records';
import { writeXentrace } from '../../../engine/trace/xentrace-writer';

/** ~2.6 MB of .p2mtrace: fast-path lines, multi-byte comments that straddle 1 MB chunk edges, bad lines. */
function bigText(): string {
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  for (let i = 0; lines.length < 48_000; i++) {
    if (i % 997 === 0) lines.push(`# comment ${'é€'.repeat(i % 13)} line ${i}`);
    if (i % 4001 === 0) lines.push(`p2m_set_entry gfn=0x${i.toString(16)} nr=0x1 mfn=0x6 t=bogus a=rwx`);
    if (i % 3001 === 0) lines.push(MIXED_P2MTRACE.split('\n').filter(l => l.startsWith('lookup') || l.startsWith('domain'))[0] ?? 'domain 2');
    lines.push(`p2m_set_entry gfn=0x${(0x1000000 + i * 512).toString(16)} nr=0x${(i % 3 === 0 ? 0x200 : 1).toString(16)} mfn=${i % 7 === 0 ? 'invalid' : '0x' + (0x80000 + i).toString(16)} t=${i % 7 === 0 ? 'invalid' : 'ram_rw'} a=rwx`);
  }
  // A 3-byte character starting 1 byte before the first chunk edge: the decoder must carry it over.
  let bytes = 0, k = 0;
  while (bytes + Buffer.byteLength(lines[k]) + 1 < (1 << 20) - 300) bytes += Buffer.byteLength(lines[k++]) + 1;
  lines.splice(k, 0, '# ' + 'a'.repeat((1 << 20) - 1 - bytes - 2) + '€€ straddles');
  return lines.join('\n') + '\n';
}

test('text from a path and from bytes, in chunks, equals one parse of the whole text', () => {
  const text = bigText();
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.length > 2.5 * (1 << 20), `several chunks (${bytes.length} bytes)`);
  assert.equal(bytes[(1 << 20) - 1], 0xe2, 'a multi-byte character straddles the first chunk edge');
  const want = parseP2mTrace(text, 'big.p2mtrace');
  assert.ok(want.diagnostics.length > 0, 'the input has diagnostics');
  const file = path.join(os.tmpdir(), `p2m-read-chunks-${process.pid}.p2mtrace`);
  fs.writeFileSync(file, bytes);
  try {
    const progress: number[] = [];
    const fromPath = readTrace(file, { source: 'big.p2mtrace', onProgress: b => progress.push(b) });
    const fromBytes = readTrace(bytes, { source: 'big.p2mtrace' });
    for (const r of [fromPath, fromBytes]) {
      assert.equal(r.store.length, want.records.length);
      const got: TraceRecord[] = r.store.toArray();
      for (let i = 0; i < got.length; i++) if (JSON.stringify(got[i]) !== JSON.stringify(want.records[i])) assert.deepEqual(got[i], want.records[i], `record ${i}`);
      assert.deepEqual(r.diagnostics, want.diagnostics);
      assert.deepEqual(r.config, want.config);
    }
    assert.ok(progress.length >= 3 && progress.every((b, i) => i === 0 || b > progress[i - 1]), `progress grows: ${progress}`);
    assert.equal(progress[progress.length - 1], bytes.length);
    // Presized from the size: ends within trim's 1/32 slack (no copy), and not far above.
    for (const r of [fromPath, fromBytes]) {
      const s = r.store;
      assert.ok(s.capacity >= s.length && s.capacity - s.length <= s.capacity >>> 5, `capacity ${s.capacity} for ${s.length} records`);
    }
  } finally { fs.rmSync(file, { force: true }); }
});

test('a binary file read whole equals the same file read through the block cache', () => {
  const recs: TraceRecord[] = [];
  for (let i = 0; i < 3000; i++) {
    recs.push({ kind: 'setAtOrder', domain: 1 + (i % 2), gfn: i * 512, order: i % 3 ? 0 : 9, mfn: i % 5 ? 0x1000 + i : -1, type: i % 5 ? 'ram_rw' : 'invalid', access: 'rwx',
      loc: { source: 'b', line: 0, column: 0, byteOffset: 0, cpu: (i >> 4) & 3 } });
  }
  const bytes = writeXentrace(recs, { tsc: 'records', windowBytes: 4096 - 8 }).bytes;
  const file = path.join(os.tmpdir(), `p2m-read-whole-${process.pid}.xentrace`);
  fs.writeFileSync(file, bytes);
  try {
    const progress: [number, number][] = [];
    const whole = readTrace(file, { source: 'b.xentrace', readWholeBinaryBelow: 1 << 20, onProgress: (b, n) => progress.push([b, n]) });
    const blocks = readTrace(file, { source: 'b.xentrace' });
    assert.equal(whole.store.length, 3000);
    assert.deepEqual(whole.store.toArray(), blocks.store.toArray());
    assert.deepEqual(whole.diagnostics, blocks.diagnostics);
    // The read (its bytes, no records yet), then the parse of those bytes from 0 to the end.
    assert.deepEqual(progress[0], [bytes.length, 0], 'the whole read reports its bytes');
    const parse = progress.slice(1);
    assert.ok(parse.length >= 2 && parse[0][0] < bytes.length && parse[0][1] > 0, `parse progress: ${parse}`);
    assert.ok(parse.every(([b, n], i) => i === 0 || (b > parse[i - 1][0] && n > parse[i - 1][1])), `parse progress grows: ${parse}`);
    assert.deepEqual(parse[parse.length - 1], [bytes.length, 3000]);
  } finally { fs.rmSync(file, { force: true }); }
});
