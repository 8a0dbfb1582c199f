// Round trips writer -> reader for every format, format auto-detection on every fixture,
// convertTrace between formats, and the committed fixtures/samples matching the generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { writeP2mTrace } from '../../../engine/trace/p2mtrace-writer';
import { readJsonl, writeJsonl } from '../../../engine/trace/jsonl';
import { convertTrace, readTrace, TRACE_FORMATS } from '../../../engine/trace/index';
import { detectFormat } from '../../../engine/trace/detect';
import { TraceRecord } from '../../../engine/trace/records';
import { buildFiles, MIXED_P2MTRACE, twoDomainRecords } from './helpers/fixtures';

const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../../..');
const strip = (r: TraceRecord): unknown => {
  const { loc, ...rest } = r;
  const out: Record<string, unknown> = { ...rest };
  if (out.kind === 'checkpointLookup') out.lines = (out.lines as { level: number; index: number; descriptor: bigint }[]).map(({ level, index, descriptor }) => ({ level, index, descriptor }));
  if (loc.cpu !== undefined) out.cpu = loc.cpu;
  return out;
};

test('.p2mtrace round trip: every statement survives writer -> parser', () => {
  const a = parseP2mTrace(MIXED_P2MTRACE, 'mixed.p2mtrace');
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.records.length, 23);
  const text = writeP2mTrace(a.records, { withOrigin: true });
  const b = parseP2mTrace(text, 'again.p2mtrace');
  assert.deepEqual(b.diagnostics, []);
  assert.deepEqual(b.records.map(strip), a.records.map(strip));
  assert.deepEqual(b.config, a.config);
});

test('JSON Lines round trip keeps bigint descriptors, INVALID_MFN and locations', () => {
  const recs = [...parseP2mTrace(MIXED_P2MTRACE, 'm').records, ...twoDomainRecords()];
  const text = writeJsonl(recs);
  assert.match(text.split('\n')[3], /"gfn":"0x40201","nr":"0x1","mfn":"0x300000"/);
  const r = readJsonl(text, 'r.jsonl');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.store.toArray().map(strip), recs.map(strip));
  const bad = readJsonl('{"kind":"setEntry","domain":1}\nnot json\n{"kind":"dsb","domain":1,"loc":{}}\n{"kind":"setEntry","domain":1,"gfn":"0x1","nr":"0x1","mfn":"0x1","type":"bogus","access":"rwx"}\n');
  assert.equal(bad.store.length, 1);
  assert.deepEqual(bad.diagnostics.map(d => d.line), [1, 2, 4]);
  assert.match(bad.diagnostics[0].message, /missing field 'gfn'/);
  assert.match(bad.diagnostics[2].message, /type: expected an Arm p2m type name/);
});

test('convertTrace: xentrace -> p2mtrace -> xentrace is byte-identical; every writer is reachable', () => {
  const bin = buildFiles()['test/fixtures/trace/two-domains.xentrace'] as Uint8Array;
  const toText = convertTrace(bin, { to: 'p2mtrace' });
  assert.equal(toText.from, 'xentrace');
  assert.equal(typeof toText.output, 'string');
  const back = convertTrace(new TextEncoder().encode(toText.output as string), { to: 'xentrace' });
  assert.equal(back.from, 'p2mtrace');
  assert.deepEqual(back.output, bin);
  for (const to of Object.keys(TRACE_FORMATS) as (keyof typeof TRACE_FORMATS)[]) {
    const c = convertTrace(bin, { to });
    assert.ok(c.output !== undefined && c.output.length > 0, to);
    const again = readTrace(typeof c.output === 'string' ? new TextEncoder().encode(c.output) : c.output, { format: to });
    assert.equal(again.store.length, to === 'xen-console' ? 5 : 8, to); // console has no MEM/opaque form
    assert.deepEqual(again.domains, [1, 2], to);
  }
});

test('format auto-detection on every committed fixture and sample (by content, not extension)', () => {
  const want: Record<string, string> = {
    'test/fixtures/trace/mixed.p2mtrace': 'p2mtrace', 'test/fixtures/trace/two-domains.xentrace': 'xentrace',
    'test/fixtures/trace/two-domains.xenalyze': 'xenalyze', 'test/fixtures/trace/two-domains.jsonl': 'jsonl',
    'test/fixtures/trace/boot.xenlog': 'xen-console', 'samples/seed-4k-remap-in-1g.p2mtrace': 'p2mtrace',
    'samples/pool-exhaustion.p2mtrace': 'p2mtrace', 'samples/bbm-violation-writes.p2mtrace': 'p2mtrace',
    'samples/dom0-boot.xenlog': 'xen-console', 'samples/dom0-boot.xentrace': 'xentrace',
  };
  for (const [rel, fmt] of Object.entries(want)) {
    const bytes = fs.readFileSync(path.join(root, rel));
    assert.equal(detectFormat(bytes).format, fmt, `${rel} (content only)`);
    const r = readTrace(path.join(root, rel), { format: 'auto' });
    assert.equal(r.format, fmt, rel);
    assert.ok(r.store.length > 0, rel);
    assert.deepEqual(r.diagnostics.filter(d => d.severity === 'error'), [], rel);
  }
});

test('committed fixtures and samples are exactly what the generator writes (regenerate: node scripts/gen-samples.mjs)', () => {
  for (const [rel, data] of Object.entries(buildFiles())) {
    const onDisk = fs.readFileSync(path.join(root, rel));
    assert.ok(Buffer.compare(onDisk, Buffer.from(data)) === 0, `${rel} is stale`);
    assert.ok(onDisk.length < 200 * 1024, `${rel} is small`);
  }
});

test('multiple domains are reported so views can switch between them', () => {
  const r = readTrace(path.join(root, 'test/fixtures/trace/mixed.p2mtrace'));
  assert.deepEqual(r.domains, [1, 2]);
  assert.deepEqual(r.config, { ipaBits: 40, memAccess: false, poolPages: 64, cleanPte: false, iommu: false });
  const g = readTrace(path.join(root, 'samples/dom0-boot.xentrace'), { group: true });
  assert.deepEqual(g.store.toArray().filter(x => x.kind === 'setEntry').map(x => x.kind === 'setEntry' && [x.gfn, x.nr]),
    [[0x80000, 0x40000], [0x9000, 0x10], [0x3fe00, 0x200], [0x80001, 1], [0x9008, 1]]);
});
