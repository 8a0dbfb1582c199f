// Seed corpus: our own committed fixtures and samples in every format, plus the regression
// fixtures (so past findings keep being mutated). Read in a fixed order so a seed means the
// same run on every machine (for a given commit: a new regression fixture joins the corpus).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CORPUS_DIRS = ['test/fixtures/trace', 'test/fixtures/replay', 'samples', 'test/fixtures/regressions'];
const EXTS = /\.(p2mtrace|xenlog|log|xenalyze|txt|jsonl|xentrace|bin|input)$/;

export interface Seed { name: string; bytes: Uint8Array }

export function loadCorpus(root: string): Seed[] {
  const out: Seed[] = [];
  for (const dir of CORPUS_DIRS) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs.readdirSync(abs).sort()) {
      if (!EXTS.test(f)) continue;
      out.push({ name: `${dir}/${f}`, bytes: new Uint8Array(fs.readFileSync(path.join(abs, f))) });
    }
  }
  return out;
}
