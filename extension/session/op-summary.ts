// Per-operation summary columns for the trace log, computed in one pass over the recorded
// event stream after the first replay: flush/violation/diagnostic counts, rc, the row's BBM
// phase, and the diagnostic messages (kept only for ops that have some, for full-text search).
// Violations come from `bbm-violation`/`stale-tlb` diagnostic events in the stream and from the
// BBM checker (engine/tlb) run over the same events; the larger count per op wins, so an
// engine that already emits checker diagnostics is not counted twice.

import type { MachineOp } from '../../engine/replay/backend';
import { tableOf } from '../../engine/replay/op-table';
import { opOfEvent } from '../../engine/replay/timeline';
import { BbmChecker } from '../../engine/tlb/bbm-checker';
import { VIOLATION_CODES } from './event-format';
import { feedRange, SummarySink, type SummarySource } from './summary-sink';
import type { BbmPhase } from './view-data';
import type { WriteTraceOverlay } from './write-trace';

export const PHASES: readonly BbmPhase[] = ['none', 'prepare', 'make', 'flush', 'break', 'violation'];
const PHASE_RANK = new Map(PHASES.map((p, i) => [p, i]));

export interface OpSummary {
  readonly opCount: number;
  readonly flushes: Uint32Array;
  readonly violations: Uint32Array;
  readonly diagnostics: Uint32Array;
  readonly rc: Int32Array;
  /** Index into PHASES. */
  readonly phase: Uint8Array;
  /**
   * Searchable texts that are not engine diagnostics (checker findings, write-trace checks).
   * The engine's own diagnostic messages are read back from the log (`diagnosticMessages`):
   * a trace failing every op (exhausted pool) would otherwise keep a string per op.
   */
  readonly messages: Map<number, string[]>;
  totalViolations: number;
  totalDiagnostics: number;
  /** Cumulative violations/diagnostics before op i (length opCount + 1), for "so far" counts. */
  readonly violationsBefore: Uint32Array;
  readonly diagnosticsBefore: Uint32Array;
}

export function summarizeOps(ops: readonly MachineOp[], events: SummarySource, opStart: Uint32Array,
  progress?: (done: number) => void, overlay?: WriteTraceOverlay): OpSummary {
  const n = ops.length;
  const s: OpSummary = {
    opCount: n, flushes: new Uint32Array(n), violations: new Uint32Array(n), diagnostics: new Uint32Array(n),
    rc: new Int32Array(n), phase: new Uint8Array(n), messages: new Map(), totalViolations: 0, totalDiagnostics: 0,
    violationsBefore: new Uint32Array(n + 1), diagnosticsBefore: new Uint32Array(n + 1),
  };
  // One checker per domain: each domain's table pages are a separate mirror (their MFNs may overlap).
  const checkers = new Map<number, BbmChecker>();
  const checkerViol = new Uint32Array(n);
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
    let diagViol = 0;
    const before = checker.counts.violations;
    sink.begin(checker);
    feedRange(events, sink, opStart[op], opStart[op + 1]);
    s.rc[op] = sink.rc;
    s.flushes[op] = sink.flushes;
    let rank = sink.rank;
    if (scanDiags) {
      for (let i = opStart[op]; i < opStart[op + 1]; i++) {
        if (events.kindAt(i) !== 'diagnostic') continue;
        const e = events.get(i);
        if (e.kind !== 'diagnostic') continue;
        s.diagnostics[op]++;
        if (VIOLATION_CODES.has(e.diag.code)) { diagViol++; rank = violationRank; }
      }
    }
    checkerViol[op] = checker.counts.violations - before;
    s.violations[op] = Math.max(diagViol, checkerViol[op]);
    if (overlay) {
      // Low-level write traces carry no engine events: take their checker results as-is.
      s.violations[op] += overlay.violations[op];
      s.flushes[op] += overlay.flushes[op];
      for (const r of overlay.rows.get(op) ?? []) rank = Math.max(rank, PHASE_RANK.get(r.phase) ?? 0);
      const om = overlay.messages.get(op);
      if (om) s.messages.set(op, [...(s.messages.get(op) ?? []), ...om]);
    }
    if (s.violations[op] > 0) rank = PHASE_RANK.get('violation') ?? rank;
    s.phase[op] = rank;
    s.violationsBefore[op + 1] = s.violationsBefore[op] + s.violations[op];
    s.diagnosticsBefore[op + 1] = s.diagnosticsBefore[op] + s.diagnostics[op];
    if (progress && (op & 0x3fff) === 0) progress(op);
  }
  // Checker findings that the stream did not carry as diagnostics: keep their text searchable.
  for (const f of [...checkers.values()].flatMap(c => c.violations)) {
    const ev = f.events[f.events.length - 1];
    const op = opOfEvent(opStart, ev);
    let m = s.messages.get(op);
    if (!m) s.messages.set(op, m = []);
    if (m.length < 20) m.push(`[bbm-violation] ${f.rule}: ${f.message}`);
  }
  s.totalViolations = s.violationsBefore[n];
  s.totalDiagnostics = s.diagnosticsBefore[n];
  return s;
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

