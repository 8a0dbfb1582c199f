// P2m facades for the 2016 strategies. Same public API as engine/p2m/p2m.ts (so the replay
// machine, CLI, views and comparison use any strategy alike); the mutating operations run the
// `legacy` or `xen-4.8` algorithm on an OldCore, and the queries walk with the 2016 rules.
// Operations that did not exist in 2016 (set/way emulation arrived in 2018) are recorded as
// ops that only emit an info diagnostic.
import { alignDown } from '../arch/geometry';
import { INVALID_MFN, isAnyRamType, P2mType, parseAccess, parseType } from '../arch/types';
import { EILSEQ, type P2mConfig } from '../p2m/config';
import type { P2mCore } from '../p2m/core';
import { EventLog, Fr } from '../p2m/event-log';
import type { FrameName } from '../p2m/events';
import type { GetEntryResult } from '../p2m/get-entry';
import { type NameOrValue, P2m } from '../p2m/p2m';
import type { Leaf, Region, TablePageView, WalkStep } from '../p2m/queries';
import { applyP2mChanges, LegacyOp } from './legacy-apply';
import { OldCore } from './old-core';
import { oldGetEntry, oldLeaves, oldRegions, oldTablePage, oldWalk } from './old-queries';
import type { StrategyName } from './registry';
import { xen48SetAtOrder, xen48SetEntry } from './xen48-set-entry';

// Op kinds: indices into OP_KINDS (engine/p2m/event-log.ts).
const OP_SET_ENTRY = 0, OP_SET_AT_ORDER = 1, OP_LOOKUP = 2, OP_INVALIDATE_ROOT = 3, OP_RESOLVE = 4,
  OP_RELINQUISH = 5, OP_MEM_ACCESS = 6;

const typeValue = (t: NameOrValue) => (typeof t === 'number' ? t : parseType(t));
const accessValue = (a: NameOrValue) => (typeof a === 'number' ? a : parseAccess(a));

export interface OldStrategyConfig extends Omit<Partial<P2mConfig>, 'strategy'> {
  strategy: Exclude<StrategyName, 'upstream'>;
  /** xen-4.8 only: reproduce the RFC's missing `else` (mem_access order 0 overwritten). */
  rfcMissingElse?: boolean;
}

export class OldStrategyP2m extends P2m {
  readonly strategy: Exclude<StrategyName, 'upstream'>;
  readonly rfcMissingElse: boolean;
  private readonly old: OldCore;

  constructor(config: OldStrategyConfig) {
    const { strategy, rfcMissingElse, ...rest } = config;
    // The base class builds an upstream core; it is replaced at once by the 2016 one (given a
    // private log so it can never record into the shared one).
    super({ ...rest, log: new EventLog() });
    this.old = new OldCore({ ...rest, strategy });
    (this as { core: P2mCore }).core = this.old;
    this.strategy = strategy;
    this.rfcMissingElse = strategy === 'xen-4.8' && (rfcMissingElse ?? false);
  }

  private bracket(kind: number, body: () => number): number {
    const c = this.old;
    c.beginOp(kind);
    c.writeLock();
    const rc = body();
    c.writeUnlock();
    c.endOp(rc);
    return rc;
  }

  private rcDiagOld(rc: number, fn: FrameName, gfn: number): number {
    if (rc !== 0) this.old.diagRc(fn, rc, gfn);
    return rc;
  }

  /** The strategy's set_entry, without lock or op bracket. */
  private setEntryBody(gfn: number, nr: number, mfn: number, t: number, a: number): number {
    if (this.strategy === 'legacy') {
      return applyP2mChanges(this.old, mfn === INVALID_MFN ? LegacyOp.remove : LegacyOp.insert, gfn, nr, mfn, t, a);
    }
    return xen48SetEntry(this.old, { rfcMissingElse: this.rfcMissingElse }, gfn, nr, mfn, t, a);
  }

  override setEntry(gfn: number, nr: number, mfn: number, type: NameOrValue = P2mType.ram_rw, access: NameOrValue = 7): number {
    const t = typeValue(type), a = accessValue(access);
    const fn = this.strategy === 'legacy' ? 'apply_p2m_changes' : 'p2m_set_entry';
    return this.bracket(OP_SET_ENTRY, () => this.rcDiagOld(this.setEntryBody(gfn, nr, mfn, t, a), fn, gfn));
  }

  /** One chunk: legacy has no per-order entry point, so it applies the chunk's range. */
  override setAtOrder(gfn: number, order: number, mfn: number, type: NameOrValue = P2mType.ram_rw, access: NameOrValue = 7): number {
    const t = typeValue(type), a = accessValue(access);
    return this.bracket(OP_SET_AT_ORDER, () => this.rcDiagOld(this.strategy === 'legacy'
      ? applyP2mChanges(this.old, mfn === INVALID_MFN ? LegacyOp.remove : LegacyOp.insert, gfn, 2 ** order, mfn, t, a)
      : xen48SetAtOrder(this.old, gfn, order, mfn, t, a), '__p2m_set_entry', gfn));
  }

  override removeMapping(gfn: number, nr: number, mfn: number): number {
    return this.bracket(OP_SET_ENTRY, () => {
      for (let g = gfn; g < gfn + nr;) {
        const e = oldGetEntry(this.old, g);
        const step = 2 ** e.order - (g % 2 ** e.order);
        if (e.mfn !== INVALID_MFN && isAnyRamType(e.type)) {
          for (let i = 0; i < Math.min(step, gfn + nr - g); i++) {
            if (mfn === INVALID_MFN || mfn + (g - gfn) + i !== e.mfn + i) return -EILSEQ;
          }
        }
        g += step;
      }
      return this.setEntryBody(gfn, nr, INVALID_MFN, P2mType.invalid, 7);
    });
  }

  override setMemAccess(gfn: number, nr: number, access: NameOrValue): number {
    const c = this.old, a = accessValue(access);
    c.memAccessEnabled = true;
    return this.bracket(OP_MEM_ACCESS, () => {
      if (this.strategy === 'legacy') return applyP2mChanges(c, LegacyOp.memaccess, gfn, nr, INVALID_MFN, 0, a);
      c.log.frameEnter(Fr.setMemAccess, 3, gfn);
      let rc = 0;
      for (let g = gfn; g < gfn + nr && rc === 0;) {
        const e = oldGetEntry(c, g);
        if (e.mfn === INVALID_MFN) { g += 2 ** e.order - (g % 2 ** e.order); continue; }
        rc = xen48SetEntry(c, { rfcMissingElse: this.rfcMissingElse }, g, 1, e.mfn, e.type, a);
        g++;
      }
      c.log.frameLeave(Fr.setMemAccess, rc);
      return rc;
    });
  }

  private notIn2016(kind: number, what: string): void {
    this.bracket(kind, () => {
      this.old.diag('trace', 'info', `${what} is not modelled by the ${this.strategy} strategy (set/way emulation arrived in 2018): no effect`);
      return 0;
    });
  }
  override invalidateRoot(): void { this.notIn2016(OP_INVALIDATE_ROOT, 'p2m_invalidate_root'); }
  override resolveTranslationFault(_gfn: number): boolean {
    this.notIn2016(OP_RESOLVE, 'p2m_resolve_translation_fault');
    return false;
  }

  override relinquish(): number {
    const c = this.old;
    return this.bracket(OP_RELINQUISH, () => {
      if (!c.isDying) c.diag('assert-relinquish', 'error', 'relinquish while the domain is not dying');
      const lowest = c.lowestMappedGfn < 0 ? Number.MAX_SAFE_INTEGER : c.lowestMappedGfn;
      let rc = 0;
      if (this.strategy === 'legacy') {
        // max_mapped_gfn is an exclusive end in 2016.
        if (c.maxMappedGfn > lowest) rc = applyP2mChanges(c, LegacyOp.relinquish, lowest, c.maxMappedGfn - lowest, INVALID_MFN, 0, 7);
        if (rc === 0 && c.lowestMappedGfn >= 0) { c.lowestMappedGfn = c.maxMappedGfn; c.log.mappedRange(c.maxMappedGfn, c.maxMappedGfn); }
        return rc;
      }
      c.log.frameEnter(Fr.relinquish, c.geo.rootLevel, Math.max(0, c.lowestMappedGfn));
      let g = lowest;
      while (g <= c.maxMappedGfn) {
        const e = oldGetEntry(c, g);
        if (e.mfn !== INVALID_MFN) { rc = xen48SetAtOrder(c, g, e.order, INVALID_MFN, P2mType.invalid, 7); if (rc !== 0) break; }
        g = alignDown(g, e.order) + 2 ** e.order;
      }
      if (rc === 0 && c.lowestMappedGfn >= 0) { c.lowestMappedGfn = g; c.log.mappedRange(c.maxMappedGfn, g); }
      c.log.frameLeave(Fr.relinquish, rc);
      return rc;
    });
  }

  override lookupOp(gfn: number): GetEntryResult {
    const c = this.old;
    c.beginOp(OP_LOOKUP);
    c.log.frameEnter(Fr.getEntry, c.geo.rootLevel, gfn);
    const r = oldGetEntry(c, gfn);
    c.log.frameLeave(Fr.getEntry, r.order);
    c.endOp(0);
    return r;
  }

  override lookup(gfn: number): GetEntryResult { return oldGetEntry(this.old, gfn); }
  override walk(gfn: number): WalkStep[] { return oldWalk(this.old, gfn); }
  override regions(fromGfn = 0, toGfn = Number.MAX_SAFE_INTEGER): Region[] { return oldRegions(this.old, fromGfn, toGfn); }
  override leaves(): Leaf[] { return oldLeaves(this.old); }
  override tablePage(mfn: number): TablePageView | undefined { return oldTablePage(this.old, mfn); }
}
