// The session loader's progress while a xentrace file is parsed: a file read whole reports its
// read ('read', 0 records) and then the parse of the bytes in memory as 'parse' with bytes and
// records growing, before the replay; the extension host shows these reports in its progress
// notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSession } from '../../../extension/session/trace-loader';
import type { LoadProgress } from '../../../extension/session/worker-protocol';
import { writeXentrace } from '../../../engine/trace/xentrace-writer';
import type { TraceRecord } from '../../../engine/trace/records';

test('loader: a xentrace read whole reports the read, then parse progress with records, then the replay', () => {
  const recs: TraceRecord[] = [];
  for (let i = 0; i < 20_000; i++) {
    recs.push({ kind: 'setAtOrder', domain: 1, gfn: i, order: 0, mfn: 0x80000 + i, type: 'ram_rw', access: 'rwx',
      loc: { source: 't', line: 0, column: 0, byteOffset: 0, cpu: Math.floor(i / 50) % 2 } });
  }
  const bytes = writeXentrace(recs, { windowBytes: 4096 }).bytes;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-loader-progress-'));
  try {
    const file = path.join(dir, 't.xentrace');
    fs.writeFileSync(file, bytes);
    const seen: LoadProgress[] = [];
    const s = loadSession({ path: file, snapshotInterval: 2048 }, p => seen.push({ ...p }));
    assert.equal(s.summary.opCount, 20_000);
    const firstParse = seen.findIndex(p => p.phase === 'parse');
    assert.ok(firstParse > 0, `phases: ${seen.map(p => p.phase).join(',')}`);
    assert.ok(seen.slice(0, firstParse).every(p => p.phase === 'read' && p.records === 0));
    assert.equal(seen[firstParse - 1].bytes, bytes.length, 'the read reached the end before the parse');
    const during = seen.filter(p => p.phase === 'parse' && p.bytes < bytes.length);
    assert.ok(during.length > 0 && during.every(p => p.records > 0), 'parse progress before the end carries records');
    const parses = seen.filter(p => p.phase === 'parse');
    for (let k = 1; k < parses.length; k++) assert.ok(parses[k].bytes >= parses[k - 1].bytes && parses[k].records >= parses[k - 1].records);
    assert.equal(parses[parses.length - 1].records, 20_000);
    const firstReplay = seen.findIndex(p => p.phase === 'replay');
    assert.ok(firstReplay > seen.map(p => p.phase).lastIndexOf('parse'), 'the replay follows the parse');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
