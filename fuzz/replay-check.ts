// Replays whatever a reader produced through the engine's replay machine (the same
// EngineMachine the debugger and the UI session use) and checks engine invariants after every
// op: nothing throws, need_flush is clear after the unlock, level-0 counters stay 0, pool
// pages are accounted for, and no simulator-only error (sim-*) appears unless Xen itself
// asserted in the same op (then Xen would have crashed first: its ASSERT is the diagnostic).
// At the end, a snapshot taken half-way is restored and the rest re-executed: the debugger's
// time travel must reach exactly the recorded state.
import { EngineMachine } from '../engine/replay/engine-machine';
import type { ReplayMachine } from '../engine/replay/backend';
import type { TraceConfig, TraceRecord } from '../engine/trace/records';

/** Work budget per input: a call covering more pages than this is left out of the replay. */
export const REPLAY_NR_CAP = 1 << 16;
export const REPLAY_OP_CAP = 4000;
/**
 * Pages per input over all calls: 2308 grouped calls of 2^16 4K pages each (a mutated xentrace,
 * seed 2026 input 43732) are 150M chunks and 93M events, ~50 s of legitimate work, not a bug.
 */
export const REPLAY_TOTAL_PAGES = 1 << 20;

export interface ReplayOutcome { violation?: string; ops: number; skippedHuge: number }

function pagesOf(r: TraceRecord): number {
  if (r.kind === 'setEntry') return r.nr;
  if (r.kind === 'memAccess') return r.nr ?? 0;
  return 0;
}

function fingerprint(m: ReplayMachine): string {
  return m.domains.map(d => {
    const v = m.view(d);
    const s = v.stats();
    const regs = v.regions(0, Number.MAX_SAFE_INTEGER, 2000).map(x => `${x.gfn}:${x.count}:${x.mfn}:${x.type}:${x.access}:${x.level}`).join(',');
    return `d${d} m=${s.mappings} s=${s.shattered} t=${v.trueCounts()} max=${v.maxMappedGfn()} low=${v.lowestMappedGfn()} p=${JSON.stringify(v.pool())} r=${regs}`;
  }).join('\n');
}

export function replayCheck(records: readonly TraceRecord[], config: TraceConfig): ReplayOutcome {
  let skippedHuge = 0;
  let pages = REPLAY_TOTAL_PAGES;
  const kept: TraceRecord[] = [{ kind: 'config', ...config, loc: { source: 'fuzz', line: 0, column: 0, byteOffset: 0 } }];
  for (const r of records) {
    const n = pagesOf(r);
    if (!(n <= REPLAY_NR_CAP) || n > pages) { skippedHuge++; continue; } // also drops NaN/garbage nr
    pages -= n;
    kept.push(r);
  }
  let m: EngineMachine;
  let i = -1;
  try {
    m = new EngineMachine(kept);
    const n = Math.min(m.ops.length, REPLAY_OP_CAP);
    m.reset();
    const mid = n >> 1;
    let snap: ReturnType<EngineMachine['snapshot']> | undefined;
    for (i = 0; i < n; i++) {
      if (i === mid) snap = m.snapshot();
      const from = m.events.length;
      m.execute(i, true);
      const op = m.ops[i];
      let asserted = false;
      const simErrors: string[] = [];
      for (let e = from; e < m.events.length; e++) {
        if (m.events.kindAt(e) !== 'diagnostic') continue;
        const ev = m.events.get(e);
        if (ev.kind !== 'diagnostic') continue;
        if (ev.diag.code.startsWith('assert-')) asserted = true;
        if (ev.diag.code.startsWith('sim-') && ev.diag.severity === 'error') simErrors.push(`${ev.diag.code}: ${ev.diag.message}`);
      }
      if (simErrors.length && !asserted && op.kind !== 'write_pte') return { violation: `op ${i} (${op.label}): ${simErrors[0]}`, ops: i, skippedHuge };
      const v = m.view(op.domain);
      if (v.needFlush()) return { violation: `op ${i} (${op.label}): need_flush set after the op`, ops: i, skippedHuge };
      const s = v.stats();
      if (s.mappings[0] !== 0 || s.shattered[0] !== 0) return { violation: `op ${i} (${op.label}): level-0 counters ${s.mappings[0]}/${s.shattered[0]}`, ops: i, skippedHuge };
      const pool = v.pool();
      if (typeof pool.total === 'number' && pool.free + pool.used !== pool.total) {
        return { violation: `op ${i} (${op.label}): pool ${pool.free} free + ${pool.used} used != ${pool.total}`, ops: i, skippedHuge };
      }
    }
    m.findings();
    if (snap !== undefined) {
      const recorded = fingerprint(m);
      m.restore(snap);
      for (let k = mid; k < n; k++) m.execute(k, false);
      const replayed = fingerprint(m);
      if (replayed !== recorded) return { violation: `snapshot at op ${mid} restored and re-executed to op ${n} differs from the recording:\n${firstDiff(recorded, replayed)}`, ops: n, skippedHuge };
    }
    return { ops: n, skippedHuge };
  } catch (e) {
    return { violation: `replay threw at op ${i}: ${e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e)}`, ops: Math.max(0, i), skippedHuge };
  }
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n'), y = b.split('\n');
  for (let k = 0; k < Math.max(x.length, y.length); k++) if (x[k] !== y[k]) return `recorded: ${x[k]?.slice(0, 300)}\nreplayed: ${y[k]?.slice(0, 300)}`;
  return '';
}
