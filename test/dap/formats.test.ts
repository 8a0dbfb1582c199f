// The debugger on the other trace formats: a xentrace binary and a xenalyze dump written
// from the seed fixture by engine/trace's writers, replayed through the standalone adapter.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { parseP2mTrace } from '../../engine/trace/p2mtrace';
import { writeTrace } from '../../engine/trace/index';
import { SEED, launch, startClient, stopAfter, topFrame } from './dap-client';

let dc: DebugClient | undefined;
afterEach(async () => { await dc?.stop(); dc = undefined; });

function convert(to: 'xentrace' | 'xenalyze', name: string): string {
  const parsed = parseP2mTrace(readFileSync(SEED, 'utf8'), SEED);
  const out = writeTrace(parsed.records, to, { config: parsed.config, arch: 'arm' });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'p2m-dap-')), name);
  writeFileSync(file, out.output);
  return file;
}

test('xentrace binary: replays, stops on entry without a source line, steps', async () => {
  const file = convert('xentrace', 'seed.bin');
  dc = await startClient();
  const ev = await launch(dc, { trace: file, stopOnEntry: true, ipaBits: 40 });
  assert.equal(ev?.body.reason, 'entry');
  const f = await topFrame(dc, ev!.body.threadId);
  assert.match(f.name, /@ byte \d+/);
  assert.equal(f.source, undefined);
  await stopAfter(dc, () => dc!.nextRequest({ threadId: ev!.body.threadId! }));
  const r = await dc.evaluateRequest({ expression: 'op', context: 'watch' });
  assert.equal(r.body.result, '1');
});

test('xenalyze dump: a line breakpoint on a set_p2m_entry line is hit', async () => {
  const file = convert('xenalyze', 'seed.xenalyze.txt');
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex(l => / g 80200 /.test(l)) + 1;
  assert.ok(line > 0, 'the mmio mapping is in the dump');
  dc = await startClient();
  const ev = await launch(dc, { trace: file, ipaBits: 40 }, () => dc!.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }));
  assert.equal(ev?.body.reason, 'breakpoint');
  assert.equal((await topFrame(dc, ev!.body.threadId)).line, line);
  const g = await dc.evaluateRequest({ expression: 'gfn', context: 'watch' });
  assert.equal(g.body.result, '0x80200');
  // Hovering a bare-hex frame number in the dump shows its translation at the cursor.
  const h = await dc.evaluateRequest({ expression: '40201', context: 'hover' });
  assert.match(h.body.result, /gfn 0x40201 → mfn 0x300000/);
});
