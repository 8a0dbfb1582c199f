// The trace session's engine side: one loaded trace, its first-pass timeline and snapshots,
// the replay cursor, and every query the views make (tree, regions, log pages, micro-ops,
// plots, exports). It runs inside the session worker (never on the extension host thread) and
// is vscode-free, so unit tests drive it directly. Built on the replay core's ReplayMachine,
// Timeline and Seeker (engine/replay): a seek costs at most one snapshot interval.

import type { ReplayMachine } from '../../engine/replay/backend';
import { ChangeIndex, type RootInfo } from '../../engine/replay/change-index';
import type { Seeker } from '../../engine/replay/seeker';
import { createSeeker, firstPassOf } from '../../engine/replay/seek-setup';
import { Timeline } from '../../engine/replay/timeline';
import { tableOf } from '../../engine/replay/op-table';
import { childrenOf, domainNode, pathToGfn, type TreeNodeKey, type TreeNodeModel } from '../views/tree-model';
import { collectRegions } from '../views/regions-model';
import { microOpRows } from './event-format';
import { LogIndex, filterOps, opGfnRange } from './log-index';
import { diagnosticMessages, PHASES, summarizeOps, type OpSummary } from './op-summary';
import { samplePlots } from './plot-sampler';
import type { WriteTraceOverlay } from './write-trace';
import { ipaBitsOf, tableSourceOf } from './table-source';
import type { CursorState, LogFilter, LogPage, LogRow, MicroOpRow, PlotData, RegionFilter, RegionRow } from './view-data';
import { hexOf } from './view-data';

export interface CoreOptions {
  snapshotInterval: number;
  /**
   * Bounds shared with the debugger's replay runtime (engine/replay/runtime.ts): a snapshot
   * also as soon as this many events were recorded (split-heavy stretches keep seeks flat),
   * and at most this many snapshots (thinned beyond it), so memory no longer grows with the
   * trace length. Defaults: the runtime's.
   */
  maxEventsPerSnapshot?: number;
  maxSnapshots?: number;
  /** Checker results and rows for low-level write-trace ops (write-trace.ts). */
  overlay?: WriteTraceOverlay;
  /** IPA bits per domain, when the trace configured them. */
  ipaBits?: number;
}

export class SessionCore<Snap = unknown> {
  readonly timeline: Timeline;
  readonly summary: OpSummary;
  private readonly seeker: Seeker<Snap>;
  private position: number;
  private domain: number;
  /** Rows of the log filter (every op until a query restricts them). */
  private log: LogIndex;
  private changes: ChangeIndex | undefined;
  private plotCache = new Map<number, PlotData>();

  constructor(readonly machine: ReplayMachine<Snap>, private readonly opts: CoreOptions,
    progress?: (phase: 'replay' | 'summary', done: number) => void) {
    const fp = firstPassOf(machine, opts);
    progress?.('replay', 0);
    const built = Timeline.build(machine, fp.passInterval, fp.maxEvents, fp.maxSnapshots);
    this.timeline = built.timeline;
    // Snapshots + re-execution, log moves between a few checkpoints, or the time index (engine/replay/seek-setup.ts).
    this.seeker = createSeeker(machine, built, fp.interval);
    this.summary = summarizeOps(machine.ops, machine.events, this.timeline.opStart, d => progress?.('summary', d), opts.overlay);
    this.position = machine.ops.length;
    this.domain = machine.domains[0] ?? 0;
    this.log = new LogIndex(undefined, machine.ops.length);
  }

  get opCount(): number { return this.machine.ops.length; }
  get domains(): readonly number[] { return this.machine.domains; }
  get cursor(): number { return this.position; }

  kinds(): string[] {
    const kinds = new Set<string>();
    const t = tableOf(this.machine.ops);
    for (let i = 0; i < this.opCount; i++) kinds.add(t ? t.kindOf(i) : this.machine.ops[i].kind);
    return [...kinds];
  }

  // --- cursor ---

  seek(position: number): CursorState {
    this.position = Math.max(0, Math.min(this.opCount, Math.floor(position)));
    this.seeker.seek(this.position);
    const op = this.machine.ops[this.position - 1];
    if (op && this.domains.includes(op.domain)) this.domain = op.domain;
    return this.cursorState();
  }

  setDomain(domain: number): CursorState {
    if (this.domains.includes(domain)) this.domain = domain;
    return this.cursorState();
  }

  cursorState(): CursorState {
    const p = this.position;
    const last = p > 0 ? this.machine.ops[p - 1] : undefined;
    return {
      position: p, opCount: this.opCount, domain: this.domain, domains: [...this.domains],
      violations: this.summary.violations.total, diagnostics: this.summary.diagnostics.total,
      violationsSoFar: this.summary.violations.before(p), diagnosticsSoFar: this.summary.diagnostics.before(p),
      changed: p > 0 ? this.changedBy(p - 1) : [],
      line: last?.loc.line,
    };
  }

  /**
   * GFN range the op addressed, when it wrote a live entry (for tree decorations). Taken from
   * the op's arguments rather than the ChangeIndex: that index costs a pass over the whole
   * log, which the first cursor move after loading a 1M-op trace must not pay.
   */
  changedBy(op: number): CursorState['changed'] {
    const phase = PHASES[this.summary.phase[op]];
    if (phase === 'none' || phase === 'prepare' || phase === 'flush') return [];
    const o = this.machine.ops[op];
    const r = opGfnRange(o);
    return r ? [{ domain: o.domain, gfnFirst: hexOf(r[0]), gfnLast: hexOf(r[1]) }] : [];
  }

  private changeIndex(): ChangeIndex {
    if (!this.changes) {
      // Built lazily: the first decoration or "Show in Trace Log" pays one pass over the log.
      const roots = new Map<number, RootInfo>();
      for (const d of this.domains) {
        const v = this.machine.view(d);
        roots.set(d, { rootLevel: v.rootLevel, rootMfns: [...v.rootMfns] });
      }
      this.changes = ChangeIndex.build(this.timeline, this.machine.events, roots);
    }
    return this.changes;
  }

  /** Ops with a live write overlapping [first, last] in `domain`. */
  touchedOps(domain: number, first: number, last: number): Set<number> {
    const ci = this.changeIndex();
    const out = new Set<number>();
    for (let r = 0; r < ci.size; r++) {
      if (!ci.overlaps(r, first, last + 1)) continue;
      const op = this.timeline.opOfEvent(ci.eventAt(r));
      if (this.machine.ops[op].domain === domain) out.add(op);
    }
    return out;
  }

  // --- tree and regions (state at the cursor) ---

  private source(domain: number) {
    const v = this.machine.view(domain);
    return tableSourceOf(v, this.opts.ipaBits ?? ipaBitsOf(v));
  }

  treeRoots(): TreeNodeModel[] {
    return this.domains.map(d => domainNode(this.source(d)));
  }

  treeChildren(key: TreeNodeKey): TreeNodeModel[] {
    if (!this.domains.includes(key.domain)) return [];
    return childrenOf(this.source(key.domain), key);
  }

  treePath(domain: number, gfn: number): TreeNodeModel[] {
    return this.domains.includes(domain) ? pathToGfn(this.source(domain), gfn) : [];
  }

  regions(domain: number | undefined, filter: RegionFilter, limit: number): { rows: RegionRow[]; truncated: boolean } {
    const doms = domain === undefined ? this.domains : this.domains.filter(d => d === domain);
    const rows: RegionRow[] = [];
    let truncated = false;
    for (const d of doms) {
      const r = collectRegions(this.source(d), filter, limit - rows.length);
      rows.push(...r.rows);
      truncated ||= r.truncated;
    }
    return { rows, truncated };
  }

  lookupText(domain: number, gfn: number): string {
    if (!this.domains.includes(domain)) return `domain ${domain} is not in this trace`;
    const v = this.machine.view(domain);
    const r = v.lookup(gfn);
    const path = pathToGfn(this.source(domain), gfn).slice(1).map(n => `  ${n.label}${n.description ? `  (${n.description})` : ''}`);
    return [
      `d${domain} GFN ${hexOf(gfn)} after op ${this.position} of ${this.opCount}:`,
      r.mfn < 0 ? `  not mapped (hole order ${r.order})`
        : `  → MFN ${hexOf(r.mfn)} ${r.type} ${r.access} order ${r.order}${r.valid ? '' : ' (hw-invalid)'}`,
      'walk:', ...path,
    ].join('\n');
  }

  dumpInfo(domain?: number): string {
    const doms = domain === undefined ? this.domains : [domain];
    return doms.filter(d => this.domains.includes(d)).map(d => this.machine.view(d).dumpInfo()).join('');
  }

  // --- log ---

  private filterContext() {
    return {
      ops: this.machine.ops, summary: this.summary, labels: this.opts.overlay?.labels,
      diagnosticsOf: (op: number) => diagnosticMessages(this.machine.events, this.timeline.opStart, op),
      touchedOps: (d: number, a: number, b: number) => this.touchedOps(d, a, b),
    };
  }

  logQuery(filter: LogFilter): { total: number; cursorIndex: number } {
    this.log = new LogIndex(filterOps(this.filterContext(), filter), this.opCount);
    return { total: this.log.total, cursorIndex: this.logIndexOf(this.position - 1) };
  }

  /** Filtered index of `op`, or of the nearest earlier matching op; -1 if none. */
  logIndexOf(op: number): number { return this.log.indexOf(op); }

  logPage(offset: number, count: number): LogPage {
    const rows: LogRow[] = [];
    const { from, to } = this.log.page(offset, count);
    for (let k = from; k < to; k++) rows.push(this.row(this.log.at(k)));
    return { total: this.log.total, offset: from, rows };
  }

  row(i: number): LogRow {
    const op = this.machine.ops[i];
    const s = this.summary;
    const r: LogRow = {
      op: i, kind: op.kind, domain: op.domain, text: this.opts.overlay?.labels.get(i) ?? op.label, rc: s.rc.at(i),
      events: this.timeline.eventCountOf(i) + (this.opts.overlay?.rows.get(i)?.length ?? 0), flushes: s.flushes.at(i), violations: s.violations.at(i),
      diagnostics: s.diagnostics.at(i), phase: PHASES[s.phase[i]] ?? 'none',
    };
    if (op.loc.line > 0) r.line = op.loc.line;
    const g = opGfnRange(op);
    if (g) { r.gfnFirst = hexOf(g[0]); r.gfnLast = hexOf(g[1]); }
    return r;
  }

  microOps(op: number): MicroOpRow[] {
    if (op < 0 || op >= this.opCount) return [];
    const rows = microOpRows(i => this.machine.events.get(i), this.timeline.opStart[op], this.timeline.opStart[op + 1]);
    const extra = this.opts.overlay?.rows.get(op);
    if (!extra) return rows;
    // Keep opBegin first and opEnd last around the write-trace rows.
    return [...rows.slice(0, 1), ...extra, ...rows.slice(1)];
  }

  plots(buckets: number): PlotData {
    const cached = this.plotCache.get(buckets);
    if (cached) return cached;
    const data = samplePlots(this.machine, this.seeker, this.summary, this.timeline.opStart, buckets);
    this.seeker.seek(this.position); // sampling moved the machine; put it back at the cursor
    this.plotCache.set(buckets, data);
    return data;
  }

  /** The last op whose record starts at or before `line` (1-based), as a cursor position. */
  positionForLine(line: number): number {
    let best = -1;
    const t = tableOf(this.machine.ops);
    const ops = this.machine.ops;
    for (let i = 0; i < ops.length; i++) if ((t ? t.lineOf(i) : ops[i].loc.line) <= line) best = i;
    return best + 1;
  }
}
