// Parse progress of the xentrace reader: readXentrace reports as its per-CPU windows are read
// through (bytes and records, increasing, spaced by 64 KB of input, ending at the input's
// size), readTrace passes the reports through for a path read in chunks, and a file read
// whole reports its read and then the parse from 0 again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTrace } from '../../../engine/trace/index';
import { readXentrace } from '../../../engine/trace/xentrace-reader';
import { writeXentrace } from '../../../engine/trace/xentrace-writer';
import type { TraceRecord } from '../../../engine/trace/records';

/** `n` set_p2m records on two CPUs in runs of 100, in windows of at most 8 KB (36 B per record). */
function trace(n: number): Uint8Array {
  const recs: TraceRecord[] = [];
  for (let i = 0; i < n; i++) {
    recs.push({ kind: 'setAtOrder', domain: 1, gfn: i, order: 0, mfn: 0x80000 + i, type: 'ram_rw', access: 'rwx',
      loc: { source: 't', line: 0, column: 0, byteOffset: 0, cpu: Math.floor(i / 100) % 2 } });
  }
  const w = writeXentrace(recs, { windowBytes: 8192 });
  assert.deepEqual(w.diagnostics, []);
  return w.bytes;
}

type Report = [bytes: number, records: number];

function assertIncreasing(reports: Report[], size: number, records: number): void {
  assert.ok(reports.length >= 10, `${reports.length} reports`);
  for (let k = 1; k < reports.length; k++) {
    const [b0, r0] = reports[k - 1], [b, r] = reports[k];
    assert.ok(b > b0 && r > r0, `report ${k}: ${b0}/${r0} -> ${b}/${r}`);
    if (k < reports.length - 1) assert.ok(b - b0 >= 1 << 16, `report ${k} only ${b - b0} bytes after the previous one`);
  }
  for (const [b, r] of reports) {
    // A report's records were read from its bytes: at most one per 36-byte record, and (the
    // CPUs are merged, so a pending window may lag) at least a third of them.
    assert.ok(r <= b / 36 + 1 && r >= b / 36 / 3, `${r} records at ${b} bytes`);
  }
  assert.deepEqual(reports[reports.length - 1], [size, records], 'the last report is the whole input');
}

test('readXentrace reports progress per 64 KB of windows read, with record counts, ending at the size', () => {
  const bytes = trace(40_000);
  const reports: Report[] = [];
  const r = readXentrace(bytes, { onProgress: (b, n) => reports.push([b, n]) });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.store.length, 40_000);
  assert.ok(r.windows > 100, `${r.windows} windows`);
  assertIncreasing(reports, bytes.length, r.store.length);
});

test('readTrace passes xentrace progress through (path in chunks); a file read whole reports its read, then the parse', () => {
  const bytes = trace(40_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-xt-progress-'));
  try {
    const file = path.join(dir, 'big.xentrace');
    fs.writeFileSync(file, bytes);
    const chunked: Report[] = [];
    const chunkedPhases = new Set<string>();
    const r = readTrace(file, { onProgress: (b, n, phase) => { chunked.push([b, n]); chunkedPhases.add(phase); } });
    assert.equal(r.format, 'xentrace');
    assert.equal(r.store.length, 40_000);
    assertIncreasing(chunked, bytes.length, r.store.length);
    assert.deepEqual([...chunkedPhases], ['parse'], 'a chunked read parses as it reads');

    const whole: Report[] = [];
    const phases: string[] = [];
    const w = readTrace(file, { readWholeBinaryBelow: bytes.length, onProgress: (b, n, phase) => { whole.push([b, n]); phases.push(phase); } });
    assert.equal(w.store.length, 40_000);
    const restart = whole.findIndex(([b], k) => k > 0 && b < whole[k - 1][0]);
    assert.ok(restart > 0, 'the parse restarts from 0 after the read');
    assert.ok(whole.slice(0, restart).every(([, n]) => n === 0), 'the read reports no records');
    assert.equal(whole[restart - 1][0], bytes.length, 'the read ends at the size');
    assert.deepEqual(phases, whole.map((_, k) => k < restart ? 'read' : 'parse'), 'the read is phase read, the parse phase parse');
    assertIncreasing(whole.slice(restart), bytes.length, w.store.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
