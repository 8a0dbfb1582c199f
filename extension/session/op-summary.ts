// Per-operation summary columns for the trace log, computed in one pass over the recorded
// event stream after the first replay: flush/violation/diagnostic counts, rc, the row's BBM
// phase, and the diagnostic messages (kept only for ops that have some, for full-text search).
// Violations come from `bbm-violation`/`stale-tlb` diagnostic events in the stream and from the
// BBM checker (engine/tlb) run over the same events; the larger count per op wins, so an
// engine that already emits checker diagnostics is not counted twice. The count and rc
// columns are compact (compact-column.ts): a byte per op or only the non-zero ops.

import type { MachineOp } from '../../engine/replay/backend';
import { tableOf } from '../../engine/replay/op-table';
import { opOfEvent } from '../../engine/replay/timeline';
import { BbmChecker } from '../../engine/tlb/bbm-checker';
import { ColumnBuilder, type OpColumn } from './compact-column';
import { VIOLATION_CODES } from './event-format';
import { feedRange, SummarySink, type SummarySource } from './summary-sink';
import type { BbmPhase } from './view-data';
import type { WriteTraceOverlay } from './write-trace';

export const PHASES: readonly BbmPhase[] = ['none', 'prepare', 'make', 'flush', 'break', 'violation'];
const PHASE_RANK = new Map(PHASES.map((p, i) => [p, i]));

export interface OpSummary {
  readonly opCount: number;
  /** Per-op counts; `before(i)` gives the "so far" sums over ops [0, i). */
  readonly flushes: OpColumn;
  readonly violations: OpColumn;
  readonly diagnostics: OpColumn;
  /** The op's return code (its opEnd's rc; 0 for an op without one). */
  readonly rc: OpColumn;
  /** Index into PHASES. */
  readonly phase: Uint8Array;
  /**
   * Searchable texts that are not engine diagnostics (checker findings, write-trace checks).
   * The engine's own diagnostic messages are read back from the log (`diagnosticMessages`):
   * a trace failing every op (exhausted pool) would otherwise keep a string per op.
   */
  readonly messages: Map<number, string[]>;
}

export function summarizeOps(ops: readonly MachineOp[], events: SummarySource, opStart: Uint32Array,
  progress?: (done: number) => void, overlay?: WriteTraceOverlay): OpSummary {
  const n = ops.length;
  const flushes = new ColumnBuilder(n), violations = new ColumnBuilder(n), diagnostics = new ColumnBuilder(n);
  const rc = new ColumnBuilder(n, true);
  const phase = new Uint8Array(n);
  const messages = new Map<number, string[]>();
  // One checker per domain: each domain's table pages are a separate mirror (their MFNs may overlap).
  const checkers = new Map<number, BbmChecker>();
  const sink = new SummarySink();
  // Diagnostic events are not in the raw feed: scan kinds for them only when the log has any.
  const scanDiags = events.diagnosticCount !== undefined ? events.diagnosticCount() > 0
    : events.diagnosticsList === undefined || events.diagnosticsList().length > 0;
  const violationRank = PHASE_RANK.get('violation') ?? 0;
  const table = tableOf(ops);
  for (let op = 0; op < n; op++) {
    const domain = table ? table.domainOf(op) : ops[op].domain;
    let checker = checkers.get(domain);
    if (!checker) checkers.set(domain, checker = new BbmChecker({ recordWaste: false, maxFindings: 100_000 }));
    let diagViol = 0, diags = 0;
    const before = checker.counts.violations;
    sink.begin(checker);
    feedRange(events, sink, opStart[op], opStart[op + 1]);
    rc.set(op, sink.rc);
    let fl = sink.flushes;
    let rank = sink.rank;
    if (scanDiags) {
      for (let i = opStart[op]; i < opStart[op + 1]; i++) {
        if (events.kindAt(i) !== 'diagnostic') continue;
        const e = events.get(i);
        if (e.kind !== 'diagnostic') continue;
        diags++;
        if (VIOLATION_CODES.has(e.diag.code)) { diagViol++; rank = violationRank; }
      }
    }
    let viol = Math.max(diagViol, checker.counts.violations - before);
    if (overlay) {
      // Low-level write traces carry no engine events: take their checker results as-is.
      viol += overlay.violations[op];
      fl += overlay.flushes[op];
      for (const r of overlay.rows.get(op) ?? []) rank = Math.max(rank, PHASE_RANK.get(r.phase) ?? 0);
      const om = overlay.messages.get(op);
      if (om) messages.set(op, [...(messages.get(op) ?? []), ...om]);
    }
    if (viol > 0) rank = PHASE_RANK.get('violation') ?? rank;
    phase[op] = rank;
    flushes.set(op, fl);
    violations.set(op, viol);
    diagnostics.set(op, diags);
    if (progress && (op & 0x3fff) === 0) progress(op);
  }
  // Checker findings that the stream did not carry as diagnostics: keep their text searchable.
  for (const f of [...checkers.values()].flatMap(c => c.violations)) {
    const ev = f.events[f.events.length - 1];
    const op = opOfEvent(opStart, ev);
    let m = messages.get(op);
    if (!m) messages.set(op, m = []);
    if (m.length < 20) m.push(`[bbm-violation] ${f.rule}: ${f.message}`);
  }
  return {
    opCount: n, flushes: flushes.seal(), violations: violations.seal(), diagnostics: diagnostics.seal(), rc: rc.seal(), phase, messages,
  };
}

/** `[code] message` of op `op`'s diagnostic events (at most 20), from the log. */
export function diagnosticMessages(events: SummarySource, opStart: Uint32Array, op: number): string[] {
  const out: string[] = [];
  for (let i = opStart[op]; i < opStart[op + 1] && out.length < 20; i++) {
    if (events.kindAt(i) !== 'diagnostic') continue;
    const e = events.get(i);
    if (e.kind === 'diagnostic') out.push(`[${e.diag.code}] ${e.diag.message}`);
  }
  return out;
}

