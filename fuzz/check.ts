// The invariants checked on every fuzz input, for one target: no exception escapes, no
// internal-error diagnostic, parsing time proportional to the size, bounded output (records
// and diagnostics per input byte), every diagnostic located, a rejected input explained by at
// least one diagnostic, and (front door only) the replay invariants of replay-check.ts.
import { type InputOptions, type Target } from './targets';
import { replayCheck } from './replay-check';

export interface Failure {
  target: string;
  /** Stable class of the failure (used to deduplicate and to name fixtures). */
  kind: 'throw' | 'internal' | 'slow' | 'unbounded' | 'unlocated' | 'unexplained' | 'replay';
  message: string;
}

export interface CheckStats { records: number; diagnostics: number; replayedOps: number; skippedHuge: number; ms: number }

/** Time budget: a fixed allowance plus a per-byte one (generous: 2 cores shared with others). */
export const timeBudgetMs = (bytes: number): number => 1500 + bytes / 1000;
/** Max records per input byte: the shortest record line is 3 characters plus a newline. */
const MAX_RECORDS = (bytes: number) => Math.floor(bytes / 3) + 2;
/** DiagnosticList keeps at most 10 000 plus one "suppressed" note. */
const MAX_DIAGS = 10_002;

export function checkInput(t: Target, bytes: Uint8Array, o: InputOptions, replay = t.replay): { failure?: Failure; stats: CheckStats } {
  const stats: CheckStats = { records: 0, diagnostics: 0, replayedOps: 0, skippedHuge: 0, ms: 0 };
  const fail = (kind: Failure['kind'], message: string) => ({ failure: { target: t.name, kind, message }, stats });
  const t0 = performance.now();
  let res;
  try {
    res = t.run(bytes, o);
  } catch (e) {
    return fail('throw', `${t.name} threw: ${e instanceof Error ? `${e.message}\n${e.stack?.split('\n').slice(1, 5).join('\n')}` : String(e)}`);
  }
  stats.ms = performance.now() - t0;
  stats.records = res.records.length;
  stats.diagnostics = res.diagnostics.length;
  if (stats.ms > timeBudgetMs(bytes.length)) return fail('slow', `${t.name} took ${stats.ms.toFixed(0)} ms for ${bytes.length} bytes (budget ${timeBudgetMs(bytes.length).toFixed(0)} ms)`);
  const internal = res.diagnostics.find(d => /^internal/i.test(d.message));
  if (internal) return fail('internal', `${t.name}: ${internal.message}`);
  if (res.records.length > MAX_RECORDS(bytes.length)) return fail('unbounded', `${t.name}: ${res.records.length} records from ${bytes.length} bytes`);
  // The engine readers cap diagnostics (DiagnosticList); the language server's parser reports
  // each bad token (at least 2 bytes apart) and its publisher caps what reaches the editor.
  const maxDiags = t.name === 'lsp-p2mtrace' ? (bytes.length >> 1) + 16 : MAX_DIAGS;
  if (res.diagnostics.length > maxDiags) return fail('unbounded', `${t.name}: ${res.diagnostics.length} diagnostics (bound ${maxDiags})`);
  for (const d of res.diagnostics) {
    const located = (d.line >= 1 && d.column >= 1) || d.byteOffset !== undefined || /further diagnostics suppressed/.test(d.message);
    if (!located) return fail('unlocated', `${t.name}: diagnostic without a location: ${JSON.stringify(d)}`);
  }
  if ((res.rejected || res.records.length === 0) && t.name === 'auto' && bytes.length > 0 && res.diagnostics.length === 0) {
    return fail('unexplained', `${t.name}: ${bytes.length} bytes gave no records and no diagnostic`);
  }
  for (const r of res.records) {
    if (typeof r !== 'object' || r === null || typeof r.kind !== 'string' || typeof r.loc !== 'object') return fail('internal', `${t.name}: malformed record ${String(r)}`);
  }
  if (replay) {
    const t1 = performance.now();
    const rss0 = process.memoryUsage().rss;
    const out = replayCheck(res.records, res.config);
    // Memory: a small input must not make the engine allocate gigabytes (pool_pages=2^32 did).
    const grew = process.memoryUsage().rss - rss0;
    if (grew > 1.5 * 2 ** 30) return fail('unbounded', `replay grew RSS by ${(grew / 2 ** 20).toFixed(0)} MB for ${bytes.length} bytes`);
    stats.replayedOps = out.ops;
    stats.skippedHuge = out.skippedHuge;
    if (out.violation) return fail('replay', out.violation);
    const ms = performance.now() - t1;
    if (ms > 5000 + out.ops * 2) return fail('slow', `replay of ${out.ops} ops took ${ms.toFixed(0)} ms`);
  }
  return { stats };
}

