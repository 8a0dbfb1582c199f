import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliDiagnosticLine, runConvert } from '../../../engine/trace/cli-convert';
import { readTrace } from '../../../engine/trace/index';

const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../../..');
const io = () => { const o = { out: '', err: '', io: { out: (s: string) => { o.out += s; }, err: (s: string) => { o.err += s; } } }; return o; };

test('p2m convert: console log -> p2mtrace on stdout, --format auto', () => {
  const o = io();
  const rc = runConvert([path.join(root, 'samples/dom0-boot.xenlog'), '--to', 'p2mtrace'], o.io);
  assert.equal(rc, 0);
  assert.match(o.out, /^p2m_set_entry d=0 gfn=0x80000 nr=0x40000 mfn=0x80000 t=ram_rw a=rwx rc=0/m);
  assert.match(o.out, /^expect_stats d=0 vmid=1 map1g=0 sh1g=1 map2m=512 sh2m=1 map4k=526/m);
  assert.match(o.err, /info: 9 console line\(s\) carry no p2m information/);
});

test('p2m convert: xenalyze -> xentrace file (--group) reads back with the same domains', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-conv-'));
  try {
    const out = path.join(dir, 'o.xentrace');
    const o = io();
    assert.equal(runConvert([path.join(root, 'test/fixtures/trace/two-domains.xenalyze'), '--to=xentrace', '--out', out, '--group'], o.io), 0);
    const r = readTrace(out);
    assert.equal(r.format, 'xentrace');
    assert.deepEqual(r.domains, [1, 2]);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('p2m convert: usage errors exit 2; damaged input exits 1 with file:line messages', () => {
  const o = io();
  assert.equal(runConvert(['x.p2mtrace'], o.io), 2);
  assert.match(o.err, /usage: p2m convert/);
  assert.equal(runConvert([path.join(root, 'samples/dom0-boot.xentrace'), '--to', 'xentrace'], io().io), 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p2m-conv-'));
  try {
    const bad = path.join(dir, 'bad.p2mtrace');
    fs.writeFileSync(bad, 'p2m_set_entry gfn=0x1 nr=1 mfn=0x1\np2m_set_entry gfn=zz\n');
    const e = io();
    assert.equal(runConvert([bad, '--to', 'jsonl'], e.io), 1);
    assert.match(e.err, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: gfn: expected`, 'm'));
    assert.equal(e.out.trim().split('\n').length, 1);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  assert.equal(cliDiagnosticLine({ source: 'f.bin', line: 0, column: 0, byteOffset: 40, cpu: 1, severity: 'warning', message: 'm' }), 'f.bin:0: @0x28 cpu 1: warning: m');
});
