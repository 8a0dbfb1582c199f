// The engine facade: one P2m per domain (domid, vmid). Every mutating method is one op
// (opBegin … opEnd in the event log) wrapped in the p2m write lock as Xen's callers do, so
// the unlock flushes when needed. Queries never record events.
import { vttbr as makeVttbr } from '../arch/geometry';
import { INVALID_MFN, isAnyRamType, P2mType, parseAccess, parseType } from '../arch/types';
import { EILSEQ, ENOMEM, type P2mConfig } from './config';
import { P2mCore, type OpDiagnostic } from './core';
import { dumpInfo, dumpInfoLines, dumpLookupLines } from './dump';
import { Cause, FLUSH_CAUSES, Fr, type EventLog } from './event-log';
import type { FlushCause, FrameName } from './events';
import { getEntry, type GetEntryResult } from './get-entry';
import { type Leaf, leaves, type Region, regions, rootTables, tablePage, type TablePageView, walk, type WalkStep } from './queries';
import { relinquish } from './relinquish';
import { p2mSetEntry, setAtOrder } from './set-entry';
import { invalidateRoot, resolveTranslationFault } from './set-way';
import { clearRootPages, p2mTeardown } from './teardown';
import { type P2mSnapshot, restoreSnapshot, takeSnapshot } from './snapshot';

/** A type or access given by value or by Xen name (without the `p2m_` prefix). */
export type NameOrValue = number | string;

export interface P2mStats {
  /** Xen's counters, drift included (index = level; [0] is always 0 unless BUG). */
  mappings: number[];
  shattered: number[];
  /** True p2m-valid leaf counts per level, from the live tables. */
  leafCounts: number[];
  maxMappedGfn: number;
  /** -1 stands for ULONG_MAX (nothing mapped yet). */
  lowestMappedGfn: number;
  tlbFlushes: number;
  flushesByCause: Record<FlushCause, number>;
  /** Pool pages only (root pages excluded). */
  tablePages: { allocated: number; freed: number; inUse: number; poolFree: number };
}

const OP_SET_ENTRY = 0, OP_SET_AT_ORDER = 1, OP_LOOKUP = 2, OP_INVALIDATE_ROOT = 3, OP_RESOLVE = 4,
  OP_RELINQUISH = 5, OP_MEM_ACCESS = 6, OP_OTHER = 11;

// Name → value caches: trace replays pass names on every call (no regex per call).
const TYPE_CACHE = new Map<string, number>();
const ACCESS_CACHE = new Map<string, number>();
function typeValue(t: NameOrValue): number {
  if (typeof t === 'number') return t;
  let v = TYPE_CACHE.get(t);
  if (v === undefined) { v = parseType(t); TYPE_CACHE.set(t, v); }
  return v;
}
function accessValue(a: NameOrValue): number {
  if (typeof a === 'number') return a;
  let v = ACCESS_CACHE.get(a);
  if (v === undefined) { v = parseAccess(a); ACCESS_CACHE.set(a, v); }
  return v;
}

export class P2m {
  /** Internals for engine-side modules (replay, strategies). Views must not use it. */
  readonly core: P2mCore;

  constructor(config: Partial<P2mConfig> = {}) {
    // This class runs the upstream algorithm only; the 2016 ones are subclasses built by
    // createP2m. A config naming another strategy here would silently replay the wrong code.
    if (config.strategy !== undefined && config.strategy !== 'upstream') {
      throw new Error(`new P2m runs the upstream algorithm; build a '${config.strategy}' p2m with createP2m (engine/strategy/create-p2m.ts)`);
    }
    this.core = new P2mCore(config);
  }

  get log(): EventLog { return this.core.log; }
  get config(): Readonly<Omit<P2mConfig, 'log'>> { return this.core.cfg; }
  get geometry() { return this.core.geo; }
  get vttbr(): bigint { return makeVttbr(this.core.cfg.vmid, this.core.pageMfn(0)); }
  get diagnostics(): readonly OpDiagnostic[] { return this.core.diagnostics; }
  get opCount(): number { return this.core.log.opCount; }
  get memAccessEnabled(): boolean { return this.core.memAccessEnabled; }

  private locked<T>(kind: number, body: () => T, rcOf: (r: T) => number): T {
    const c = this.core;
    c.beginOp(kind);
    c.writeLock();
    const r = body();
    c.writeUnlock();
    c.endOp(rcOf(r));
    return r;
  }

  /** A failing call is reported as an `rc-error` diagnostic of its op. */
  private rcDiag(rc: number, fn: FrameName, gfn: number): number {
    if (rc !== 0) this.core.diagRc(fn, rc, gfn);
    return rc;
  }

  /** p2m_set_entry(gfn, nr, mfn, t, a) under the write lock. mfn = INVALID_MFN (-1) removes. */
  setEntry(gfn: number, nr: number, mfn: number, type: NameOrValue = P2mType.ram_rw, access: NameOrValue = 7): number {
    const t = typeValue(type), a = accessValue(access);
    // Hot path (replays call this millions of times): the lock/op bracket is inlined, no closures.
    const c = this.core;
    c.beginOp(OP_SET_ENTRY);
    c.writeLock();
    const rc = p2mSetEntry(c, gfn, nr, mfn, t, a);
    if (rc !== 0) this.rcDiag(rc, 'p2m_set_entry', gfn);
    c.writeUnlock();
    c.endOp(rc);
    return rc;
  }

  /** One __p2m_set_entry chunk in its own locked section (xentrace replay default). */
  setAtOrder(gfn: number, order: number, mfn: number, type: NameOrValue = P2mType.ram_rw, access: NameOrValue = 7): number {
    const t = typeValue(type), a = accessValue(access);
    // Hot path of xentrace replays (one op per record): bracket inlined like setEntry's, since
    // the two closures of `locked` cost an allocation and a polymorphic call per record.
    const c = this.core;
    c.beginOp(OP_SET_AT_ORDER);
    c.writeLock();
    const rc = setAtOrder(c, gfn, order, mfn, t, a);
    if (rc !== 0) this.rcDiag(rc, '__p2m_set_entry', gfn);
    c.writeUnlock();
    c.endOp(rc);
    return rc;
  }

  /** insert_mapping: set_entry with the default access. */
  insertMapping(gfn: number, nr: number, mfn: number, type: NameOrValue = P2mType.ram_rw): number {
    return this.setEntry(gfn, nr, mfn, type, this.core.defaultAccess);
  }

  /** remove_mapping (§5.12): -EILSEQ, nothing changed, when an any-RAM mapping does not match mfn. */
  removeMapping(gfn: number, nr: number, mfn: number): number {
    const c = this.core;
    return this.locked(OP_SET_ENTRY, () => {
      for (let g = gfn; g < gfn + nr;) {
        const e = getEntry(c, g);
        const step = 2 ** e.order - (g % 2 ** e.order);
        if (e.mfn !== INVALID_MFN && isAnyRamType(e.type)) {
          for (let i = 0; i < Math.min(step, gfn + nr - g); i++) {
            if (mfn === INVALID_MFN || mfn + (g - gfn) + i !== e.mfn + i) return -EILSEQ;
          }
        }
        g += step;
      }
      return p2mSetEntry(c, gfn, nr, INVALID_MFN, P2mType.invalid, 7);
    }, r => r);
  }

  /** Sets mem_access_enabled (never reset), as any set_mem_access call does first. */
  enableMemAccess(): void { this.core.memAccessEnabled = true; }

  /** p2m_set_mem_access over [gfn, gfn+nr): mapped GFNs get `access`, holes are skipped. */
  setMemAccess(gfn: number, nr: number, access: NameOrValue): number {
    const c = this.core, a = accessValue(access);
    c.memAccessEnabled = true;
    return this.locked(OP_MEM_ACCESS, () => {
      c.log.frameEnter(Fr.setMemAccess, 3, gfn);
      let rc = 0;
      for (let g = gfn; g < gfn + nr && rc === 0;) {
        const e = getEntry(c, g);
        if (e.mfn === INVALID_MFN) { g += 2 ** e.order - (g % 2 ** e.order); continue; }
        rc = p2mSetEntry(c, g, 1, e.mfn, e.type, a);
        g++;
      }
      c.log.frameLeave(Fr.setMemAccess, rc);
      return rc;
    }, r => r);
  }

  /** p2m_invalidate_root (set/way emulation), one op; the unlock flushes. */
  invalidateRoot(): void {
    this.locked(OP_INVALIDATE_ROOT, () => invalidateRoot(this.core), () => 0);
  }

  /** p2m_resolve_translation_fault(gfn): true when the fault is resolved. */
  resolveTranslationFault(gfn: number): boolean {
    return this.locked(OP_RESOLVE, () => resolveTranslationFault(this.core, gfn), r => (r ? 1 : 0));
  }

  /** Marks the domain dying (set_entry then refuses with -ENOMEM). */
  setDying(dying = true): void { this.core.isDying = dying; }

  /** relinquish_p2m_mapping (runs to completion; no -ERESTART). */
  relinquish(): number {
    return this.locked(OP_RELINQUISH, () => relinquish(this.core), r => r);
  }

  /**
   * Domain destruction after relinquish: p2m_teardown (every `pages` page back to the
   * pool) then p2m_clear_root_pages (zero roots, forced 'clear-root' flush). One op.
   * Returns the number of table pages released.
   */
  teardown(): number {
    const c = this.core;
    if (!c.isDying) c.diag('assert-relinquish', 'error', 'teardown while the domain is not dying');
    return this.locked(OP_OTHER, () => { const n = p2mTeardown(c); clearRootPages(c); return n; }, () => 0);
  }

  /**
   * p2m_alloc_table at domain creation: the root pages (order rootOrder, zeroed, not from
   * the pool) and one forced 'init' flush of the new VMID. Optional: the golden scenarios
   * start from a fresh p2m without it. Emits tableAlloc(why 'root') so consumers see roots.
   */
  allocTable(): void {
    const c = this.core;
    this.locked(OP_OTHER, () => {
      for (let k = 0; k < c.geo.rootPages; k++) {
        c.log.tableAlloc(c.pageMfn(k), c.geo.rootLevel, 2);
        c.log.tableZero(c.pageMfn(k));
        if (c.cfg.cleanPte) c.log.tableClean(c.pageMfn(k));
      }
      c.forceFlush(Cause.init);
      return 0;
    }, () => 0);
  }

  /**
   * p2m_set_allocation: resize the pool to `pages` free+used pages (§5.9). Growth appends
   * to the freelist tail; shrinking pops the head and fails with -ENOMEM when the freelist
   * runs dry (Xen would also preempt with -ERESTART; not simulated). Returns 0 or -ENOMEM.
   */
  setAllocation(pages: number): number {
    const c = this.core;
    const total = c.pool.free + (c.tablesAllocated - c.tablesFreed);
    if (pages > total) { c.pool.grow(pages - total); return 0; }
    for (let n = total; n > pages; n--) if (!c.pool.shrinkOne()) return -ENOMEM;
    return 0;
  }

  /** p2m_lookup as a recorded op (read lock: the unlock never flushes). */
  lookupOp(gfn: number): GetEntryResult {
    const c = this.core;
    c.beginOp(OP_LOOKUP);
    c.log.frameEnter(Fr.getEntry, c.geo.rootLevel, gfn);
    const r = getEntry(c, gfn);
    c.log.frameLeave(Fr.getEntry, r.order);
    c.endOp(0);
    return r;
  }

  /** Records a free-standing op (e.g. a checkpoint) so diagnostics can attach to it. */
  beginOtherOp(): number { return this.core.beginOp(OP_OTHER); }
  endOtherOp(rc = 0): void { this.core.endOp(rc); }

  // ---- queries (no events) ---------------------------------------------------------------
  lookup(gfn: number): GetEntryResult { return getEntry(this.core, gfn); }
  walk(gfn: number): WalkStep[] { return walk(this.core, gfn); }
  regions(fromGfn = 0, toGfn = Number.MAX_SAFE_INTEGER): Region[] { return regions(this.core, fromGfn, toGfn); }
  leaves(): Leaf[] { return leaves(this.core); }
  tablePage(mfn: number): TablePageView | undefined { return tablePage(this.core, mfn); }
  rootTables(): number[] { return rootTables(this.core); }
  /** Table pages on Xen's `pages` list (head first), as MFNs. */
  pagesList(): number[] { return this.core.pagesList().map(id => this.core.pageMfn(id)); }
  get maxMappedGfn(): number { return this.core.maxMappedGfn; }
  get lowestMappedGfn(): number { return this.core.lowestMappedGfn; }

  stats(): P2mStats {
    const c = this.core;
    const byCause = {} as Record<FlushCause, number>;
    let total = 0;
    FLUSH_CAUSES.forEach((name, i) => { byCause[name] = c.flushes[i]; total += c.flushes[i]; });
    return {
      mappings: Array.from(c.mappings), shattered: Array.from(c.shattered), leafCounts: Array.from(c.trueLeaves),
      maxMappedGfn: c.maxMappedGfn, lowestMappedGfn: c.lowestMappedGfn, tlbFlushes: total, flushesByCause: byCause,
      tablePages: { allocated: c.tablesAllocated, freed: c.tablesFreed, inUse: c.tablesAllocated - c.tablesFreed, poolFree: c.pool.free },
    };
  }

  /** p2m_dump_info text (§5.13), byte for byte; `(XEN) ` prefixes on request. */
  dumpInfo(xenPrefix = false): string { return dumpInfo(this.core, xenPrefix); }
  dumpInfoLines(): string[] { return dumpInfoLines(this.core); }
  /** dump_p2m_lookup(d, ipa) lines (§5.13). */
  dumpLookup(ipa: bigint): string[] { return dumpLookupLines(this.core, ipa); }

  snapshot(): P2mSnapshot { return takeSnapshot(this.core); }
  restore(s: P2mSnapshot): void { restoreSnapshot(this.core, s); }
}
