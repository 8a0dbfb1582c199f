// Break-before-make checker: a pure consumer of the engine's event stream (or of events made
// from a low-level write trace) that flags the architecture rules of p2m-model.md §7:
//   bbm-valid-change     valid→valid store to a live table that needs BBM (OA, block size,
//                        memory type/cacheability, shareability, contiguous bit);
//   bbm-no-flush         a break (valid→invalid) made valid again, with a change that needs BBM,
//                        and no TLB flush in between;
//   table-free-unflushed a table page freed, re-allocated or written while walks through it may
//                        still be cached (unlinked from a live table, no flush since);
//   missing-clean        clean_pte on and a store into a live table not followed by its clean
//                        (or a fresh page linked while it still has uncleaned stores);
//   wasted-flush         a flush with nothing to invalidate (info: counted, not an error).
// It also counts what the strategy comparison needs: live vs fresh stores, flushes by cause
// (and wasted ones), table pages allocated/freed. Per-event work is allocation-free.
import { baseOf, hwValidLo, toBig } from '../arch/descriptor';
import type { FlushCause, OpKind } from '../p2m/events';
import {
  ARM_ARM_BBM, ARM_ARM_COHERENCY, ARM_ARM_TLB, bbmReasons, BbmReason, BbmRule, REASON_BLOCK_SIZE, reasonNames,
} from './bbm-rules';
import type { TableAllocWhy, TlbEventSink } from './event-sink';
import type { BbmFinding, FindingEntry } from './findings';
import { describeEntry } from './findings';
import { entryOrderPow, type MirrorOptions, TableMirror } from './table-mirror';
import { subtreeMatchesBlock } from './feat-bbm';

export interface BbmCheckerOptions extends MirrorOptions {
  /** clean_pte is on (IOMMU walks are not coherent): every live store must be cleaned. */
  cleanPte?: boolean;
  /** Armv8.4 FEAT_BBM level (0 = absent). Level 1 or 2 relaxes block-size changes. */
  featBbm?: 0 | 1 | 2;
  /** Record wasted flushes as findings (they are always counted). Default true. */
  recordWaste?: boolean;
  /** Keep at most this many findings (counters keep counting). Default 10000. */
  maxFindings?: number;
  /** Only flushes of this VMID invalidate (default: every flush event counts). */
  vmid?: number;
  /** Called synchronously when a finding is made ("break on BBM violation"). */
  onFinding?: (f: BbmFinding) => void;
}

const FLUSH_CAUSES: readonly FlushCause[] =
  ['bbm-split', 'bbm-replace', 'pre-free', 'unlock', 'init', 'clear-root', 'legacy-end', 'explicit'];

export interface BbmCounts {
  pteWrites: number;
  /** Stores into pages reachable from a root at that moment. */
  livePteWrites: number;
  /** Stores into pages not reachable (fresh, not yet linked; or unlinked). */
  freshPteWrites: number;
  /** Live stores that replaced a hw-valid entry by another hw-valid one (in-place overwrites). */
  inPlaceValidWrites: number;
  flushes: number;
  flushesByCause: Record<FlushCause, number>;
  wastedFlushes: number;
  wastedByCause: Record<FlushCause, number>;
  tablesAllocated: number;   // pool pages (roots excluded)
  tablesFreed: number;
  violations: number;        // error findings, including those past maxFindings
  violationsByRule: Record<BbmRule, number>;
  /** pteWrite events whose `live` flag disagrees with the checker's own reachability. */
  liveMismatches: number;
}

/**
 * counts[cause]++ with a literal key per cause: a variable string key is a keyed (megamorphic)
 * property access, ~15 ns on every one of the ~300k flushes of a 1M-op check.
 */
function bumpCause(r: Record<FlushCause, number>, cause: FlushCause): void {
  switch (cause) {
    case 'bbm-split': r['bbm-split']++; return;
    case 'bbm-replace': r['bbm-replace']++; return;
    case 'pre-free': r['pre-free']++; return;
    case 'unlock': r['unlock']++; return;
    default: r[cause] = (r[cause] ?? 0) + 1;
  }
}

/** Breaks since the last flush are looked up by linear scan up to this many, then by a Map. */
const SMALL_BREAKS = 16;

function zeroCauses(): Record<FlushCause, number> {
  const r = {} as Record<FlushCause, number>;
  for (const c of FLUSH_CAUSES) r[c] = 0;
  return r;
}

export class BbmChecker implements TlbEventSink {
  readonly mirror: TableMirror;
  readonly findings: BbmFinding[] = [];
  readonly counts: BbmCounts;
  private readonly cleanPte: boolean;
  private readonly featBbm: number;
  private readonly recordWaste: boolean;
  private readonly maxFindings: number;
  private readonly vmid: number | undefined;
  private readonly onFinding: ((f: BbmFinding) => void) | undefined;

  /** Incremented by every flush: a record made at epoch e is "unflushed" while epoch === e. */
  private epoch = 0;
  /** Live hw-valid entries changed since the last flush (0 at a flush = nothing to invalidate). */
  private dirty = 0;
  private lastFlushEvent = -1;
  // ---- the store awaiting its clean (clean_pte) ----
  private pcActive = false;
  private pcPage = -1; private pcIndex = 0; private pcLevel = 0; private pcEvent = 0; private pcLive = false;
  private pcOldLo = 0; private pcOldHi = 0; private pcNewLo = 0; private pcNewHi = 0;
  // ---- per page (indexed by mirror page id) ----
  private unlinkEvent: Int32Array = new Int32Array(64).fill(-1);
  private unlinkEpoch: Int32Array = new Int32Array(64);
  private unlinkParent: Int32Array = new Int32Array(64);
  private unlinkIndex: Int32Array = new Int32Array(64);
  private unlinkLevel: Int8Array = new Int8Array(64);
  private unlinkGfn: Float64Array = new Float64Array(64);
  private unlinkOld: Uint32Array = new Uint32Array(128);
  private unlinkNew: Uint32Array = new Uint32Array(128);
  // ---- breaks since the last flush: key pageId*512+index → record (cleared at every flush) ----
  // A flush usually follows one or two breaks, so records are found by scanning brKey (-1 =
  // deleted); the Map is built only past SMALL_BREAKS records (Map.clear at every flush cost
  // ~40 ns, a quarter of a flush's handling).
  private breaks = new Map<number, number>();
  private useMap = false;
  private brCount = 0;
  private brLive = 0;
  private brKey: Int32Array = new Int32Array(256);
  private brEvent: Int32Array = new Int32Array(256);
  private brLo: Uint32Array = new Uint32Array(256);
  private brHi: Uint32Array = new Uint32Array(256);
  /** First store into this (not live) page not covered by a clean, -1 if clean. */
  private dirtyEvent: Int32Array = new Int32Array(64).fill(-1);

  constructor(opts: BbmCheckerOptions = {}) {
    this.mirror = new TableMirror({ ...opts, storeContents: (opts.featBbm ?? 0) >= 1 });
    this.cleanPte = opts.cleanPte ?? false;
    this.featBbm = opts.featBbm ?? 0;
    this.recordWaste = opts.recordWaste ?? true;
    this.maxFindings = opts.maxFindings ?? 10000;
    this.vmid = opts.vmid;
    this.onFinding = opts.onFinding;
    const byRule = {} as Record<BbmRule, number>;
    for (const r of ['bbm-valid-change', 'bbm-no-flush', 'table-free-unflushed', 'missing-clean', 'wasted-flush'] as BbmRule[]) byRule[r] = 0;
    this.counts = {
      pteWrites: 0, livePteWrites: 0, freshPteWrites: 0, inPlaceValidWrites: 0,
      flushes: 0, flushesByCause: zeroCauses(), wastedFlushes: 0, wastedByCause: zeroCauses(),
      tablesAllocated: 0, tablesFreed: 0, violations: 0, violationsByRule: byRule, liveMismatches: 0,
    };
  }

  /** Error findings only (wasted flushes excluded). */
  get violations(): BbmFinding[] { return this.findings.filter(f => f.severity === 'error'); }

  private ensurePageState(id: number): void {
    const n = this.unlinkEvent.length;
    if (id < n) return;
    let m = n * 2;
    while (m <= id) m *= 2;
    const gi = (a: Int32Array, fill: number) => { const b = new Int32Array(m).fill(fill); b.set(a); return b; };
    this.unlinkEvent = gi(this.unlinkEvent, -1);
    this.unlinkEpoch = gi(this.unlinkEpoch, 0);
    this.unlinkParent = gi(this.unlinkParent, 0);
    this.unlinkIndex = gi(this.unlinkIndex, 0);
    this.dirtyEvent = gi(this.dirtyEvent, -1);
    const l = new Int8Array(m); l.set(this.unlinkLevel); this.unlinkLevel = l;
    const g = new Float64Array(m); g.set(this.unlinkGfn); this.unlinkGfn = g;
    const o = new Uint32Array(m * 2); o.set(this.unlinkOld); this.unlinkOld = o;
    const w = new Uint32Array(m * 2); w.set(this.unlinkNew); this.unlinkNew = w;
  }

  // ---- TlbEventSink ------------------------------------------------------------------------

  onOpBegin(i: number, _op: number, _opKind: OpKind): void { if (this.pcActive) this.resolveClean(i, -1, -1); }
  onOpEnd(i: number, _op: number, _rc: number): void { if (this.pcActive) this.resolveClean(i, -1, -1); }
  onNeedFlushSet(_i: number): void { /* the checker judges flushes by what they invalidate */ }

  onPteClean(i: number, table: number, index: number): void {
    if (this.pcActive) this.resolveClean(i, this.mirror.pageId(table), index);
  }

  onTableClean(i: number, table: number): void {
    const id = this.mirror.pageId(table);
    if (this.pcActive) this.resolveClean(i, id, -2);
    if (id >= 0 && id < this.dirtyEvent.length) this.dirtyEvent[id] = -1;
  }

  onTableZero(i: number, table: number): void {
    if (this.pcActive) this.resolveClean(i, -1, -1);
    const m = this.mirror;
    const id = m.ensurePage(table);
    if (id < 0) return;
    this.ensurePageState(id);
    this.checkReuse(i, id, 'zeroed');
    m.zero(id);
    if (this.dirtyEvent[id] < 0) this.dirtyEvent[id] = i; // zeroing is a store that needs a clean too
  }

  onTableAlloc(i: number, table: number, level: number, why: TableAllocWhy): void {
    if (this.pcActive) this.resolveClean(i, -1, -1);
    const m = this.mirror;
    const existing = m.pageId(table);
    if (existing >= 0) { this.ensurePageState(existing); this.checkReuse(i, existing, 'reallocated'); }
    const id = m.alloc(table, level, why === 'root');
    if (id < 0) return;
    this.ensurePageState(id);
    if (why !== 'root') this.counts.tablesAllocated++;
  }

  onTableFree(i: number, table: number): void {
    if (this.pcActive) this.resolveClean(i, -1, -1);
    const m = this.mirror;
    const id = m.ensurePage(table);
    if (id < 0) return;
    this.ensurePageState(id);
    this.checkReuse(i, id, 'freed');
    m.free(id);
    this.counts.tablesFreed++;
  }

  onTlbFlush(i: number, vmid: number, cause: FlushCause): void {
    if (this.pcActive) this.resolveClean(i, -1, -1);
    if (this.vmid !== undefined && vmid !== this.vmid) return;
    const c = this.counts;
    c.flushes++;
    bumpCause(c.flushesByCause, cause);
    if (this.dirty === 0) {
      c.wastedFlushes++;
      bumpCause(c.wastedByCause, cause);
      c.violationsByRule['wasted-flush']++;
      if (this.recordWaste && this.findings.length < this.maxFindings) {
        this.push({
          rule: 'wasted-flush', severity: 'info', armRef: ARM_ARM_TLB,
          entry: { table: 0, index: 0, level: -1, gfnCount: 0 }, reasons: [], old: 0n, new: 0n,
          events: this.lastFlushEvent >= 0 ? [this.lastFlushEvent, i] : [i],
          message: `TLB flush (${cause}) with nothing to invalidate: no live valid entry changed since ${this.lastFlushEvent >= 0 ? `the flush at event ${this.lastFlushEvent}` : 'the start'}`,
        });
      }
    }
    this.dirty = 0;
    this.epoch++;
    // Breaks only matter until the next flush: every record is now settled.
    if (this.brCount !== 0) {
      this.brCount = 0; this.brLive = 0;
      if (this.useMap) { this.breaks.clear(); this.useMap = false; }
    }
    this.lastFlushEvent = i;
  }

  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, _raw: boolean): void {
    if (this.pcActive) this.resolveClean(i, -1, -1);
    const m = this.mirror;
    const id = m.ensurePage(table);
    if (id < 0) return;
    this.ensurePageState(id);
    if (level < 0 || level > 3) level = m.pageLevel[id] >= 0 ? m.pageLevel[id] : 3;
    m.notePage(id, level);
    const c = this.counts;
    c.pteWrites++;
    const isLive = m.isLive(id);
    if (isLive !== live) c.liveMismatches++;
    const oldValid = hwValidLo(oldLo), newValid = hwValidLo(newLo);
    if (isLive) {
      c.livePteWrites++;
      if (oldValid && (oldLo !== newLo || oldHi !== newHi)) this.dirty++;
      if (oldValid && newValid) {
        c.inPlaceValidWrites++;
        this.checkValidChange(i, id, index, level, oldLo, oldHi, newLo, newHi);
      } else if (oldValid && !newValid) {
        // A break: remember the translation walkers may still cache until the next flush.
        if (this.findBreak(id * 512 + index) < 0) this.addBreak(id * 512 + index, i, oldLo, oldHi);
      } else if (!oldValid && newValid) {
        const r = this.findBreak(id * 512 + index);
        if (r >= 0) {
          this.checkMakeAfterBreak(i, id, index, r, level, newLo, newHi);
          this.deleteBreak(id * 512 + index, r);
        }
      }
    } else {
      c.freshPteWrites++;
      this.checkReuse(i, id, 'written');
    }
    // Unlinks of hw-valid tables (or of tables broken since the last flush) leave walks cached.
    const hadBreak = this.brLive !== 0 && this.findBreak(id * 512 + index) >= 0;
    m.write(id, index, level, oldLo, oldHi, newLo, newHi);
    const un = m.lastUnlinked, ln = m.lastLinked;
    if (un >= 0 && isLive && (oldValid || hadBreak)) {
      this.ensurePageState(un);
      this.unlinkEvent[un] = i; this.unlinkEpoch[un] = this.epoch;
      this.unlinkParent[un] = id; this.unlinkIndex[un] = index; this.unlinkLevel[un] = level;
      this.unlinkGfn[un] = m.entryGfn(id, index, level);
      this.unlinkOld[un * 2] = oldLo; this.unlinkOld[un * 2 + 1] = oldHi;
      this.unlinkNew[un * 2] = newLo; this.unlinkNew[un * 2 + 1] = newHi;
    }
    if (ln >= 0) {
      this.ensurePageState(ln);
      this.unlinkEvent[ln] = -1; // linked again: it is reachable, no longer a dangling walk target
      if (this.cleanPte && isLive) this.checkLinkedClean(i, ln, id, index, level, newLo, newHi);
    }
    if (this.cleanPte) {
      this.pcActive = true; this.pcPage = id; this.pcIndex = index; this.pcLevel = level; this.pcEvent = i;
      this.pcLive = isLive; this.pcOldLo = oldLo; this.pcOldHi = oldHi; this.pcNewLo = newLo; this.pcNewHi = newHi;
    }
  }

  /** Record of the live break at `key`, or -1. */
  private findBreak(key: number): number {
    if (this.brLive === 0) return -1;
    if (this.useMap) return this.breaks.get(key) ?? -1;
    const k = this.brKey;
    for (let r = 0; r < this.brCount; r++) if (k[r] === key) return r;
    return -1;
  }

  private addBreak(key: number, i: number, lo: number, hi: number): void {
    const r = this.brCount++;
    if (r === this.brEvent.length) {
      const e = new Int32Array(r * 2); e.set(this.brEvent); this.brEvent = e;
      const l = new Uint32Array(r * 2); l.set(this.brLo); this.brLo = l;
      const h = new Uint32Array(r * 2); h.set(this.brHi); this.brHi = h;
      const k = new Int32Array(r * 2); k.set(this.brKey); this.brKey = k;
    }
    this.brEvent[r] = i; this.brLo[r] = lo; this.brHi[r] = hi; this.brKey[r] = key;
    this.brLive++;
    if (this.useMap) this.breaks.set(key, r);
    else if (this.brCount > SMALL_BREAKS) {
      this.useMap = true;
      for (let q = 0; q < this.brCount; q++) if (this.brKey[q] >= 0) this.breaks.set(this.brKey[q], q);
    }
  }

  private deleteBreak(key: number, r: number): void {
    this.brKey[r] = -1;
    this.brLive--;
    if (this.useMap) this.breaks.delete(key);
  }

  /** End of stream: a store still waiting for its clean is reported. */
  finish(i: number): void { if (this.pcActive) this.resolveClean(i, -1, -1); }

  // ---- rules -------------------------------------------------------------------------------

  private entry(id: number, index: number, level: number, gfn?: number): FindingEntry {
    const g = gfn ?? this.mirror.entryGfn(id, index, level);
    const e: FindingEntry = { table: this.mirror.pageMfn[id], index, level, gfnCount: entryOrderPow(level) };
    if (Number.isFinite(g)) e.gfn = g;
    return e;
  }

  private push(f: BbmFinding): void {
    if (f.severity === 'error') { this.counts.violations++; this.counts.violationsByRule[f.rule]++; }
    if (this.findings.length < this.maxFindings) this.findings.push(f);
    this.onFinding?.(f);
  }

  /** FEAT_BBM: a block↔table change is allowed when the subtree maps exactly the block. */
  private relaxedBySize(reasons: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number): boolean {
    if (this.featBbm < 1 || reasons !== REASON_BLOCK_SIZE || level >= 3) return false;
    const newIsTable = (newLo & 2) !== 0;
    return newIsTable
      ? subtreeMatchesBlock(this.mirror, baseOf(newLo, newHi), level, oldLo, oldHi)
      : subtreeMatchesBlock(this.mirror, baseOf(oldLo, oldHi), level, newLo, newHi);
  }

  private checkValidChange(i: number, id: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number): void {
    const r = bbmReasons(oldLo, oldHi, newLo, newHi, level);
    if (r === 0 || this.relaxedBySize(r, level, oldLo, oldHi, newLo, newHi)) return;
    const reasons = reasonNames(r);
    this.push({
      rule: 'bbm-valid-change', severity: 'error', armRef: ARM_ARM_BBM, entry: this.entry(id, index, level), reasons,
      old: toBig(oldLo, oldHi), new: toBig(newLo, newHi), events: [i],
      message: `valid entry overwritten in place; the change (${reasons.join(', ')}) requires break-before-make`,
    });
  }

  private checkMakeAfterBreak(i: number, id: number, index: number, rec: number, level: number, newLo: number, newHi: number): void {
    const bLo = this.brLo[rec], bHi = this.brHi[rec], at = this.brEvent[rec];
    const r = bbmReasons(bLo, bHi, newLo, newHi, level);
    if (r === 0 || this.relaxedBySize(r, level, bLo, bHi, newLo, newHi)) return;
    const reasons: BbmReason[] = reasonNames(r);
    this.push({
      rule: 'bbm-no-flush', severity: 'error', armRef: ARM_ARM_BBM, entry: this.entry(id, index, level), reasons,
      old: toBig(bLo, bHi), new: toBig(newLo, newHi), events: [at, i],
      message: `entry invalidated at event ${at} and made valid again with a different translation (${reasons.join(', ')}) without a TLB flush in between`,
    });
  }

  /** A page whose walks may still be cached (it or an ancestor unlinked, no flush since). */
  private checkReuse(i: number, id: number, what: 'freed' | 'reallocated' | 'zeroed' | 'written'): void {
    const m = this.mirror;
    for (let p = id, depth = 0; p >= 0 && depth < 8; p = m.parent[p], depth++) {
      if (p >= this.unlinkEvent.length) break;
      if (this.unlinkEvent[p] < 0 || this.unlinkEpoch[p] !== this.epoch) continue;
      const par = this.unlinkParent[p], lvl = this.unlinkLevel[p];
      const g = this.unlinkGfn[p];
      const f: BbmFinding = {
        rule: 'table-free-unflushed', severity: 'error', armRef: ARM_ARM_BBM,
        entry: this.entry(par, this.unlinkIndex[p], lvl, Number.isFinite(g) ? g : NaN), reasons: [],
        old: toBig(this.unlinkOld[p * 2], this.unlinkOld[p * 2 + 1]), new: toBig(this.unlinkNew[p * 2], this.unlinkNew[p * 2 + 1]),
        events: [this.unlinkEvent[p], i],
        message: `table page 0x${m.pageMfn[id].toString(16)} ${what} while the TLB may still hold walks through it: ` +
          `${p === id ? 'it was' : `its ancestor 0x${m.pageMfn[p].toString(16)} was`} unlinked at event ${this.unlinkEvent[p]} and no TLB flush happened since`,
      };
      this.unlinkEvent[p] = -1; // one finding per unlink
      this.push(f);
      return;
    }
  }

  /** clean_pte: linking a fresh page whose stores (zeroing, fill) were never cleaned. */
  private checkLinkedClean(i: number, child: number, id: number, index: number, level: number, newLo: number, newHi: number): void {
    const d = this.dirtyEvent[child];
    if (d < 0) return;
    this.dirtyEvent[child] = -1;
    this.push({
      rule: 'missing-clean', severity: 'error', armRef: ARM_ARM_COHERENCY, entry: this.entry(id, index, level), reasons: [],
      old: 0n, new: toBig(newLo, newHi), events: [d, i],
      message: `table page 0x${this.mirror.pageMfn[child].toString(16)} linked into a live table while its stores since event ${d} were not cleaned (clean_pte is on)`,
    });
  }

  /** The next event after a store arrived: page -2 index means tableClean of page `page`. */
  private resolveClean(i: number, page: number, index: number): void {
    this.pcActive = false;
    if (page >= 0 && page === this.pcPage && (index === this.pcIndex || index === -2)) return;
    if (!this.pcLive) {
      const id = this.pcPage;
      if (this.dirtyEvent[id] < 0) this.dirtyEvent[id] = this.pcEvent;
      return;
    }
    const e = this.entry(this.pcPage, this.pcIndex, this.pcLevel);
    this.push({
      rule: 'missing-clean', severity: 'error', armRef: ARM_ARM_COHERENCY, entry: e, reasons: [],
      old: toBig(this.pcOldLo, this.pcOldHi), new: toBig(this.pcNewLo, this.pcNewHi), events: [this.pcEvent, i],
      message: `store into a live table not followed by its cache clean (clean_pte is on): ${describeEntry(e)}`,
    });
  }
}
