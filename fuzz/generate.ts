// Input generation: input `index` of run `seed` is a pure function of (corpus, seed, index),
// which is what makes a fuzz run reproducible and a single input re-creatable.
import { inputSeed, int, pick, rng } from './rng';
import { mutate } from './mutate';
import type { Seed } from './corpus';
import type { InputOptions } from './targets';

export interface GeneratedInput { bytes: Uint8Array; options: InputOptions; from: string }

/** Input `index` of run `seed`: a mutated corpus entry and the reader options to use. */
export function generate(corpus: readonly Seed[], seed: number, index: number): GeneratedInput {
  const r = rng(inputSeed(seed, index));
  const base = corpus[int(r, corpus.length)];
  const bytes = mutate(base.bytes, r, { corpus: corpus.map(c => c.bytes) });
  const options: InputOptions = { arch: r() < 0.3 ? 'x86' : 'arm', group: r() < 0.5, chunk: pick(r, [13, 4096, 65536, 1 << 20]) };
  return { bytes, options, from: base.name };
}

