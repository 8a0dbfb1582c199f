// The state of one domain's p2m and the primitives every algorithm step uses: writePte
// (with liveness, true-count and §8 sim checks), pool/`pages` list, stats, TLB flushes,
// lock/unlock, diagnostics. Algorithm files (set-entry, split, free-entry, …) are free
// functions over this core, one Xen function each, so alternative strategies can reuse it.
import {
  baseOf, hwValidLo, isMappingLo, isTableLo, p2mValidHi, reservedBitsSetHi, tableEntryHi, tableEntryLo,
} from '../arch/descriptor';
import { type Geometry, ipaRow, levelSize, makeGeometry, modPow2 } from '../arch/geometry';
import { ULONG_MAX_GFN } from '../arch/types';
import { DEFAULT_CONFIG, type P2mConfig } from './config';
import { Cause, EventLog, FRAMES, rcErrorDiagnostic } from './event-log';
import type { DiagnosticCode, DiagnosticSeverity, FrameName } from './events';
import { Pool } from './pool';
import { LIVE_BIT, levelOfInfo, M_COUNT, M_INFO, M_LEAVES, TableStore } from './table-store';

/** A diagnostic as the CLI/LSP report it: the op it happened in plus the event payload. */
export interface OpDiagnostic { op: number; code: DiagnosticCode; severity: DiagnosticSeverity; message: string; gfn?: number }

export type DriftReason = 'remap' | 'block-over-table' | 'mfn0-removal' | 'rolled-back-split';

export class P2mCore {
  readonly cfg: Omit<P2mConfig, 'log'>;
  readonly geo: Geometry;
  readonly log: EventLog;
  /** The table pages; a view engine may be given another implementation (see the constructor). */
  readonly store: TableStore;
  pool: Pool;
  // ---- Xen state (§4) ----
  maxMappedGfn = 0;
  lowestMappedGfn = ULONG_MAX_GFN; // sentinel for ULONG_MAX
  needFlush = false;
  memAccessEnabled: boolean;
  isDying: boolean;
  defaultAccess = 7; // rwx
  readonly radix: Map<number, number>;
  /** Xen's counters, drift included (doubles: they may go negative). */
  readonly mappings = new Float64Array(4);
  readonly shattered = new Float64Array(4);
  /** True p2m-valid leaf counts per level of the live tree, maintained per store. */
  readonly trueLeaves = new Float64Array(4);
  /** Head of the `pages` list (page id, -1 = empty). */
  pagesHead = -1;
  // ---- simulator bookkeeping ----
  locked = false;
  op = -1;
  /**
   * Every diagnostic of this engine in order, each with its op. The list is a plain array its
   * readers may truncate (`length = 0`, snapshot restore); the rc-errors of failed calls wait in
   * columns (rcOp…rcGfn) and become objects only when the list is read: a replay that never
   * reads it (the session's recording engines, benches) builds no object or message per failure.
   */
  get diagnostics(): OpDiagnostic[] {
    if (this.rcPending !== 0) this.flushRc();
    return this.diagList;
  }
  private readonly diagList: OpDiagnostic[] = [];
  private rcPending = 0;
  private rcOp = new Float64Array(0);
  private rcFn = new Uint8Array(0);
  private rcVal = new Int32Array(0);
  private rcGfn = new Float64Array(0);
  readonly flushes = new Float64Array(8); // by Cause
  tablesAllocated = 0;
  tablesFreed = 0;
  driftReasons = 0; // bit set of DriftReason for the current op
  /** Xen − true counts at the end of the previous op (drift diagnostics fire on change). */
  readonly lastDrift = new Float64Array(4);
  /** Out values of helpers returning a descriptor pair. */
  tmpLo = 0;
  tmpHi = 0;
  /** Out values of storeEntry: the descriptor it replaced and the page's level. */
  prevLo = 0;
  prevHi = 0;
  prevLevel = 0;
  /** Current GFN of the operation (frames, diagnostics). */
  gfn = 0;
  private readonly xenheap: Set<number>;

  /**
   * `config.store` (optional, views only): a table store to read instead of a fresh one, e.g. the
   * replay's time-indexed store answering "as of op k" (engine/replay/time-store.ts). An engine
   * given one is for queries only; recording engines never pass it (the store stays monomorphic).
   */
  constructor(config: Partial<P2mConfig> & { store?: TableStore; radix?: Map<number, number> } = {}) {
    // These fields hold GFNs and u32 halves that outgrow V8's small integers within the first
    // few ops; storing a non-small value first gives them their final (double) representation
    // now, instead of a map change that deoptimises every compiled engine function mid-replay.
    this.maxMappedGfn = -0; this.maxMappedGfn = 0;
    this.lowestMappedGfn = -0; this.lowestMappedGfn = ULONG_MAX_GFN;
    this.gfn = -0; this.gfn = 0;
    this.tmpLo = -0; this.tmpLo = 0;
    this.tmpHi = -0; this.tmpHi = 0;
    this.prevLo = -0; this.prevLo = 0;
    this.prevHi = -0; this.prevHi = 0;
    const { log, store, radix, ...rest } = config;
    this.store = store ?? new TableStore();
    this.radix = radix ?? new Map();
    this.cfg = { ...DEFAULT_CONFIG, ...rest };
    this.log = log ?? new EventLog();
    const row = ipaRow(this.cfg.arch, this.cfg.ipaBits);
    if (!row) {
      // Xen panics on no match; we keep going with the closest 40-bit row and say so.
      this.geo = makeGeometry(ipaRow(this.cfg.arch, 40)!, this.cfg.vmidBits);
      this.diag('assert-setup', 'error', `no IPA row for ${this.cfg.ipaBits}-bit IPA on ${this.cfg.arch} (Xen panics); using 40-bit`);
    } else this.geo = makeGeometry(row, this.cfg.vmidBits);
    const unbounded = this.cfg.isHardwareDomain || this.cfg.poolPages === 'unlimited';
    const n = this.cfg.poolPages === 'unlimited' ? 0 : Math.max(0, this.cfg.poolPages);
    this.pool = new Pool(this.geo.rootPages, n, unbounded);
    this.memAccessEnabled = this.cfg.memAccess;
    this.isDying = this.cfg.isDying;
    this.xenheap = new Set(this.cfg.xenheapMfns ?? []);
    // The root pages' metadata (level, live, first GFN). An injected store is a view's
    // (replay/time-store.ts): it keeps no page metadata, and marking would own pages in it.
    if (!store) {
      for (let k = 0; k < this.geo.rootPages; k++) {
        const p = this.store.writable(k);
        p.level = this.geo.rootLevel; p.live = true; p.baseGfn = k * this.geo.rootSpan;
      }
    }
  }

  // ---- page identity: root pages are ids 0..rootPages-1, pool pages follow ----------------
  pageMfn(id: number): number {
    return id < this.geo.rootPages ? this.cfg.rootBaseMfn + id : this.cfg.poolBaseMfn + (id - this.geo.rootPages);
  }
  /** Page id of a table MFN, or -1 when it is not one of this p2m's pages. */
  pageId(mfn: number): number {
    const r = mfn - this.cfg.rootBaseMfn;
    if (r >= 0 && r < this.geo.rootPages) return r;
    const p = mfn - this.cfg.poolBaseMfn;
    if (p >= 0 && p < this.pool.totalMinted) return p + this.geo.rootPages;
    return -1;
  }
  /**
   * pageId without the pool's "minted so far" bound and without the range check: a replay
   * applying the log may name a page about to be minted (any MFN that is not a root is taken
   * as a pool page).
   */
  pageIdUnminted(mfn: number): number {
    const r = mfn - this.cfg.rootBaseMfn;
    if (r >= 0 && r < this.geo.rootPages) return r;
    return mfn - this.cfg.poolBaseMfn + this.geo.rootPages;
  }
  isXenheap(mfn: number): boolean { return this.xenheap.size !== 0 && this.xenheap.has(mfn); }

  // ---- diagnostics --------------------------------------------------------------------
  diag(code: DiagnosticCode, severity: DiagnosticSeverity, message: string, gfn?: number): void {
    const d = gfn === undefined ? { code, severity, message } : { code, severity, message, gfn };
    this.diagnostics.push({ op: this.op, ...d }); // the getter first turns pending rc-errors into objects: order kept
    this.log.diagnostic(d);
  }
  /** The `rc-error` diagnostic of a failed call: the same event, stored compactly here and in the log. */
  diagRc(fn: FrameName, rc: number, gfn: number): void {
    const n = this.rcPending;
    if (n === this.rcVal.length) this.growRc(Math.max(16, n * 2));
    const code = FRAMES.indexOf(fn);
    this.rcOp[n] = this.op; this.rcFn[n] = code; this.rcVal[n] = rc; this.rcGfn[n] = gfn;
    this.rcPending = n + 1;
    this.log.rcError(fn, rc, gfn, code);
  }
  private growRc(cap: number): void {
    const op = new Float64Array(cap), fn = new Uint8Array(cap), val = new Int32Array(cap), gfn = new Float64Array(cap);
    op.set(this.rcOp); fn.set(this.rcFn); val.set(this.rcVal); gfn.set(this.rcGfn);
    this.rcOp = op; this.rcFn = fn; this.rcVal = val; this.rcGfn = gfn;
  }
  /** How many diagnostics `diagnostics` would hold, without building the pending rc-errors. */
  get diagnosticCount(): number { return this.diagList.length + this.rcPending; }
  /**
   * Keeps the first `n` diagnostics (snapshot restore). The pending rc-errors always come after
   * the built list (diag() builds them before pushing), so a cut inside them only drops columns.
   */
  truncateDiagnostics(n: number): void {
    const built = this.diagList.length;
    if (n >= built) this.rcPending = Math.min(this.rcPending, n - built);
    else { this.diagList.length = n; this.rcPending = 0; }
  }
  /**
   * Drops every diagnostic kept so far without building the pending rc-errors' objects: for
   * replays that take diagnostics from the event log and empty this list after each op.
   */
  clearDiagnostics(): void {
    this.rcPending = 0;
    this.diagList.length = 0;
  }
  /** Appends the pending rc-errors to the list as the objects diagRc used to push. */
  private flushRc(): void {
    const n = this.rcPending;
    this.rcPending = 0;
    for (let k = 0; k < n; k++) {
      this.diagList.push({ op: this.rcOp[k], ...rcErrorDiagnostic(FRAMES[this.rcFn[k]], this.rcVal[k], this.rcGfn[k]) });
    }
  }

  // ---- stores ---------------------------------------------------------------------------
  /** writePte (§5.1): a store plus, unless raw, the clean_pte cache clean. */
  writePte(id: number, idx: number, lo: number, hi: number, raw = false): void {
    const live = this.storeEntry(id, idx, lo, hi);
    this.log.pteWrite(this.pageMfn(id), idx, this.prevLevel, this.prevLo, this.prevHi, lo, hi, live, raw);
    if (!raw && this.cfg.cleanPte) this.log.pteClean(this.pageMfn(id), idx);
    if (lo !== 0 || hi !== 0) this.checkWritten(lo, hi, this.prevLevel);
  }

  /**
   * The state change of a store without logging or checks: the entry, the page's leaf count,
   * the true counts and subtree liveness. writePte's first half; also how a view engine is
   * moved along a recorded log (a pteWrite's new value forward, its old value backward: the
   * bookkeeping is a function of the tree, so both directions stay exact). Returns whether
   * the page was live; leaves the previous descriptor in prevLo/prevHi and the level in prevLevel.
   */
  storeEntry(id: number, idx: number, lo: number, hi: number): boolean {
    const store = this.store;
    const b = store.write(id, idx, lo, hi), m = store.meta;
    const oLo = store.lo, oHi = store.hi;
    const info = m[b + M_INFO], level = levelOfInfo(info);
    const oldLeaf = p2mValidHi(oHi) && (level === 3 || (oLo & 2) === 0);
    const newLeaf = p2mValidHi(hi) && (level === 3 || (lo & 2) === 0);
    if (oldLeaf !== newLeaf) m[b + M_LEAVES] += newLeaf ? 1 : -1;
    const live = (info & LIVE_BIT) !== 0;
    if (live) {
      if (oldLeaf) this.trueLeaves[level]--;
      if (newLeaf) this.trueLeaves[level]++;
      if (level < 3) {
        const oldTable = p2mValidHi(oHi) && (oLo & 2) !== 0;
        const newTable = p2mValidHi(hi) && (lo & 2) !== 0;
        // Same child re-written (set/way bit-0 toggles): the subtree stays live.
        const same = oldTable && newTable && baseOf(oLo, oHi) === baseOf(lo, hi);
        if (!same) {
          if (oldTable) this.setLive(baseOf(oLo, oHi), false, 0);
          if (newTable) this.setLive(baseOf(lo, hi), true, store.base[b >>> 2] + idx * levelSize(level));
        }
      }
    }
    this.prevLo = oLo; this.prevHi = oHi; this.prevLevel = level;
    return live;
  }

  /**
   * ptZero of a table page being set up at `level`. With `zeroJournal` set, the entries it
   * wipes (a reused pool page keeps its stale ones; Xen frees without zeroing) are handed to
   * it first, keyed by the index the tableZero event is about to get: a log-driven backward
   * move cannot otherwise restore them (the log records no per-entry store for a zeroing).
   */
  zeroTable(id: number, level: number): void {
    const j = this.zeroJournal;
    if (j !== undefined && this.store.count(id) !== 0) {
      const words: number[] = [];
      this.store.forEach(id, (i, lo, hi) => { words.push(i, lo, hi); });
      j(this.log.length, id, Uint32Array.from(words));
    }
    this.store.zero(id, level);
  }
  /** See zeroTable: (index of the coming tableZero event, page id, [index, lo, hi]…). */
  zeroJournal: ((event: number, id: number, entries: Uint32Array) => void) | undefined = undefined;

  /** §8 rows 18–20 on every non-zero store. */
  protected checkWritten(lo: number, hi: number, level: number): void {
    if ((lo & 1) !== 0 && !p2mValidHi(hi)) this.diag('sim-hw-valid-type0', 'warning', `hw-valid entry with type 0 written at L${level}`, this.gfn);
    if (reservedBitsSetHi(hi)) this.diag('sim-reserved-bits', 'error', `reserved/contig bits set in a descriptor written at L${level}`, this.gfn);
    if (level < 3 && (lo & 2) === 0 && p2mValidHi(hi) && modPow2(baseOf(lo, hi), levelSize(level)) !== 0) {
      this.diag('sim-misaligned-leaf', 'warning', `L${level} block base MFN 0x${baseOf(lo, hi).toString(16)} is not aligned to its size`, this.gfn);
    }
  }

  /**
   * Marks a subtree (un)reachable and moves its leaves in/out of the true counts; also records
   * where a newly reachable page sits (first GFN it maps) for the views.
   */
  private setLive(mfn: number, live: boolean, baseGfn: number): void {
    const id = this.pageId(mfn);
    if (id < 0) return;
    const store = this.store, b = store.own(id), m = store.meta, info = m[b + M_INFO];
    if (((info & LIVE_BIT) !== 0) === live) return;
    m[b + M_INFO] = live ? info | LIVE_BIT : info & ~LIVE_BIT;
    if (live) store.base[b >>> 2] = baseGfn;
    const level = levelOfInfo(info), leaves = m[b + M_LEAVES];
    this.trueLeaves[level] += live ? leaves : -leaves;
    if (level === 3 || m[b + M_COUNT] === leaves) return; // no table entries below
    const children: number[] = [];
    const size = levelSize(level);
    this.store.forEachUnordered(id, (i, lo, hi) => { if ((lo & 2) !== 0 && p2mValidHi(hi)) children.push(baseOf(lo, hi), baseGfn + i * size); });
    for (let k = 0; k < children.length; k += 2) this.setLive(children[k], live, children[k + 1]);
  }

  // ---- pages list and pool ----------------------------------------------------------------
  /** poolAlloc + insert at the head of `pages`; -1 when the pool is empty. */
  allocPage(level: number, why: 0 | 1): number {
    const id = this.pool.alloc();
    if (id < 0) return -1;
    const p = this.store.writable(id);
    p.level = level; p.live = false;
    // A reused page keeps its stale entries (Xen frees without zeroing): recount its leaves
    // at the level it now serves, so later stores (split fills overwrite them) stay exact.
    if (p.count !== 0) p.leaves = this.leafCount(id, level);
    p.prev = -1; p.next = this.pagesHead;
    if (this.pagesHead >= 0) this.store.writable(this.pagesHead).prev = id;
    this.pagesHead = id;
    this.tablesAllocated++;
    this.log.tableAlloc(this.pageMfn(id), level, why);
    return id;
  }
  /** Leaf (mapping) entries of page `id` read as a level-`level` table (a reused page's recount). */
  leafCount(id: number, level: number): number {
    let n = 0;
    this.store.forEachUnordered(id, (_i, lo, hi) => { if (p2mValidHi(hi) && (level === 3 || (lo & 2) === 0)) n++; });
    return n;
  }
  /** Remove from `pages` and return to the pool tail (not zeroed). */
  freePage(id: number): void {
    const p = this.store.writable(id);
    if (p.prev >= 0) this.store.writable(p.prev).next = p.next; else this.pagesHead = p.next;
    if (p.next >= 0) this.store.writable(p.next).prev = p.prev;
    p.prev = -1; p.next = -1;
    this.pool.release(id);
    this.tablesFreed++;
    this.log.tableFree(this.pageMfn(id));
  }
  /** Page ids on the `pages` list, head first. */
  pagesList(): number[] {
    const out: number[] = [];
    for (let id = this.pagesHead; id >= 0; id = this.store.next(id)) out.push(id);
    return out;
  }

  // ---- stats ------------------------------------------------------------------------------
  statMappings(level: number, delta: number): void {
    const before = this.mappings[level];
    this.mappings[level] = before + delta;
    this.log.stat(0, level, delta);
    if (before >= 0 && before + delta < 0) {
      this.diag('sim-stats-negative', 'warning', `mappings[${level}] went negative (${before + delta}); Xen allows it`, this.gfn);
    }
  }
  statShattered(level: number, delta: number): void {
    this.shattered[level] += delta;
    this.log.stat(1, level, delta);
  }

  // ---- TLB and locks ------------------------------------------------------------------------
  forceFlush(cause: number): void {
    if (!this.locked && cause !== Cause.init) this.diag('assert-locked', 'error', 'TLB flush without the p2m write lock');
    this.flushes[cause]++;
    this.log.tlbFlush(this.cfg.vmid, cause);
    this.needFlush = false;
  }
  setNeedFlush(): void {
    this.needFlush = true;
    this.log.needFlushSet();
  }
  writeLock(): void {
    if (this.locked) this.diag('assert-locked', 'error', 'p2m write lock taken twice');
    this.locked = true;
  }
  /** Write unlock = flush if needed, then release (§5.8). */
  writeUnlock(): void {
    if (this.needFlush) this.forceFlush(Cause.unlock);
    this.locked = false;
  }

  // ---- ops ----------------------------------------------------------------------------------
  beginOp(kind: number): number {
    this.op = this.log.opBegin(kind, this.cfg.domid);
    this.driftReasons = 0;
    return this.op;
  }
  endOp(rc: number): void {
    this.checkDrift();
    if (this.needFlush && !this.locked) this.diag('sim-need-flush-after-unlock', 'error', 'need_flush still set after unlock');
    this.log.opEnd(rc);
  }

  noteMappedRange(first: number, last: number): void {
    let changed = false;
    if (last > this.maxMappedGfn) { this.maxMappedGfn = last; changed = true; }
    if (this.lowestMappedGfn < 0 || first < this.lowestMappedGfn) { this.lowestMappedGfn = first; changed = true; }
    if (changed) this.log.mappedRange(this.maxMappedGfn, this.lowestMappedGfn);
  }

  /**
   * sim-stats-drift: Xen's counters and the true counts moved apart during this op.
   * Reported for the first 32 changes caused by each rule combination, then at powers of
   * two (a 1M-op replay remaps ~150k times: one diagnostic each would swamp every view).
   */
  private checkDrift(): void {
    let changed = false;
    for (let l = 1; l < 4; l++) if (this.mappings[l] - this.trueLeaves[l] !== this.lastDrift[l]) changed = true;
    const rolledBack = (this.driftReasons & DRIFT_ROLLED_BACK) !== 0;
    if (!changed && !rolledBack) return;
    const n = ++this.driftCounts[this.driftReasons & 15];
    const report = n <= 32 || (n & (n - 1)) === 0;
    const parts: string[] = [];
    for (let l = 1; l < 4; l++) {
      const d = this.mappings[l] - this.trueLeaves[l];
      if (report && d !== this.lastDrift[l]) parts.push(`${LEVEL_NAMES[l]} Xen ${this.mappings[l]} vs true ${this.trueLeaves[l]}`);
      this.lastDrift[l] = d;
    }
    if (!report) return;
    const why: string[] = [];
    if (this.driftReasons & DRIFT_REMAP) why.push('a p2m-valid leaf was replaced by one with another MFN (no increment, freeEntry decrements)');
    if (this.driftReasons & DRIFT_BLOCK_OVER_TABLE) why.push('a block was written over a table (the block is not counted)');
    if (this.driftReasons & DRIFT_MFN0) why.push('a mapping of MFN 0 was removed (never passed to freeEntry, no decrement)');
    if (rolledBack) why.push('a split was rolled back after a deeper allocation failed (shattered stays incremented)');
    if (why.length === 0) why.push('unknown rule');
    const nth = n > 32 ? ` [occurrence ${n} of this rule; reported at powers of two from here]` : '';
    this.diag('sim-stats-drift', 'info', `stats drift${parts.length ? ` (${parts.join('; ')})` : ''}: ${why.join('; ')} — faithful to Xen${nth}`, this.gfn);
  }
  /**
   * Drift changes seen per rule combination (index = DRIFT_* bit set). Part of a snapshot: the
   * rate limit above decides which ops carry the note, so a restored engine that re-executes
   * must count from where the first pass was, or it reports drift the first pass kept quiet.
   */
  readonly driftCounts = new Float64Array(16);
}

export const DRIFT_REMAP = 1, DRIFT_BLOCK_OVER_TABLE = 2, DRIFT_MFN0 = 4, DRIFT_ROLLED_BACK = 8;
export const LEVEL_NAMES = ['L0', '1G', '2M', '4K'];

/** Helpers shared by the algorithm files. */
export function tableLo(core: P2mCore, id: number): number { return tableEntryLo(core.pageMfn(id)); }
export function tableHi(core: P2mCore, id: number): number { return tableEntryHi(core.pageMfn(id)); }
export { hwValidLo, isMappingLo, isTableLo };
