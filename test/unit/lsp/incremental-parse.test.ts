// The language server's incremental .p2mtrace parser must agree with the engine's parser
// (engine/trace/p2mtrace.ts) on records and diagnostics, for valid and broken input, and must
// give the same answer after edits as a fresh parse (its per-line cache is keyed by text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { IncrementalP2mTraceParser } from '../../../extension/server/p2mtrace-incremental';
import { generateTrace } from '../../../bench/lsp-trace';

const BROKEN = [
  '# header',
  'config ipa_bits=40 pool_pages=unlimited',
  'domain 2 vmid=3',
  'p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx',
  'p2m_set_entyr gfn=0x10 nr=1 mfn=0x5',
  'p2m_set_entry gfn=0x10 nr=1 mfn=0x5 t=ram_rx',
  'p2m_set_entry gfn=0x10 nr=1 mfn=0x5 acess=rw',
  'p2m_set_entry gfn=4000a nr=1',
  'config ipa_bits=48',
  'end',
  'begin',
  'begin',
  '(XEN) [  12.345678] p2m_set_entry gfn=0x20 nr=1 mfn=0x30 d=1\r',
  'write_pte table=0x80010 index=1 level=3 old=0 new=0x00800003000007ff',
  'expect gfn=0x40201 mfn=0x300000 t=ram_rw order=0',
  'domain 1',
  'lookup gfn=0x1',
  'mem_access enable',
  'mem_access gfn=0x1 nr=2 a=r',
  'resolve_fault gfn=0x1 expect=1',
  'x'.repeat(5000),
  'dsb',
  '',
].join('\n');

function check(text: string, p = new IncrementalP2mTraceParser('doc'), unchangedBefore = 0): void {
  const want = parseP2mTrace(text, 'doc');
  const got = p.parse(text.split('\n'), unchangedBefore);
  // Byte offsets are not tracked incrementally (the editor works in lines and columns).
  const norm = (r: { loc: { byteOffset: number } }) => ({ ...r, loc: { ...r.loc, byteOffset: 0 } });
  assert.deepEqual(got.records.map(norm), want.records.map(norm));
  assert.deepEqual(got.config, want.config);
  const nd = (d: object) => JSON.parse(JSON.stringify({ ...d, byteOffset: undefined })) as object;
  assert.deepEqual(got.diagnostics.map(nd), want.diagnostics.map(nd));
}

test('incremental parser agrees with the engine parser on broken input', () => {
  check(BROKEN);
});

test('incremental parser agrees on a generated 5,000-line trace, and after edits', () => {
  const text = generateTrace(5000, 3);
  const p = new IncrementalP2mTraceParser('doc');
  check(text, p);
  const lines = text.split('\n');
  lines.splice(100, 0, 'domain 7', 'p2m_set_entry gfn=0x1 nr=1 mfn=0x2');
  lines[2000] = 'begin';
  lines[2500] = 'end';
  lines[3000] = lines[3000].replace('gfn=0x', 'gfn=0xz');
  check(lines.join('\n'), p, 100);
  // Prefix reuse: only lines from 4000 on changed.
  lines[4000] = 'end';
  lines.splice(4100, 3);
  check(lines.join('\n'), p, 4000);
  lines[4500] = 'config ipa_bits=44';
  check(lines.join('\n'), p, 4500);
  check(BROKEN, p);
  const b = BROKEN.split('\n');
  b[15] = 'domain 3';
  check(b.join('\n'), p, 15);
});
