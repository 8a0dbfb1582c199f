// Helpers for replay-core tests: runtimes over .p2mtrace text or random record lists, and a
// state fingerprint that covers what the debugger shows (stats, mapped range, need_flush,
// walks, regions) so two positions can be compared for equality.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseP2mTrace } from '../../../engine/trace/p2mtrace';
import { EngineMachine } from '../../../engine/replay/engine-machine';
import { ReplayRuntime } from '../../../engine/replay/runtime';
import type { Position } from '../../../engine/replay/position';
import type { TraceRecord } from '../../../engine/trace/records';
import { xorshift32 as rng } from '../helpers/rng';

export const ROOT = process.env.P2M_ROOT ?? path.resolve(__dirname, '../../..');
export const SEED_PATH = path.join(ROOT, 'test/fixtures/replay/seed.p2mtrace');

export function runtimeFromText(text: string, source = 't.p2mtrace', interval = 4): ReplayRuntime {
  const r = parseP2mTrace(text, source);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map(d => d.message).join('; '));
  return new ReplayRuntime(new EngineMachine(r.records), { snapshotInterval: interval });
}
export function seedRuntime(interval = 2): ReplayRuntime {
  return runtimeFromText(readFileSync(SEED_PATH, 'utf8'), SEED_PATH, interval);
}

export { rng };

/** Random set_entry workload that splits, remaps and removes inside a small GFN window. */
export function randomRecords(seed: number, n: number): TraceRecord[] {
  const next = rng(seed);
  const loc = (line: number) => ({ source: 'rand', line, column: 1, byteOffset: 0 });
  const out: TraceRecord[] = [{ kind: 'config', ipaBits: 40, poolPages: 48, loc: loc(1) }];
  for (let i = 0; i < n; i++) {
    const r = next();
    const order = [0, 0, 0, 9, 9, 18][r % 6];
    const gfn = ((next() % 8) * 2 ** 18 + (next() % 1024) * 2 ** 9 * (order === 18 ? 0 : 1) + (order === 0 ? next() % 512 : 0)) % 2 ** 21;
    const aligned = gfn - (gfn % 2 ** order);
    const unmap = r % 10 < 3;
    out.push({
      kind: 'setEntry', domain: 1, gfn: aligned, nr: 2 ** order, mfn: unmap ? -1 : ((next() % 4096) + 1) * 2 ** order,
      type: unmap ? 'invalid' : (r % 7 === 0 ? 'mmio_direct_dev' : 'ram_rw'), access: 'rwx', loc: loc(i + 2),
    });
  }
  return out;
}

export function fingerprint(rt: ReplayRuntime, pos: Position, gfns: readonly number[]): string {
  const st = rt.stateAt(pos);
  const parts = [
    JSON.stringify(st.stats()), st.maxMappedGfn(), st.lowestMappedGfn(), st.needFlush(),
    ...gfns.map(g => st.walk(g).map(s => `${s.level}:${s.table}:${s.index}:${s.descriptor.toString(16)}`).join('/')),
    ...gfns.map(g => JSON.stringify(st.lookup(g))),
  ];
  if (!st.overlay) parts.push(JSON.stringify(st.view.regions(0, 2 ** 21, 10000)), JSON.stringify(st.trueCounts()));
  return parts.join('|');
}
