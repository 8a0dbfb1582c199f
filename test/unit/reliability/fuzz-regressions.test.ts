// Keeps every fuzz finding fixed: each minimised input in test/fixtures/regressions/ (with its
// sidecar .json naming the target and options) goes through the same checks as the fuzz run.
// Also checks the harness itself: the same seed gives the same inputs, and the checks can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkInput } from '../../../fuzz/check';
import { targetByName, type Target } from '../../../fuzz/targets';
import { generate } from '../../../fuzz/generate';
import { loadCorpus } from '../../../fuzz/corpus';
import { fnv1a } from '../../../fuzz/rng';

const ROOT = process.env.P2M_ROOT ?? process.cwd();
const DIR = path.join(ROOT, 'test/fixtures/regressions');

interface Meta { target: string; kind: string; input: string; options: { arch: 'arm' | 'x86'; group: boolean; chunk: number }; message: string }

const metas = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter(f => f.endsWith('.json')).sort() : [];

test('regression fixtures exist', () => {
  assert.ok(metas.length > 0, `no regression fixtures in ${DIR}`);
});

for (const f of metas) {
  test(`fuzz regression ${f}`, () => {
    const meta = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Meta;
    const t = targetByName(meta.target);
    assert.ok(t, `unknown target ${meta.target}`);
    const bytes = new Uint8Array(fs.readFileSync(path.join(DIR, meta.input)));
    // Every target, not only the one that failed: a fixed reader must not move the bug elsewhere.
    for (const name of ['auto', 'p2mtrace', 'xenalyze', 'xen-console', 'jsonl', 'xentrace', 'lsp-p2mtrace']) {
      const r = checkInput(targetByName(name)!, bytes, meta.options, name === 'auto');
      assert.equal(r.failure, undefined, `${name} (originally ${meta.kind}: ${meta.message}): ${r.failure?.message}`);
    }
  });
}

test('the same seed generates the same inputs; another seed does not', () => {
  const corpus = loadCorpus(ROOT);
  const digest = (seed: number) => { let h = 0x811c9dc5; for (let i = 0; i < 40; i++) { const g = generate(corpus, seed, i); h = fnv1a(g.bytes, h); h = fnv1a(new TextEncoder().encode(JSON.stringify(g.options)), h); } return h; };
  assert.equal(digest(11), digest(11));
  assert.notEqual(digest(11), digest(12));
});

test('the checks catch a throwing, an internal-error and an unlocated reader', () => {
  const base: Omit<Target, 'run'> = { name: 'fake', ext: 'bin', replay: false };
  const o = { arch: 'arm' as const, group: false, chunk: 4096 };
  const bytes = new TextEncoder().encode('p2m_set_entry gfn=0 nr=1 mfn=1\n');
  const throwing = checkInput({ ...base, run: () => { throw new Error('boom'); } }, bytes, o);
  assert.equal(throwing.failure?.kind, 'throw');
  const internal = checkInput({ ...base, run: () => ({ records: [], config: {}, rejected: false, diagnostics: [{ source: 'x', line: 1, column: 1, severity: 'error', message: 'internal reader error: x' }] }) }, bytes, o);
  assert.equal(internal.failure?.kind, 'internal');
  const unlocated = checkInput({ ...base, run: () => ({ records: [], config: {}, rejected: false, diagnostics: [{ source: 'x', line: 0, column: 0, severity: 'error', message: 'nowhere' }] }) }, bytes, o);
  assert.equal(unlocated.failure?.kind, 'unlocated');
});

test('replay check flags a record stream the engine chokes on', () => {
  const o = { arch: 'arm' as const, group: false, chunk: 4096 };
  // A hostile domain id that is not a number must not crash the replay (jsonl carries it as is).
  const bytes = new TextEncoder().encode('{"kind":"setEntry","domain":1,"gfn":"0x10","nr":"0x1","mfn":"0x20","type":"ram_rw","access":"rwx"}\n');
  const r = checkInput(targetByName('auto')!, bytes, o, true);
  assert.equal(r.failure, undefined, r.failure?.message);
  assert.ok(r.stats.replayedOps >= 1, 'the record was replayed');
});
