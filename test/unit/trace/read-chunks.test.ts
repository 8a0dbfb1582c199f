// readTrace reads text a 64 KB chunk at a time from a path and from bytes in memory (no
// whole-file string), presizes the record store from the input size, reports progress, and
// can read a small binary file whole. Every way must give the records and diagnostics of one
// parse of the whole text / of the block-cache reader, and byte offsets that match the text's
// own UTF-8 lengths (multi-byte characters and CRLF split across chunk edges).
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

const KB64 = 1 << 16;
const enc = new TextEncoder();
const byteLength = (t: string): number => enc.encode(t).length;

/**
 * Lines placed so that a given byte lands exactly on a 64 KB chunk edge (readTrace's chunk
 * size): `k` bytes of the sequence fall before the edge. Each entry: edge, the line's text
 * before the sequence, the sequence, the text after it.
 */
const EDGES: Array<{ edge: number; k: number; seq: string; after: string; what: string }> = [
  { edge: 2 * KB64, k: 1, seq: '😀', after: ' four-byte, 1 byte before the edge', what: '4-byte char' },
  { edge: 3 * KB64, k: 2, seq: '😀', after: ' four-byte, 2 bytes before the edge', what: '4-byte char' },
  { edge: 5 * KB64, k: 3, seq: '😀', after: ' four-byte, 3 bytes before the edge', what: '4-byte char' },
  // CR as the chunk's last byte, LF the next chunk's first: on a comment and on a record line.
  { edge: 7 * KB64, k: 1, seq: '\r', after: '', what: 'CRLF (comment)' },
  { edge: 9 * KB64, k: 1, seq: '\r', after: '', what: 'CRLF (set_entry)' },
  { edge: 16 * KB64, k: 1, seq: '€€', after: ' straddles', what: '3-byte char' },
];

/**
 * ~2.6 MB of .p2mtrace: fast-path lines, multi-byte comments, bad lines (one with a 4-byte
 * character before its bad fields), and the EDGES sequences exactly across 64 KB chunk edges.
 */
function bigText(): string {
  const lines = ['config ipa_bits=40 pool_pages=unlimited'];
  let bytes = byteLength(lines[0]) + 1;
  const push = (l: string): void => { lines.push(l); bytes += byteLength(l) + 1; };
  let e = 0;
  for (let i = 0; lines.length < 48_000; i++) {
    const next = EDGES[e];
    if (next && next.edge - bytes < 300) {
      if (next.what === 'CRLF (set_entry)') {
        // A padding comment, then the record line whose CR is the edge's last byte.
        const rec = `p2m_set_entry gfn=0x${(0x9000000 + i).toString(16)} nr=0x1 mfn=0x${(0x90000 + i).toString(16)} t=ram_rw a=rwx`;
        push('# ' + 'p'.repeat(next.edge - next.k - bytes - byteLength(rec) - 1 - 2));
        push(rec + '\r');
      } else {
        const head = '# ' + 'a'.repeat(next.edge - next.k - bytes - 2);
        push(head + next.seq + next.after);
      }
      e++;
      continue;
    }
    if (i % 997 === 0) push(`# comment ${'é€😀'.repeat(i % 13)} line ${i}`);
    if (i % 4001 === 0) push(`p2m_set_entry gfn=0x${i.toString(16)} nr=0x1 mfn=0x6 t=bogus a=rwx`);
    if (i % 5003 === 0) push(`  p2m_set_entry gfn=0x${i.toString(16)} nr=😀 mfn=zz t=ram_rw a=rwx`);
    if (i % 3001 === 0) push(MIXED_P2MTRACE.split('\n').filter(l => l.startsWith('lookup') || l.startsWith('domain'))[0] ?? 'domain 2');
    push(`p2m_set_entry gfn=0x${(0x1000000 + i * 512).toString(16)} nr=0x${(i % 3 === 0 ? 0x200 : 1).toString(16)} mfn=${i % 7 === 0 ? 'invalid' : '0x' + (0x80000 + i).toString(16)} t=${i % 7 === 0 ? 'invalid' : 'ram_rw'} a=rwx`);
  }
  assert.equal(e, EDGES.length, 'every edge sequence placed');
  return lines.join('\n') + '\n';
}

/**
 * Byte offset of (line, column) from the text itself: the UTF-8 length (TextEncoder) of every
 * earlier line plus its LF, and of the line's characters before the column. Independent of
 * the readers' own byte counting (utf8Length / scanLine).
 */
function bytePositions(text: string): (line: number, column: number) => number {
  const lines = text.split('\n');
  const starts = new Float64Array(lines.length + 1);
  for (let i = 0; i < lines.length; i++) starts[i + 1] = starts[i] + byteLength(lines[i]) + 1;
  return (line, column) => starts[line - 1] + (column > 1 ? byteLength(lines[line - 1].slice(0, column - 1)) : 0);
}

test('text from a path and from bytes, in chunks, equals one parse of the whole text', () => {
  const text = bigText();
  const bytes = enc.encode(text);
  assert.ok(bytes.length > 2.5 * (1 << 20), `several chunks (${bytes.length} bytes)`);
  for (const { edge, k, seq, what } of EDGES) {
    const want = enc.encode(seq + '\n');
    assert.deepEqual([...bytes.subarray(edge - k, edge - k + Math.min(want.length, k + 1))], [...want.subarray(0, k + 1)], `${what} across the edge at ${edge}`);
  }
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
    // The one parse shares the readers' byte counting: check the offsets against the text's own
    // UTF-8 lengths too, for every record and every located diagnostic.
    const at = bytePositions(text);
    const got = fromPath.store.toArray();
    let checked = 0;
    for (let i = 0; i < got.length; i++) {
      const l = got[i].loc;
      if (l.line > 0 && l.byteOffset !== at(l.line, l.column)) assert.equal(l.byteOffset, at(l.line, l.column), `record ${i} at ${l.line}:${l.column}`);
      checked++;
    }
    const located = fromPath.diagnostics.filter(d => d.byteOffset !== undefined && d.line > 0);
    assert.ok(located.length > 0, 'located diagnostics');
    for (const d of located) assert.equal(d.byteOffset, at(d.line, d.column), `diagnostic at ${d.line}:${d.column}: ${d.message}`);
    assert.ok(checked > 45_000);
    const crlf = got.find(r => r.kind === 'setEntry' && r.gfn >= 0x9000000);
    assert.ok(crlf && crlf.loc.byteOffset === 9 * KB64 - 1 - byteLength(text.split('\n')[crlf.loc.line - 1]) + 1, 'the CRLF record ends at the edge');
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
