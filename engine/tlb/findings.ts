// Findings of the BBM checker and hazards of the TLB model, as plain data, plus their
// conversion to `diagnostic` events (codes `bbm-violation` / `stale-tlb` in events.ts) so the
// debugger can "break on BBM violation" and the language server can show them. Findings are
// rare (one object each); the per-event path never allocates.
import { hex64 } from '../arch/descriptor';
import type { EngineDiagnostic, P2mEvent } from '../p2m/events';
import type { BbmReason, BbmRule } from './bbm-rules';

/** The entry a finding is about: table page MFN, index, level and the GFNs it maps. */
export interface FindingEntry {
  table: number;
  index: number;
  level: number;
  /** First GFN of the entry's range; undefined when the page is not reachable from a root. */
  gfn?: number;
  /** Number of GFNs the entry covers (512^(3-level)). */
  gfnCount: number;
}

export interface BbmFinding {
  rule: BbmRule;
  /** 'error' for violations; 'info' for wasted flushes (counted, not errors). */
  severity: 'error' | 'info';
  /** Arm ARM section (title first; numbering differs per edition). */
  armRef: string;
  entry: FindingEntry;
  /** For bbm-valid-change / bbm-no-flush: why the change needed break-before-make. */
  reasons: BbmReason[];
  old: bigint;
  new: bigint;
  /** Event indices proving the finding, oldest first; the last one is where it was detected. */
  events: number[];
  message: string;
}

export type TlbHazardKind =
  | 'stale-leaf'               // cached leaf translation differs from the tables
  | 'stale-walk'               // cached table (walk-cache) entry differs from the tables
  | 'incomplete-ipa-sequence'; // by-IPA invalidation not followed by VMALLE1IS + DSB

export interface TlbHazard {
  kind: TlbHazardKind;
  vmid: number;
  entry: FindingEntry;
  /** What the TLB holds, and what the tables hold now (0 = nothing valid). */
  cached: bigint;
  current: bigint;
  /** [fill event, event at which the hazard was detected]. */
  events: number[];
  message: string;
}

export function hexGfn(g: number | undefined): string { return g === undefined ? '?' : '0x' + g.toString(16); }

export function describeEntry(e: FindingEntry): string {
  const range = e.gfn === undefined ? 'GFN range unknown (page not reachable)'
    : `GFN ${hexGfn(e.gfn)}..${hexGfn(e.gfn + e.gfnCount - 1)}`;
  return `table 0x${e.table.toString(16)}[${e.index}] L${e.level}, ${range}`;
}

export function findingToDiagnostic(f: BbmFinding): EngineDiagnostic {
  const diag: EngineDiagnostic = {
    code: 'bbm-violation',
    severity: f.severity,
    message: `${f.rule}: ${f.message} (${describeEntry(f.entry)}; old ${hex64(f.old)} new ${hex64(f.new)}; events ${f.events.join(',')}) — ${f.armRef}`,
  };
  if (f.entry.gfn !== undefined) diag.gfn = f.entry.gfn;
  return diag;
}

export function hazardToDiagnostic(h: TlbHazard): EngineDiagnostic {
  const diag: EngineDiagnostic = {
    code: 'stale-tlb',
    severity: 'warning',
    message: `${h.kind}: ${h.message} (${describeEntry(h.entry)}; cached ${hex64(h.cached)} tables ${hex64(h.current)}; events ${h.events.join(',')})`,
  };
  if (h.entry.gfn !== undefined) diag.gfn = h.entry.gfn;
  return diag;
}

/** As `diagnostic` events, for splicing into a stream after the last proving event. */
export function findingEvent(f: BbmFinding): P2mEvent { return { kind: 'diagnostic', diag: findingToDiagnostic(f) }; }
export function hazardEvent(h: TlbHazard): P2mEvent { return { kind: 'diagnostic', diag: hazardToDiagnostic(h) }; }
