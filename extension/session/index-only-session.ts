// An index-only session (issue 10, "Index only" over p2m.indexOnlyThresholdMB): the trace is
// streamed once and replayed with the event log off, keeping only the compact op index
// (index-only-columns.ts), the engine state at the end and sparse snapshots. Tree and regions
// show the state at the cursor (a seek restores the nearest snapshot and re-reads the ops after
// it from the file), log rows are re-read from the file a page at a time, and an op's
// micro-operations are recomputed on demand into a small temporary event log. Not available:
// BBM/TLB checker results, plots, strategy comparison, .p2mtrace export, full-text search of
// diagnostics. Answers the same requests as SessionCore (trace-loader.ts SessionQueries).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineMachine } from '../../engine/replay/engine-machine';
import { parseStrategy, type StrategyName } from '../../engine/strategy/registry';
import { formatDiagnostic } from '../../engine/trace/diagnostics';
import { applyConfig, ARM_P2M_TYPES, DEFAULT_DOMAIN, P2M_ACCESSES, type TraceConfig, type TraceRecord } from '../../engine/trace/records';
import { childrenOf, domainNode, pathToGfn, type TreeNodeKey, type TreeNodeModel } from '../views/tree-model';
import { collectRegions } from '../views/regions-model';
import { microOpRows } from './event-format';
import { BLOCK, OP_KINDS, OpColumns } from './index-only-columns';
import { DomainSet, DomainSpecs, opKindCode, P2mDomainView, recordRange, runRecord, runSetEntry, SET_ENTRY_CODE, type DomainSnap } from './index-only-machine';
import { streamP2mTrace } from './index-only-reader';
import { indexOnlyFilter } from './index-only-filter';
import { LogIndex } from './log-index';
import { ipaBitsOf, tableSourceOf } from './table-source';
import type { CursorState, LogFilter, LogPage, LogRow, MicroOpRow, PlotData, RegionFilter, RegionRow } from './view-data';
import { hexOf } from './view-data';
import type { LoadOptions, LoadProgress } from './worker-protocol';

/** At most this many snapshots: beyond it every other one is dropped and the spacing doubles. */
const MAX_SNAPSHOTS = 128;
/**
 * And at most about this many bytes of them. Copy-on-write snapshots share unchanged pages,
 * but a trace that writes all over its tables between two snapshots makes each one a full
 * copy: measured on the 2.2 GB bench trace, 128 snapshots of its ~16 MB of tables took RSS
 * past 2 GB. So the count follows the table state's size (each snapshot costed as a copy).
 */
const SNAPSHOT_BUDGET_BYTES = 384 * 2 ** 20;
/** Cursor-local snapshots kept by seeks (each diverges from the next by at most LOCAL_SPACING ops). */
const LOCAL_MAX = 6;
const LOCAL_SPACING = 4096;
/** First snapshot spacing (ops); a multiple of BLOCK so a snapshot starts a block. */
const FIRST_SPACING = 64 * BLOCK;

export const INDEX_ONLY_NOTE = 'index-only session: no BBM/TLB checker results, no plots, no strategy comparison, ' +
  'no .p2mtrace/JSON export; micro-operations are recomputed when a row is expanded';

export interface IndexOnlyStats { indexBytes: number; snapshots: number; spacing: number; fileBytes: number }

export class IndexOnlySession {
  readonly ops = new OpColumns();
  readonly specs = new DomainSpecs();
  private cfg: TraceConfig = {};
  private strategy: StrategyName = 'upstream';
  private main: DomainSet | undefined;
  private scratch: DomainSet | undefined;
  /** Ops applied to `scratch` (undefined: unknown, restore first). */
  private scratchPos: number | undefined;
  /** The set the views read: `main` at the end, `scratch` elsewhere. */
  private current: DomainSet | undefined;
  private snaps: Array<{ op: number; snap: DomainSnap }> = [{ op: 0, snap: new Map() }];
  private local: Array<{ op: number; snap: DomainSnap }> = [];
  private spacing = FIRST_SPACING;
  private position = 0;
  private domainSel = 0;
  private lastLine: number | undefined;
  /** Rows of the log filter; undefined until first used: every op (counted once loaded). */
  private logRows: LogIndex | undefined;
  readonly notes: string[] = [];
  readonly engineDiagnostics: string[] = [];
  fileBytes = 0;
  private kindMask = 0;
  private readonly kindOrder: number[] = [];
  private fileMtime = 0;

  private constructor(readonly file: string, readonly source: string, private readonly opts: LoadOptions) {}

  /** Stream `opts.path` once: index, final state, snapshots. Throws only for an unreadable/empty trace. */
  static load(opts: LoadOptions, progress: (p: LoadProgress) => void): IndexOnlySession {
    const s = new IndexOnlySession(opts.path, path.basename(opts.path), opts);
    s.build(progress);
    return s;
  }

  private ensureMain(): DomainSet {
    if (this.main) return this.main;
    // Config lines precede the first op (the parser enforces it): settings fill what they leave open.
    const cfg: TraceConfig = { ...this.cfg };
    if (this.opts.ipaBits && cfg.ipaBits === undefined) cfg.ipaBits = this.opts.ipaBits;
    if (this.opts.strategy && cfg.strategy === undefined) cfg.strategy = this.opts.strategy;
    this.cfg = cfg;
    const st = parseStrategy(cfg.strategy);
    if (cfg.strategy !== undefined && st === undefined) this.notes.push(`unknown strategy '${cfg.strategy}'; replaying with 'upstream'`);
    this.strategy = st ?? 'upstream';
    return this.main = new DomainSet(this.specs, cfg, this.strategy);
  }

  private build(progress: (p: LoadProgress) => void): void {
    let defaultDomain = DEFAULT_DOMAIN;
    const cols = this.ops;
    const before = (offset: number, line: number) => {
      const i = cols.length;
      if (i % BLOCK === 0) cols.startBlock(offset, line, defaultDomain);
      if (i > 0 && i % this.spacing === 0) this.takeSnapshot(i);
      this.lastLine = line;
    };
    const after = (set: DomainSet, domain: number, kind: number, gfn: number, nr: number, rc: number) => {
      const p = set.get(domain);
      const n = p.core.diagnostics.length;
      if (n && this.engineDiagnostics.length < 20) {
        for (const d of p.core.diagnostics) if (this.engineDiagnostics.length < 20) this.engineDiagnostics.push(`op ${cols.length + 1}: [${d.code}] ${d.message}`);
      }
      set.takeDiagnostics(p);
      cols.push(kind, domain, gfn, nr, rc, n);
      if (!(this.kindMask & (1 << kind))) { this.kindMask |= 1 << kind; this.kindOrder.push(kind); }
      cols.addBlockDiags(n);
    };
    const st0 = fs.statSync(this.file);
    const size = this.fileBytes = st0.size;
    this.fileMtime = st0.mtimeMs;
    let lastReport = 0;
    const r = streamP2mTrace(this.file, this.source, {
      setEntry: (domain, gfn, nr, mfn, type, access, line, offset) => {
        const set = this.ensureMain();
        this.specs.spec(domain);
        before(offset, line);
        after(set, domain, SET_ENTRY_CODE, gfn, nr, runSetEntry(set.get(domain), gfn, nr, mfn, type, access));
      },
      record: (rec, line, offset) => {
        if (rec.kind === 'config') { this.cfg = applyConfig(this.cfg, rec); return; }
        if (rec.kind === 'domain') { this.specs.noteDomainRecord(rec); defaultDomain = rec.domain; return; }
        const kind = opKindCode(rec);
        if (kind < 0 || !('domain' in rec)) return;
        const set = this.ensureMain();
        this.specs.spec(rec.domain);
        before(offset, line);
        const [gfn, nr] = recordRange(rec);
        after(set, rec.domain, kind, gfn, nr, runRecord(set.get(rec.domain), rec));
      },
    }, {
      progress: bytes => {
        if (bytes - lastReport < (8 << 20) && bytes < size) return;
        lastReport = bytes;
        progress({ phase: 'read', bytes, totalBytes: size, records: cols.length, ops: cols.length, totalOps: 0 });
      },
    });
    for (const d of r.diagnostics.slice(0, 20)) this.notes.push(formatDiagnostic(d));
    if (cols.length === 0) {
      throw new Error(`${this.source}: no operations found (index-only mode reads .p2mtrace text)` +
        (this.notes.length ? `: ${this.notes.slice(0, 3).join('; ')}` : ''));
    }
    this.current = this.main;
    this.position = cols.length;
    this.domainSel = this.domains[0] ?? 0;
  }

  private takeSnapshot(op: number): void {
    if (!this.main) return;
    this.snaps.push({ op, snap: this.main.snapshot() });
    const max = Math.max(4, Math.min(MAX_SNAPSHOTS, Math.floor(SNAPSHOT_BUDGET_BYTES / Math.max(1, this.tableBytes()))));
    while (this.snaps.length > max) {
      // Thin: keep those on the doubled spacing. Memory stays bounded whatever the trace length.
      this.spacing *= 2;
      this.snaps = this.snaps.filter(s => s.op % this.spacing === 0);
    }
  }

  /** Upper bound of the table state's size: pages in use (roots included) × 4 KiB. */
  private tableBytes(): number {
    let pages = 0;
    for (const p of this.main?.p2ms.values() ?? []) pages += p.core.tablesAllocated - p.core.tablesFreed + p.geometry.rootPages;
    return pages * 4096;
  }

  get opCount(): number { return this.ops.length; }
  get domains(): number[] { return this.specs.ids; }
  get cursor(): number { return this.position; }
  stats(): IndexOnlyStats { return { indexBytes: this.ops.bytes, snapshots: this.snaps.length, spacing: this.spacing, fileBytes: this.fileBytes }; }
  /** Op kinds present, in first-seen order (the log's kind filter). */
  kinds(): string[] { return this.kindOrder.map(k => OP_KINDS[k] ?? 'other'); }

  // --- re-reading the file ---

  /**
   * Call `each` for ops [from, from + count) in order, re-read from the file (from the block
   * holding `from`). Records come with their file line and offset.
   */
  private reread(from: number, count: number, each: (op: number, r: TraceRecord) => void): void {
    if (count <= 0) return;
    this.checkFile();
    const b = Math.floor(from / BLOCK);
    let op = b * BLOCK;
    const end = Math.min(this.opCount, from + count);
    const emit = (r: TraceRecord) => {
      if (op >= end) return;
      if (op >= from) each(op, r);
      op++;
    };
    streamP2mTrace(this.file, this.source, {
      setEntry: (domain, gfn, nr, mfn, type, access, line, offset) => emit({
        kind: 'setEntry', domain, gfn, nr, mfn, type: ARM_P2M_TYPES[type], access: P2M_ACCESSES[access],
        loc: { source: this.source, line, column: 1, byteOffset: offset },
      }),
      record: (r, line, offset) => {
        if (opKindCode(r) < 0) return;
        emit({ ...r, loc: { ...r.loc, line, byteOffset: offset } } as TraceRecord);
      },
    }, {
      from: this.ops.blockOffset[b], line: this.ops.blockLine[b], domain: this.ops.blockDomain[b],
      chunkBytes: 1 << 16, stop: () => op >= end,
    });
  }

  /** The index points into the file as it was when loaded: refuse to read a changed one. */
  private checkFile(): void {
    let st: fs.Stats | undefined;
    try { st = fs.statSync(this.file); } catch { /* reported below */ }
    if (!st || st.size !== this.fileBytes || st.mtimeMs !== this.fileMtime) {
      throw new Error(`${this.source} ${st ? 'changed on disk' : 'was removed'} since it was loaded: an index-only session ` +
        're-reads the file, so load it again (with p2m.reloadOnChange the extension does it by itself)');
    }
  }

  /** The closest snapshot at or before `position`: the sparse ones or the cursor-local ones. */
  private nearest(position: number): { op: number; snap: DomainSnap } {
    let s = this.snaps[0];
    for (const x of this.snaps) if (x.op <= position && x.op > s.op) s = x;
    for (const x of this.local) if (x.op <= position && x.op > s.op) s = x;
    return s;
  }

  private nearestSnapshot(position: number): number { return this.nearest(position).op; }

  /** Restore the nearest snapshot at or before `position` into `set`; returns its op. */
  private restoreNear(set: DomainSet, position: number): number {
    const s = this.nearest(position);
    set.restore(s.snap);
    return s.op;
  }

  private keepLocal(op: number, set: DomainSet): void {
    if (this.local.some(x => x.op === op)) return;
    this.local.push({ op, snap: set.snapshot() });
    if (this.local.length > LOCAL_MAX) this.local.shift();
  }

  private scratchSet(): DomainSet {
    return this.scratch ??= new DomainSet(this.specs, this.cfg, this.strategy);
  }

  // --- cursor ---

  seek(position: number): CursorState {
    const p = Math.max(0, Math.min(this.opCount, Math.floor(position)));
    if (p !== this.position) {
      if (p === this.opCount) {
        this.current = this.main;
      } else {
        const set = this.scratchSet();
        // Forward within reach: go on from where the scratch set is (stepping costs one op).
        let s = this.scratchPos;
        if (s === undefined || s > p || this.nearestSnapshot(p) > s) s = this.restoreNear(set, p);
        // Cursor-local snapshots over the last stretch (and just before the cursor): clicking a
        // row seeks past it and then expands it, and stepping back must not replay 2M ops.
        const localFrom = p - (LOCAL_MAX - 1) * LOCAL_SPACING;
        this.reread(s, p - s, (i, r) => {
          if (i > s && (i === p - 1 || (i >= localFrom && i % LOCAL_SPACING === 0))) this.keepLocal(i, set);
          if ('domain' in r) { const q = set.get(r.domain); runRecord(q, r); set.takeDiagnostics(q); }
        });
        this.scratchPos = p;
        this.current = set;
      }
      this.position = p;
      this.lastLine = undefined;
      if (p > 0) this.reread(p - 1, 1, (_op, r) => { this.lastLine = r.loc.line; });
    }
    if (p > 0) { const d = this.ops.domain(p - 1); if (this.domains.includes(d)) this.domainSel = d; }
    return this.cursorState();
  }

  setDomain(domain: number): CursorState {
    if (this.domains.includes(domain)) this.domainSel = domain;
    return this.cursorState();
  }

  cursorState(): CursorState {
    const p = this.position;
    const diags = this.ops.diagsBefore(this.opCount);
    const changed: CursorState['changed'] = [];
    if (p > 0 && this.ops.rc(p - 1) === 0) {
      const k = this.ops.kind(p - 1);
      const r = this.ops.gfnRange(p - 1);
      if (r && (k === 'set_entry' || k === 'set_at_order' || k === 'mem_access')) changed.push({ domain: this.ops.domain(p - 1), gfnFirst: hexOf(r[0]), gfnLast: hexOf(r[1]) });
    }
    return {
      position: p, opCount: this.opCount, domain: this.domainSel, domains: this.domains,
      violations: 0, diagnostics: diags, violationsSoFar: 0, diagnosticsSoFar: this.ops.diagsBefore(p),
      changed, line: p > 0 ? this.lastLine : undefined,
    };
  }

  // --- tree, regions, lookups (state at the cursor) ---

  private view(domain: number): P2mDomainView {
    const set = this.current ?? this.scratchSet();
    return new P2mDomainView(set.get(domain));
  }

  private tableSource(domain: number) {
    const v = this.view(domain);
    return tableSourceOf(v, this.opts.ipaBits ?? this.cfg.ipaBits ?? ipaBitsOf(v));
  }

  treeRoots(): TreeNodeModel[] { return this.domains.map(d => domainNode(this.tableSource(d))); }
  treeChildren(key: TreeNodeKey): TreeNodeModel[] { return this.domains.includes(key.domain) ? childrenOf(this.tableSource(key.domain), key) : []; }
  treePath(domain: number, gfn: number): TreeNodeModel[] { return this.domains.includes(domain) ? pathToGfn(this.tableSource(domain), gfn) : []; }

  regions(domain: number | undefined, filter: RegionFilter, limit: number): { rows: RegionRow[]; truncated: boolean } {
    const rows: RegionRow[] = [];
    let truncated = false;
    for (const d of this.domains.filter(x => domain === undefined || x === domain)) {
      const r = collectRegions(this.tableSource(d), filter, limit - rows.length);
      rows.push(...r.rows);
      truncated ||= r.truncated;
    }
    return { rows, truncated };
  }

  lookupText(domain: number, gfn: number): string {
    if (!this.domains.includes(domain)) return `domain ${domain} is not in this trace`;
    const r = this.view(domain).lookup(gfn);
    const walk = pathToGfn(this.tableSource(domain), gfn).slice(1).map(n => `  ${n.label}${n.description ? `  (${n.description})` : ''}`);
    return [
      `d${domain} GFN ${hexOf(gfn)} after op ${this.position} of ${this.opCount} (index-only session):`,
      r.mfn < 0 ? `  not mapped (hole order ${r.order})` : `  → MFN ${hexOf(r.mfn)} ${r.type} ${r.access} order ${r.order}${r.valid ? '' : ' (hw-invalid)'}`,
      'walk:', ...walk,
    ].join('\n');
  }

  dumpInfo(domain?: number): string {
    return (domain === undefined ? this.domains : [domain]).filter(d => this.domains.includes(d)).map(d => this.view(d).dumpInfo()).join('');
  }

  // --- log ---

  logQuery(filter: LogFilter): { total: number; cursorIndex: number } {
    this.logRows = new LogIndex(indexOnlyFilter(this.ops, filter), this.opCount);
    return { total: this.log.total, cursorIndex: this.logIndexOf(this.position - 1) };
  }

  private get log(): LogIndex { return this.logRows ??= new LogIndex(undefined, this.opCount); }

  /** Filtered index of `op`, or of the nearest earlier matching op; -1 if none. */
  logIndexOf(op: number): number { return this.log.indexOf(op); }

  logPage(offset: number, count: number): LogPage {
    const { from, to } = this.log.page(offset, count);
    const wanted: number[] = [];
    for (let k = from; k < to; k++) wanted.push(this.log.at(k));
    const labels = this.labelsOf(wanted);
    const rows: LogRow[] = wanted.map(i => {
      const l = labels.get(i);
      const row: LogRow = {
        op: i, kind: this.ops.kind(i), domain: this.ops.domain(i), text: l?.label ?? this.ops.kind(i), rc: this.ops.rc(i),
        // Not recorded in index-only mode: -1 tells the log to say so (expanding computes them).
        events: -1, flushes: 0, violations: 0, diagnostics: this.ops.diags(i), phase: 'none',
      };
      if (l && l.line > 0) row.line = l.line;
      const g = this.ops.gfnRange(i);
      if (g) { row.gfnFirst = hexOf(g[0]); row.gfnLast = hexOf(g[1]); }
      return row;
    });
    return { total: this.log.total, offset: from, rows };
  }

  /** Labels (the full session's wording: EngineMachine describes the records) and lines of some ops. */
  private labelsOf(ops: number[]): Map<number, { label: string; line: number }> {
    const out = new Map<number, { label: string; line: number }>();
    const want = new Set(ops);
    const blocks = [...new Set(ops.map(i => Math.floor(i / BLOCK)))].sort((a, b) => a - b);
    for (let k = 0; k < blocks.length;) {
      // Contiguous blocks are re-read in one go.
      let j = k;
      while (j + 1 < blocks.length && blocks[j + 1] === blocks[j] + 1) j++;
      const first = blocks[k] * BLOCK;
      const got: Array<{ op: number; r: TraceRecord }> = [];
      this.reread(first, (blocks[j] - blocks[k] + 1) * BLOCK, (op, r) => { if (want.has(op)) got.push({ op, r }); });
      const m = new EngineMachine(got.map(g => g.r));
      got.forEach((g, n) => out.set(g.op, { label: m.ops[n]?.label ?? g.r.kind, line: g.r.loc.line }));
      k = j + 1;
    }
    return out;
  }

  microOps(op: number): MicroOpRow[] {
    if (op < 0 || op >= this.opCount) return [];
    // A set of its own with a fresh log: nothing recorded here outlives the request.
    const set = new DomainSet(this.specs, this.cfg, this.strategy);
    let s: number;
    if (this.scratch && this.scratchPos !== undefined && this.scratchPos <= op && this.nearestSnapshot(op) <= this.scratchPos) {
      // Rows near (after) the cursor: start from the cursor's state, not the snapshot before it
      // (snapshots of a 2 GB trace are ~2M ops apart; the cursor is usually much closer).
      set.restore(this.scratch.snapshot());
      s = this.scratchPos;
    } else s = this.restoreNear(set, op);
    let from = 0, to = 0;
    this.reread(s, op - s + 1, (i, r) => {
      if (!('domain' in r)) return;
      const p = set.get(r.domain);
      if (i === op) { set.log.enabled = true; from = set.log.length; }
      runRecord(p, r);
      if (i === op) { to = set.log.length; set.log.enabled = false; } else set.takeDiagnostics(p);
    });
    return microOpRows(i => set.log.get(i), from, to);
  }

  plots(_buckets: number): PlotData {
    return { bucketStart: [], opCount: this.opCount, series: [] };
  }

  /** The last op whose record starts at or before `line`, as a cursor position. */
  positionForLine(line: number): number {
    const L = this.ops.blockLine;
    let lo = 0, hi = this.ops.blocks - 1, b = -1;
    while (lo <= hi) { const m = (lo + hi) >>> 1; if (L[m] <= line) { b = m; lo = m + 1; } else hi = m - 1; }
    if (b < 0) return 0;
    let best = b * BLOCK - 1;
    this.reread(b * BLOCK, BLOCK, (op, r) => { if (r.loc.line <= line) best = op; });
    return best + 1;
  }
}
