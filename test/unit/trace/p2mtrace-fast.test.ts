// The .p2mtrace fast path (canonical p2m_set_entry lines straight into store columns) must
// give exactly the records and diagnostics of the general parser, and fall back on anything
// it does not fully understand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTrace } from '../../../engine/trace/index';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { K_SET_ENTRY } from '../../../engine/trace/record-store';

const LINES = [
  'config ipa_bits=40 pool_pages=unlimited',
  'p2m_set_entry gfn=0x1000 nr=0x1 mfn=0x80000 t=ram_rw a=rwx',          // fast
  'p2m_set_entry gfn=0x0 nr=0x200 mfn=invalid t=invalid a=rwx',          // fast, removal
  'domain 3',
  'p2m_set_entry gfn=0xABCdef nr=0x10 mfn=0x1F t=mmio_direct_dev a=r',   // fast, mixed-case hex, domain 3
  'p2m_set_entry d=7 gfn=0x5 nr=0x1 mfn=0x6 t=ram_ro a=rw',              // fast with d=
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_ro a=rw rc=-12',           // general: rc=
  'p2m_set_entry gfn=5 nr=1 mfn=6',                                      // general: decimal, defaults
  'p2m_set_entry  gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx',                // general: double space
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx # comment',       // general: comment
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=p2m_ram_rw a=7',               // general: prefixed / numeric names
  'p2m_set_entry gfn=0x12345678901234 nr=0x1 mfn=0x6 t=ram_rw a=rwx',    // general: 14 hex digits
  'p2m_set_entry gfn=0x1fffffffffffff nr=0x1 mfn=0x0 t=ram_rw a=rwx',    // general: 2^53-1
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0xffffffffffffffff t=invalid a=rwx',  // general: all-ones MFN
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=bogus a=rwx',                  // general: error diagnostic
  'p2m_set_entry gfn=0x nr=0x1 mfn=0x6 t=ram_rw a=rwx',                  // general: error
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx x=1',             // general: unknown field warning
  'p2m_set_entry d= gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx',              // general: error
  '(XEN) p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx',           // general: console prefix
  '   p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx',              // general: indented (column 4)
  'p2m_set_entry gfn=0x5 nr=0x1 mfn=0x6 t=ram_rw a=rwx\r',               // CR stripped: fast
  'lookup gfn=0x1000',
  '# é unicode comment moves byte offsets',
  'p2m_set_entry gfn=0x7 nr=0x2 mfn=0x8 t=grant_map_ro a=rx',            // fast, after a multi-byte line
  'config ipa_bits=44',                                                  // error: after an operation
  'p2m_set_entry gfn=0x9 nr=0x1 mfn=0xa t=ram_rw a=n2rwx',               // fast
  'p2m_set_entry gfn=0x9 nr=0x1 mfn=0xa t=ram_rw a=rwx',                 // fast, last line without newline
];

test('fast path and general parser agree record for record, diagnostic for diagnostic', () => {
  const text = LINES.join('\n');
  const general = parseP2mTrace(text, 'x.p2mtrace');
  const r = readTrace(new TextEncoder().encode(text), { source: 'x.p2mtrace', format: 'p2mtrace' });
  assert.deepEqual(r.store.toArray(), general.records);
  assert.deepEqual(r.config, general.config);
  const strip = (ds: { line: number; column: number; message: string; severity: string }[]) => ds.map(d => `${d.line}:${d.column} ${d.severity} ${d.message}`);
  assert.deepEqual(strip(r.diagnostics), strip(general.diagnostics));
  assert.ok(general.diagnostics.length >= 4, 'the document has errors to compare');
  // The canonical lines really took the columnar path: the 8 fast-path lines, plus the 8
  // general-path set_entry records that read back unchanged from the columns (pushCompact:
  // column 1, no rc, no console prefix).
  const fast = [...Array(r.store.length).keys()].filter(i => r.store.kind[i] === K_SET_ENTRY).length;
  assert.equal(fast, 16);
  assert.deepEqual(r.domains, [1, 3, 7]);
});

test('a generated document with thousands of lines round-trips through the columns', () => {
  const lines = ['domain 2'];
  for (let i = 0; i < 5000; i++) {
    lines.push(`p2m_set_entry gfn=0x${(i * 7919).toString(16)} nr=0x${(1 + (i % 5)).toString(16)} mfn=${i % 4 === 0 ? 'invalid' : '0x' + (i * 31).toString(16)} t=${i % 4 === 0 ? 'invalid' : 'ram_rw'} a=rwx`);
  }
  const text = lines.join('\n') + '\n';
  const r = readTrace(new TextEncoder().encode(text), { format: 'p2mtrace' });
  assert.deepEqual(r.store.toArray(), parseP2mTrace(text, '<input>').records);
  assert.equal(r.store.length, 5001); // the domain statement is a record too
});
