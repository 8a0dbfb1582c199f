// ReplayMachine over the real p2m engine: trace records → engine calls, one P2m per domain.
//
// Two engine instances per domain: the *recording* set runs the first pass and fills the one
// shared EventLog; the *scratch* set (its log permanently disabled) is where snapshots are
// restored and ops re-executed while seeking. Keeping them apart means re-execution can
// never touch the recorded log or its op numbering.
//
// Default seeking (timeSeek): after the first pass both sets are dropped; one read-only view
// engine per domain answers "as of op k" from the time index (time-index.ts, time-store.ts).
// A trace the index cannot reproduce falls back to moving the scratch set along the log.

import { EventLog } from '../p2m/event-log';
import type { P2m } from '../p2m/p2m';
import { parseStrategy, type StrategyName } from '../strategy/registry';
import type { P2mSnapshot } from '../p2m/snapshot';
import { checkerFindings } from './tlb-view';
import { applyConfig, ARM_P2M_TYPES, DEFAULT_DOMAIN, P2M_ACCESSES, type TraceConfig, type TraceRecord } from '../trace/records';
import type { DomainView, ExternalFinding, LogMoves, MachineOp, ReplayMachine, SeekPlan } from './backend';
import { LogJournal } from './log-journal';
import { LogMover, scalarBits } from './log-mover';
import { diffCores } from './log-verify';
import type { P2mCore } from '../p2m/core';
import { OpTable, type RecordInput } from './op-table';
import { MovedDomainView, P2mDomainView } from './p2m-domain-view';
import { createDomainP2m, type DomainSpec } from './domain-config';
import { runRecord } from './run-record';
import { K_OBJECT, K_SET_AT_ORDER, K_SET_ENTRY } from '../trace/record-store';
import { ScalarColumns } from './time-columns';
import { buildTimeIndexSteps, indexBytes } from './time-index';
import { diffTimeEngine, setTime, timeEngine, type TimeEngine } from './time-store';

export interface EngineMachineOptions {
  arch?: 'arm64' | 'arm32';
  ipaBits?: number;
  poolPages?: number | 'unlimited';
  strategy?: string;
  /** Launch-time overrides win over the trace's `config` lines. */
  override?: boolean;
  /** Re-executed ops after which the scratch engines are replaced (default SCRATCH_RENEW_OPS; tests lower it). */
  scratchRenewOps?: number;
  /**
   * Seek by moving one engine set along the recorded log (default true): a few checkpoints
   * instead of a snapshot every ~1024 ops. false: snapshot + re-execution only.
   */
  logSeek?: boolean;
  /** Events between two log-seek checkpoints (default CHECKPOINT_EVENTS; tests lower it). */
  checkpointEvents?: number;
  /**
   * With `logSeek`: answer views at any op from a time index (per-entry write histories and
   * per-op scalars, time-index.ts) instead of moving an engine set between checkpoints. Falls
   * back to the log-mover mode for a trace the index cannot describe. Default true;
   * P2M_LOG_SEEK=moves selects the log-mover mode, P2M_LOG_SEEK=0 snapshot + re-execution.
   */
  timeSeek?: boolean;
  /** Events the time index decodes between two yields of the load (default 1M; tests lower it to split ops). */
  indexSliceEvents?: number;
}

type Snap = Map<number, P2mSnapshot>;

/** Re-executed ops after which the scratch engines are replaced (see `restore`): ≤ ~64 MB of dead arena. */
const SCRATCH_RENEW_OPS = 65_536;
/**
 * Events between two checkpoints of log-driven seeking. A seek moves from the current
 * position or the nearest checkpoint, whichever is fewer events away, so the worst seek moves
 * about half this many events. Measured on the 1M-op bench (bench/seek.ts): see bench/README.
 */
export const CHECKPOINT_EVENTS = 80_000;

export class EngineMachine implements ReplayMachine<Snap> {
  readonly ops: readonly MachineOp[];
  /** The ops as columns over the records' store (see op-table.ts): no object per record. */
  readonly table: OpTable;
  readonly domains: number[];
  private readonly specs = new Map<number, DomainSpec>();
  private readonly cfg: TraceConfig;
  /** p2m algorithm: upstream Xen, or the 2016 `xen-4.8` / `legacy` strategies (engine/strategy). */
  readonly strategy: StrategyName;
  private log = new EventLog();
  private rec = new Map<number, P2m>();
  private scratch = new Map<number, P2m>();
  private active: Map<number, P2m> = this.rec;
  /** Ops re-executed on the current scratch set (see `restore`). */
  private scratchOps = 0;
  private readonly renewAfter: number;
  private cachedFindings?: ExternalFinding[];
  /** See EngineMachineOptions.logSeek. */
  readonly logSeek: boolean;
  private readonly checkpointEvents: number;
  /** Backward-move data collected in the first pass and the collect pass (log-journal.ts). */
  private journal?: LogJournal;
  private mover?: LogMover;
  /** Why log seeking was turned off for this trace (verification), if it was. */
  logSeekProblem?: string;
  /** See EngineMachineOptions.timeSeek. */
  readonly timeSeek: boolean;
  private readonly indexSlice: number | undefined;
  /** Per-op scalars of each domain, recorded during the first pass (time mode). */
  private scalarCols?: Map<number, ScalarColumns>;
  /** The view engines of the time mode (after prepareSeeking), and their boundary. */
  private timeEngines?: Map<number, TimeEngine>;
  /** Why the time mode fell back to log moves for this trace, if it did. */
  timeSeekProblem?: string;
  /** Sizes of the time index (bench figures). */
  timeIndexBytes?: { histories: number; scalars: number; writes: number };
  /** Problems found while mapping records to operations (unsupported records…). */
  readonly notes: string[] = [];

  /**
   * `records`: a reader's RecordStore (shared, its set_entry columns used in place) or records
   * in memory (packed into a store first; the machine keeps no reference to the array).
   */
  constructor(records: RecordInput, opts: EngineMachineOptions = {}) {
    let cfg: TraceConfig = {};
    let vmid = 1;
    const spec = (d: number) => {
      let s = this.specs.get(d);
      if (!s) this.specs.set(d, s = { domain: d, vmid: vmid++ });
      return s;
    };
    // Domains are numbered (vmid) in order of first appearance, config/domain records and
    // ops interleaved: `onRecord` runs in record order and ops are visited right after.
    const t = new OpTable(records, r => {
      if (r.kind === 'config') { cfg = applyConfig(cfg, r); return; }
      if (r.kind === 'domain') {
        const s = spec(r.domain);
        if (r.vmid !== undefined) s.vmid = r.vmid;
        if (r.poolPages !== undefined) s.poolPages = r.poolPages;
        if (r.hardwareDomain !== undefined) s.hardwareDomain = r.hardwareDomain;
      }
    }, d => { spec(d); });
    this.table = t;
    this.ops = t.ops;
    this.renewAfter = Math.max(1, opts.scratchRenewOps ?? SCRATCH_RENEW_OPS);
    this.logSeek = opts.logSeek ?? (typeof process === 'undefined' || process.env?.P2M_LOG_SEEK !== '0');
    // P2M_LOG_SEEK=moves keeps the log-mover mode (checkpoints) as the way to seek.
    this.timeSeek = this.logSeek && (opts.timeSeek ?? (typeof process === 'undefined' || process.env?.P2M_LOG_SEEK !== 'moves'));
    // P2M_CHECKPOINT_EVENTS: the benchmark's knob for the memory / seek-time trade-off (bench/README).
    const envCk = typeof process === 'undefined' ? NaN : Number(process.env?.P2M_CHECKPOINT_EVENTS);
    this.checkpointEvents = Math.max(1, opts.checkpointEvents ?? (envCk > 0 ? envCk : CHECKPOINT_EVENTS));
    this.indexSlice = opts.indexSliceEvents;
    if (this.specs.size === 0) spec(DEFAULT_DOMAIN);
    const pick = <K extends keyof TraceConfig>(k: K, v: TraceConfig[K] | undefined) => {
      if (v !== undefined && (opts.override || cfg[k] === undefined)) cfg = { ...cfg, [k]: v };
    };
    pick('arch', opts.arch);
    pick('ipaBits', opts.ipaBits);
    pick('poolPages', opts.poolPages);
    pick('strategy', opts.strategy);
    this.cfg = cfg;
    this.domains = [...this.specs.keys()].sort((a, b) => a - b);
    const st = parseStrategy(cfg.strategy);
    if (cfg.strategy !== undefined && st === undefined) this.notes.push(`unknown strategy '${cfg.strategy}'; replaying with 'upstream'`);
    this.strategy = st ?? 'upstream';
  }

  get events(): EventLog { return this.log; }
  get config(): Readonly<TraceConfig> { return this.cfg; }

  private make(log: EventLog): Map<number, P2m> {
    const m = new Map<number, P2m>();
    for (const s of this.specs.values()) m.set(s.domain, createDomainP2m(this.cfg, s, log, this.strategy));
    return m;
  }

  /** An engine set whose log records nothing (re-execution and log moves). */
  private makeScratch(): Map<number, P2m> { return this.make(disabledLog()); }

  reset(): void {
    this.log = new EventLog();
    this.rec = this.make(this.log);
    // The time mode runs no scratch engine unless it falls back: made on first use (scratchSet),
    // so the 4 MB of its store's first arena slab are not held through the recording.
    this.scratch = this.timeSeek ? new Map() : this.makeScratch();
    this.active = this.rec;
    this.cachedFindings = undefined;
    this.mover = undefined;
    this.journal = undefined;
    if (this.logSeek) {
      const j = this.journal = new LogJournal(this.ops.length);
      // A zeroing of a reused page wipes entries no event records: keep them for moving back.
      for (const p of this.rec.values()) p.core.zeroJournal = (event, _id, entries) => { j.zeroed.set(event, entries); };
    }
    this.timeEngines = undefined;
    this.scalarCols = undefined;
    if (this.timeSeek) {
      this.scalarCols = new Map();
      for (const [d, p] of this.rec) this.scalarCols.set(d, new ScalarColumns(p.core));
    }
  }

  execute(i: number, record: boolean): void {
    const set = record ? this.rec : this.scratchSet();
    // Recording always continues the recording set; re-execution always runs on scratch.
    this.active = set;
    if (!record) this.scratchOps++;
    const t = this.table;
    const j = t.recordIndex(i);
    const st = t.store;
    const k = st.kind[j];
    const r = k === K_OBJECT ? st.get(j) as TraceRecord & { domain: number } : undefined;
    const p = set.get(r ? r.domain : st.domain[j]);
    if (!p) return;
    // Scalars an op may change without an event (mem_access enable, dying): journaled.
    const before = record && this.journal ? scalarBits(p.core) : 0;
    // The two column kinds call the engine straight from the columns (no record object).
    if (k === K_SET_ENTRY) p.setEntry(st.gfn[j], st.nr![j], st.mfn[j], ARM_P2M_TYPES[st.type[j]], P2M_ACCESSES[st.access![j]]);
    else if (k === K_SET_AT_ORDER) p.setAtOrder(st.gfn[j], st.order[j], st.mfn[j], ARM_P2M_TYPES[st.type[j]], 'rwx');
    else if (r) runRecord(p, r);
    // The engine also keeps every diagnostic in its own list (P2m.diagnostics), which nothing
    // reads here: the replay core takes them from the event log. A trace failing every op
    // (an exhausted pool) would otherwise hold two objects per op (10M ops: ~300 MB).
    // clearDiagnostics drops failed calls' pending rc-errors without building them (reading
    // `diagnostics` would turn each into an object first).
    p.core.clearDiagnostics();
    if (record && this.journal) {
      const after = scalarBits(p.core);
      if (after !== before) this.journal.scalars.push(i, before | (after << 2));
    }
    if (record && this.scalarCols) this.scalarCols.get(p.config.domid)?.record(i, p.core);
  }

  /**
   * Called once after a first pass that took no periodic snapshots (`logSeek`): applies the
   * whole log to the fresh scratch set (filling the journal and taking a checkpoint every
   * `checkpointEvents` events), proves the result equal to the recording set (log-verify.ts),
   * then drops the recording set: the scratch set is the one engine state that moves from now
   * on. If the proof fails, the scratch set re-executes the trace instead and the plan is the
   * old one (a snapshot every `fallbackInterval` ops, no moves).
   */
  *prepareSeekingSteps(opStart: Uint32Array, fallbackInterval: number): Generator<void, SeekPlan<Snap>> {
    const n = this.ops.length;
    const snapshots: Snap[] = [];
    const ops: number[] = [];
    this.active = this.scratch;
    const j = this.journal;
    if (this.timeSeek && j && this.scalarCols) {
      const plan = yield* this.prepareTime(opStart, j);
      if (plan) return plan;
    }
    if (this.logSeek && j) {
      this.active = this.scratchSet();
      const mover = new LogMover(this.log, opStart, this.coresOf(this.scratch), j, op => this.table.domainOf(op));
      snapshots.push(this.snapshot()); ops.push(0);
      let from = 0;
      while (from < n) {
        // First op boundary at least checkpointEvents events on (binary search over opStart).
        let lo = from + 1, hi = n;
        while (lo < hi) { const m = (lo + hi) >>> 1; if (opStart[m] - opStart[from] >= this.checkpointEvents) hi = m; else lo = m + 1; }
        const to = lo;
        mover.forward(from, to, true);
        if (mover.problem !== undefined) break;
        snapshots.push(this.snapshot()); ops.push(to);
        from = to;
        yield;
      }
      j.trim();
      let problem = mover.problem;
      if (problem === undefined) {
        for (const [d, p] of this.rec) {
          const diff = diffCores(this.scratch.get(d)!.core, p.core);
          if (diff !== undefined) { problem = `domain ${d}: ${diff}`; break; }
          yield;
        }
      }
      for (const p of this.rec.values()) p.core.zeroJournal = undefined;
      if (problem === undefined) {
        this.mover = mover;
        this.rec = new Map(); // the moved scratch set holds the same state
        const moves: LogMoves = {
          opStart,
          forward: (a, b) => { this.scratchOps += b - a; mover.forward(a, b); },
          backward: (a, b) => { this.scratchOps += a - b; mover.backward(a, b); },
        };
        return { snapshots, snapshotOps: Uint32Array.from(ops), moves };
      }
      this.logSeekProblem = problem;
      this.notes.push(`log-driven seeking disabled for this trace (${problem}); seeking re-executes from snapshots`);
      this.journal = undefined;
      snapshots.length = 0; ops.length = 0;
    }
    // Fallback: re-execute on a fresh scratch set, a snapshot every `interval` ops (≤ 1024 of them).
    this.scratch = this.makeScratch();
    this.scratchOps = 0;
    this.active = this.scratch;
    const interval = Math.max(1, fallbackInterval, Math.ceil(n / 1024));
    for (let i = 0; i < n; i++) {
      if (i % interval === 0) { snapshots.push(this.snapshot()); ops.push(i); }
      this.execute(i, false);
      if ((i & 255) === 255) yield;
    }
    if (n % interval === 0) { snapshots.push(this.snapshot()); ops.push(n); }
    this.scratchOps = 0;
    return { snapshots, snapshotOps: Uint32Array.from(ops) };
  }

  /**
   * Time mode: builds the time index from the log, proves the view engines at the last boundary
   * equal to the recording ones, then drops the recording and scratch sets (no checkpoint
   * beyond an empty one at op 0: restoring it just sets boundary 0). Undefined on failure (the
   * caller goes on with the log-mover mode, the recording set untouched).
   */
  private *prepareTime(opStart: Uint32Array, j: LogJournal): Generator<void, SeekPlan<Snap> | undefined> {
    const n = this.ops.length;
    const rec = this.coresOf(this.rec);
    const built = yield* buildTimeIndexSteps(this.log, opStart, rec, this.scalarCols!, j, op => this.table.domainOf(op), this.indexSlice);
    let problem = built.problem;
    const engines = new Map<number, TimeEngine>();
    if (problem === undefined) {
      for (const [d, ix] of built.index) {
        const s = this.specs.get(d)!;
        const e = timeEngine(ix, view => {
          return createDomainP2m(this.cfg, s, disabledLog(), this.strategy, view);
        });
        setTime(e, n);
        problem = yield* diffTimeEngine(e, rec.get(d)!);
        if (problem !== undefined) { problem = `domain ${d}: ${problem}`; break; }
        engines.set(d, e);
        yield;
      }
    }
    this.scalarCols = undefined;
    if (problem !== undefined) {
      this.timeSeekProblem = problem;
      this.notes.push(`time-indexed seeking disabled for this trace (${problem}); seeking moves along the log`);
      return undefined;
    }
    this.timeIndexBytes = indexBytes(built.index);
    this.timeEngines = engines;
    this.rec = new Map();
    this.scratch = new Map();
    this.active = this.scratch;
    this.journal = undefined;
    const go = (k: number) => { for (const e of engines.values()) setTime(e, k); };
    return {
      snapshots: [new Map()], snapshotOps: Uint32Array.of(0),
      moves: { opStart, forward: (_a, b) => go(b), backward: (_a, b) => go(b) },
    };
  }

  /** The scratch set, made now if it was not yet (see reset). */
  private scratchSet(): Map<number, P2m> {
    if (this.scratch.size === 0) this.scratch = this.makeScratch();
    return this.scratch;
  }

  private coresOf(set: Map<number, P2m>): Map<number, P2mCore> {
    const m = new Map<number, P2mCore>();
    for (const [d, p] of set) m.set(d, p.core);
    return m;
  }

  snapshot(): Snap {
    const s: Snap = new Map();
    for (const [d, p] of this.active) s.set(d, p.snapshot());
    return s;
  }

  restore(s: Snap): void {
    // Time mode: the one checkpoint is boundary 0 (see prepareTime).
    if (this.timeEngines) { for (const e of this.timeEngines.values()) setTime(e, 0); return; }
    // Workaround (engine TableStore): a copy-on-write clone takes a fresh region of the
    // store's sparse-page arena, and regions of pages dropped by a restore are never reused,
    // so a scratch set that keeps being restored and re-executed grows by ~1 KB per op
    // re-executed (1,000 seeks in a 1M-op trace: hundreds of MB, and the external-memory
    // growth triggers full GCs mid-seek). A fresh scratch set is equivalent (restore
    // replaces all state) and drops the old arena.
    if (this.scratchOps >= this.renewAfter) {
      this.scratch = this.makeScratch();
      this.scratchOps = 0;
      this.mover?.setCores(this.coresOf(this.scratch));
    }
    for (const [d, p] of this.scratchSet()) {
      const x = s.get(d);
      if (!x) continue;
      // Safe across stores: TableStore epochs come from one process-wide counter and restore()
      // starts a new one, so later writes clone the pages the snapshot shares.
      p.restore(x);
    }
    this.active = this.scratch;
  }

  view(domain: number): DomainView {
    if (this.timeEngines) {
      const e = this.timeEngines.get(domain) ?? this.timeEngines.values().next().value;
      if (!e) throw new Error('engine machine has no domain');
      return new P2mDomainView(e.p);
    }
    const p = this.active.get(domain) ?? this.active.values().next().value;
    if (!p) throw new Error('engine machine has no domain');
    // A moved engine keeps pages created after the current op (see MovedDomainView).
    return this.mover ? new MovedDomainView(p) : new P2mDomainView(p);
  }

  /** BBM checker findings and TLB-model hazards over the recorded log, per domain (table MFNs overlap across domains). */
  findings(): readonly ExternalFinding[] {
    return this.cachedFindings ??= checkerFindings(this.log, this.domains.map(d => ({
      domain: d, vmid: this.specs.get(d)?.vmid ?? d, cleanPte: this.cfg.cleanPte ?? false,
    })));
  }
}

/** A log that records nothing (engines that re-execute, are moved or only answer views). */
function disabledLog(): EventLog {
  const off = new EventLog();
  off.enabled = false;
  return off;
}
