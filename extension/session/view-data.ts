// Serializable view data shared by the session worker, the extension host and the trace-log
// webview: log rows, micro-operations, filters, plot series, regions, cursor state.
// No vscode, no engine imports: every side (worker, host, browser bundle) can import it.
// 64-bit values (descriptors, GFN ranges) cross as hex strings, per the team rule.

/** BBM colouring of a row or micro-op (p2m-model.md §7): what phase of an update it is. */
export type BbmPhase = 'none' | 'prepare' | 'break' | 'flush' | 'make' | 'violation';

/** One operation of the trace = one row of the log. */
export interface LogRow {
  /** 0-based operation index; the cursor position after it is op + 1. */
  op: number;
  /** 1-based source line in the trace file, when the format has lines. */
  line?: number;
  kind: string;
  domain: number;
  /** One-line summary, e.g. "p2m_set_entry gfn=0x40201 nr=0x1 mfn=0x300000 ram_rw rwx". */
  text: string;
  rc: number;
  /** Events the op recorded; -1 when not known (index-only sessions compute them on expand). */
  events: number;
  flushes: number;
  violations: number;
  diagnostics: number;
  /** Strongest phase seen in the op: violation > break/make > prepare > none. */
  phase: BbmPhase;
  gfnFirst?: string;
  gfnLast?: string;
}

/** One event inside an operation, shown when the row is expanded. */
export interface MicroOpRow {
  /** Index in the global event stream. */
  event: number;
  kind: string;
  /** Call-frame depth, for indentation. */
  depth: number;
  text: string;
  phase: BbmPhase;
  /** For pteWrite: old → new descriptors as 16-digit hex. */
  old?: string;
  new?: string;
}

export interface LogFilter {
  /** Operation kinds to keep (empty or absent = all). */
  kinds?: string[];
  domain?: number;
  /** Inclusive GFN range (hex strings); an op matches if its range overlaps. */
  gfnFirst?: string;
  gfnLast?: string;
  onlyViolations?: boolean;
  /** Case-insensitive full-text search over the row summary and its micro-ops. */
  text?: string;
  /** Brushed time range: inclusive op indices. */
  opFrom?: number;
  opTo?: number;
  /** "Show in Trace Log" for a tree node: ops whose events touched this range. */
  touched?: { domain: number; gfnFirst: string; gfnLast: string };
}

export interface LogPage {
  /** Rows matching the filter. */
  total: number;
  offset: number;
  rows: LogRow[];
}

export type PlotSeriesId =
  | 'xen1G' | 'xen2M' | 'xen4K' | 'true1G' | 'true2M' | 'true4K'
  | 'flushes' | 'tablePages' | 'violations';

export interface PlotSeries {
  id: PlotSeriesId;
  label: string;
  /** One value per bucket (the value at the bucket's last op; flushes/violations per bucket). */
  values: number[];
}

export interface PlotData {
  /** First op index of each bucket; buckets are contiguous and cover [0, opCount). */
  bucketStart: number[];
  opCount: number;
  series: PlotSeries[];
}

/** A coalesced mapped range for the Regions view. */
export interface RegionRow {
  domain: number;
  gfnFirst: string;
  gfnLast: string;
  mfnFirst: string;
  level: number;
  count: number;
  type: string;
  perms: string;
  mattr: string;
}

export interface RegionFilter {
  types?: string[];
  /** Permission pattern like "rw" (all must be present). */
  perms?: string;
  text?: string;
}

/** Where the replay cursor is, for the status bar and the views. */
export interface CursorState {
  /** Number of operations applied (0 = initial state). Displayed as "op N of M". */
  position: number;
  opCount: number;
  domain: number;
  domains: number[];
  violations: number;
  diagnostics: number;
  /** Violations/diagnostics among ops applied so far. */
  violationsSoFar: number;
  diagnosticsSoFar: number;
  /** GFN ranges written by the last applied operation (for tree decorations). */
  changed: Array<{ domain: number; gfnFirst: string; gfnLast: string }>;
  /** Source line of the last applied op, for editor highlighting. */
  line?: number;
}

/** One strategy's outcome in the comparison table. */
export interface StrategyResult {
  strategy: string;
  available: boolean;
  note?: string;
  tlbFlushes?: number;
  liveWrites?: number;
  tableAllocs?: number;
  tableFrees?: number;
  violations?: number;
  stats?: string;
}

export function hexOf(n: number): string {
  return '0x' + n.toString(16);
}
