// Seeded mutation fuzz over all readers: mutated fixtures of every format are fed to every
// reader (and to auto-detection). Each run must not throw, must not report an internal
// error, must finish fast, must keep the record count bounded by the input size, and must
// give a diagnostic whenever it rejects non-empty input entirely. A failure prints the seed
// and the input (base64) so it can be reproduced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace } from '../../../engine/trace/index';
import { P2mTraceParser } from '../../../engine/trace/p2mtrace';
import { buildFiles } from './helpers/fixtures';

const SEED = Number(process.env.P2M_FUZZ_SEED ?? 0x5eed);
const INPUTS = Number(process.env.P2M_FUZZ_INPUTS ?? 3000);
const FORMATS = ['auto', 'p2mtrace', 'xentrace', 'xenalyze', 'xen-console', 'jsonl'] as const;
const INTERESTING = [0, 0xffffffff, 0x2001f003, 0x6010f004, 0xe010f004, 0xc001f001, 0x8001f002, 0x7fffffff, 0x80000000, 0x0010f005];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  let b = Uint8Array.from(src);
  const n = 1 + Math.floor(r() * 4);
  const pos = (): number => Math.floor(r() * Math.max(1, b.length));
  for (let k = 0; k < n; k++) {
    switch (Math.floor(r() * 8)) {
      case 0: if (b.length) b[pos()] ^= 1 << Math.floor(r() * 8); break;                    // bit flip
      case 1: if (b.length) b[pos()] = Math.floor(r() * 256); break;                         // byte set
      case 2: b = b.subarray(0, pos()); break;                                                // truncate
      case 3: { const p = pos(); const ins = Uint8Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)); b = Uint8Array.from([...b.subarray(0, p), ...ins, ...b.subarray(p)]); break; }
      case 4: { const p = pos() & ~3; if (p + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(p, INTERESTING[Math.floor(r() * INTERESTING.length)], true); break; }
      case 5: { const p = pos(), q = pos(); b = Uint8Array.from([...b.subarray(0, Math.min(p, q)), ...b.subarray(Math.max(p, q))]); break; } // delete a span
      case 6: { const p = pos(), len = Math.floor(r() * 64); b = Uint8Array.from([...b, ...b.subarray(p, p + len)]); break; }                 // duplicate a span at the end
      default: { const p = pos(); const txt = new TextEncoder().encode(['=', ' ', '\n', '0x', '#', '(XEN) ', ']', 'ffffffffffffffffff', '\u00e9', '-1'][Math.floor(r() * 10)]); b = Uint8Array.from([...b.subarray(0, p), ...txt, ...b.subarray(p)]); }
    }
  }
  return b;
}

test(`seeded mutation fuzz over all readers (seed ${SEED}, ${INPUTS} inputs)`, () => {
  const r = rng(SEED);
  const corpus = Object.values(buildFiles()).map(d => (typeof d === 'string' ? new TextEncoder().encode(d) : d));
  const t0 = Date.now();
  let rejectedWithDiag = 0;
  for (let i = 0; i < INPUTS; i++) {
    const input = mutate(corpus[Math.floor(r() * corpus.length)], r);
    for (const format of FORMATS) {
      const repro = `seed=${SEED} input#${i} format=${format} base64=${Buffer.from(input).toString('base64')}`;
      const t = Date.now();
      let res;
      try {
        res = readTrace(input, { format, group: i % 2 === 0, arch: i % 3 === 0 ? 'x86' : 'arm' });
      } catch (e) {
        assert.fail(`reader threw: ${String(e)}\n${repro}`);
      }
      assert.ok(Date.now() - t < 2000, `slow input\n${repro}`);
      assert.ok(!res.diagnostics.some(d => d.message.startsWith('internal')), `internal error: ${res.diagnostics.find(d => d.message.startsWith('internal'))?.message}\n${repro}`);
      assert.ok(res.store.length <= input.length / 4 + 1, `record count beyond input size\n${repro}`);
      if (input.length > 0 && res.store.length === 0 && res.format !== undefined) {
        assert.ok(res.diagnostics.length > 0, `rejected input without a diagnostic\n${repro}`);
        rejectedWithDiag++;
      }
      // Materialising every record must not throw either.
      for (let k = 0; k < res.store.length; k++) res.store.get(k);
    }
  }
  assert.ok(rejectedWithDiag > 0);
  assert.ok(Date.now() - t0 < 15_000, 'fuzz run within budget');
});

test('line-incremental .p2mtrace parsing equals whole-text parsing on fuzzed text', () => {
  const r = rng(SEED + 1);
  const base = new TextEncoder().encode(buildFiles()['test/fixtures/trace/mixed.p2mtrace'] as string);
  for (let i = 0; i < 300; i++) {
    const text = new TextDecoder().decode(mutate(base, r));
    const whole = new P2mTraceParser('f');
    whole.feed(text);
    const a = whole.end();
    const inc = new P2mTraceParser('f');
    let p = 0;
    while (p < text.length) { const n = 1 + Math.floor(r() * 40); inc.feed(text.slice(p, p + n)); p += n; }
    assert.deepEqual(inc.end(), a, `seed=${SEED} case ${i}: ${JSON.stringify(text)}`);
  }
});
