// TLB model for one VMID (p2m-model.md §7): caches leaf translations and, optionally, walk-cache
// (intermediate table) entries the way a hardware walker may, and reports stale-translation
// hazards: after an operation completes with no flush pending, a cached translation that differs
// from the tables. A pure event consumer: table contents come from its own TableMirror.
//
// Fills happen only on walks: `walk(gfn)` (a guest access; `lookup` and `resolve_fault` ops walk
// their GFN when they end), and a configurable speculative walker
// between operations ('recent' = GFNs stored by the operation that just ended, 'mapped' = a
// round-robin sweep of mapped leaves) or right after each live store (`walkAfterWrite`, a racing
// CPU). A walk uses cached walk entries before reading memory, as hardware may, which is how a
// table freed without a flush still yields translations.
//
// Invalidation: `tlbFlush` events are VMID-wide (Xen's only kind). By-IPA maintenance is offered
// as methods with its architectural sequence — TLBI IPAS2E1IS (or the last-level-only IPAS2LE1IS),
// DSB, TLBI VMALLE1IS, DSB — because combined stage-1+2 entries are not tagged by IPA: a sequence
// left incomplete at the end of an operation is a hazard. events.ts has no by-IPA event yet.
import { baseOf, isTableLo, toBig } from '../arch/descriptor';
import type { FlushCause, FrameName, OpKind } from '../p2m/events';
import { translationDiffers } from './bbm-rules';
import type { TableAllocWhy, TlbEventSink } from './event-sink';
import type { TlbHazard, TlbHazardKind } from './findings';
import { entryOrderPow, type MirrorOptions, TableMirror } from './table-mirror';

export interface TlbModelOptions extends MirrorOptions {
  /** VMID this model caches for; flushes of other VMIDs are ignored. Default: every flush. */
  vmid?: number;
  /** Cache intermediate table entries (walk cache). Default true. */
  walkCache?: boolean;
  /** Speculative walker between operations. Default 'recent'. */
  speculative?: 'off' | 'recent' | 'mapped';
  /** Max speculative walks per gap between operations. Default 64. */
  speculativeBudget?: number;
  /** Walk a stored entry's GFN right after each live store (another CPU racing). Default false. */
  walkAfterWrite?: boolean;
  /**
   * At each VMID flush, re-walk the cached entries to tell whether it removed anything stale
   * (counts.flushesWithoutStale, the model's "over-broad flush" figure). Costs a walk per cached
   * entry per flush. Default false.
   */
  classifyFlushes?: boolean;
  /** Max cached entries (leaf + walk); the oldest is evicted first. Default 65536. */
  capacity?: number;
  maxHazards?: number;
  onHazard?: (h: TlbHazard) => void;
}

export interface TlbCounts {
  walks: number;
  fills: number;
  flushes: number;
  /** VMID-wide flushes that found the cache empty. */
  flushesOfEmptyCache: number;
  /** Flushes that removed no stale entry (only counted with classifyFlushes). */
  flushesWithoutStale: number;
  entriesInvalidated: number;
  staleChecks: number;
  hazards: number;
}

const LOW_LEVEL_OPS: ReadonlySet<OpKind> = new Set<OpKind>(['write_pte', 'tlb_flush', 'dsb', 'checkpoint']);
const KIND_LEAF = 0, KIND_WALK = 1;

export class TlbModel implements TlbEventSink {
  readonly mirror: TableMirror;
  readonly hazards: TlbHazard[] = [];
  readonly counts: TlbCounts = {
    walks: 0, fills: 0, flushes: 0, flushesOfEmptyCache: 0, flushesWithoutStale: 0, entriesInvalidated: 0, staleChecks: 0, hazards: 0,
  };
  private readonly opts: Required<Omit<TlbModelOptions, 'vmid' | 'onHazard' | keyof MirrorOptions>>;
  private readonly vmid: number | undefined;
  private readonly onHazard: ((h: TlbHazard) => void) | undefined;
  // ---- cache: a ring of entries, key → ring position ----
  private map = new Map<number, number>();
  private readonly cap: number;
  private ring = 0;
  private eKey: Float64Array;
  private eLive: Uint8Array;
  private eGfn: Float64Array;
  private eLevel: Int8Array;
  private eKind: Uint8Array;
  private eLo: Uint32Array;
  private eHi: Uint32Array;
  private ePage: Float64Array;     // table MFN the entry was read from
  private eIndex: Int32Array;
  private eFill: Int32Array;
  private eReported: Uint8Array;
  /** Cached entries per (kind, level): lets range checks skip levels holding nothing. */
  private perLevel = new Int32Array(8);
  // ---- what changed since the last stale check ----
  private dirtyBase: Float64Array = new Float64Array(64);
  private dirtySpan: Float64Array = new Float64Array(64);
  private dirtyCount = 0;
  private recent: Float64Array = new Float64Array(64);
  private recentCount = 0;
  private flushPending = false;
  private sweep = 0;
  private curOpKind: OpKind = 'other';
  /** GFN of the guest access behind the current lookup / fault op, walked when it ends; -1 none. */
  private accessGfn = -1;
  // ---- by-IPA sequence state ----
  private ipaPending = -1;       // event of the first by-IPA TLBI not yet completed
  private ipaStage1 = false;     // VMALLE1IS seen after it
  private ipaGfn = 0;
  // ---- truth walk result (fields, so no object per walk) ----
  private tLo = 0; private tHi = 0; private tLevel = -1;

  constructor(opts: TlbModelOptions = {}) {
    this.mirror = new TableMirror({ ...opts, storeContents: true });
    this.vmid = opts.vmid;
    this.onHazard = opts.onHazard;
    this.opts = {
      walkCache: opts.walkCache ?? true, speculative: opts.speculative ?? 'recent',
      speculativeBudget: opts.speculativeBudget ?? 64, walkAfterWrite: opts.walkAfterWrite ?? false,
      capacity: opts.capacity ?? 65536, maxHazards: opts.maxHazards ?? 10000, classifyFlushes: opts.classifyFlushes ?? false,
    };
    const n = this.cap = Math.max(1, this.opts.capacity);
    this.eKey = new Float64Array(n); this.eLive = new Uint8Array(n); this.eGfn = new Float64Array(n);
    this.eLevel = new Int8Array(n); this.eKind = new Uint8Array(n); this.eLo = new Uint32Array(n); this.eHi = new Uint32Array(n);
    this.ePage = new Float64Array(n); this.eIndex = new Int32Array(n); this.eFill = new Int32Array(n); this.eReported = new Uint8Array(n);
  }

  /** Number of entries currently cached. */
  get size(): number { return this.map.size; }

  /** The cached leaf covering `gfn` as a bigint, or undefined (for tests and views). */
  cachedLeaf(gfn: number): { level: number; descriptor: bigint } | undefined {
    for (let l = 3; l >= 0; l--) {
      const p = this.map.get(this.key(KIND_LEAF, l, gfn));
      if (p !== undefined) return { level: l, descriptor: toBig(this.eLo[p], this.eHi[p]) };
    }
    return undefined;
  }

  private key(kind: number, level: number, gfn: number): number {
    const base = gfn - (gfn % entryOrderPow(level));
    return (base * 4 + level) * 2 + kind;
  }

  // ---- walking -----------------------------------------------------------------------------

  /** A hardware walk for `gfn` at event `i`: fills the TLB (and walk cache) with what it reads. */
  walk(gfn: number, i: number): void {
    const m = this.mirror;
    let id = m.rootFor(gfn);
    if (id < 0) return;
    this.counts.walks++;
    let viaCache = false;
    for (let level = m.rootLevel; level <= 3; level++) {
      const step = entryOrderPow(level);
      if (level < 3 && this.opts.walkCache) {
        const p = this.map.get(this.key(KIND_WALK, level, gfn));
        if (p !== undefined) { // hardware may skip the memory read and use the cached pointer
          id = m.pageId(baseOf(this.eLo[p], this.eHi[p]));
          if (id < 0) return;
          viaCache = true;
          continue;
        }
      }
      const index = Math.floor(gfn / step) % 512;
      if (!m.read(id, index)) return;
      const lo = m.rLo, hi = m.rHi;
      if ((lo & 1) === 0) return; // faults are not cached
      if (isTableLo(lo, level)) {
        if (this.opts.walkCache) this.fill(KIND_WALK, level, gfn, lo, hi, id, index, i);
        id = m.pageId(baseOf(lo, hi));
        if (id < 0) return;
        continue;
      }
      if (level === 3 && (lo & 2) === 0) return; // reserved encoding
      this.fill(KIND_LEAF, level, gfn, lo, hi, id, index, i);
      // A leaf read through a cached pointer may already disagree with the tables: have the
      // next stale check look at it even though no store touched this range.
      if (viaCache) this.markDirty(gfn - (gfn % step), step);
      return;
    }
  }

  private fill(kind: number, level: number, gfn: number, lo: number, hi: number, id: number, index: number, i: number): void {
    const k = this.key(kind, level, gfn);
    if (this.map.has(k)) return;
    const p = this.ring;
    this.ring = (p + 1) % this.cap;
    if (this.eLive[p]) { this.map.delete(this.eKey[p]); this.perLevel[this.eKind[p] * 4 + this.eLevel[p]]--; } // evict the oldest
    this.map.set(k, p);
    this.eKey[p] = k; this.eLive[p] = 1; this.eKind[p] = kind; this.eLevel[p] = level;
    this.eGfn[p] = gfn - (gfn % entryOrderPow(level));
    this.eLo[p] = lo; this.eHi[p] = hi; this.ePage[p] = this.mirror.pageMfn[id]; this.eIndex[p] = index;
    this.eFill[p] = i; this.eReported[p] = 0;
    this.perLevel[kind * 4 + level]++;
    this.counts.fills++;
  }

  private drop(p: number): void {
    this.map.delete(this.eKey[p]); this.eLive[p] = 0; this.counts.entriesInvalidated++;
    this.perLevel[this.eKind[p] * 4 + this.eLevel[p]]--;
  }

  /** Architectural walk (no caches) to `level` for `gfn`: sets tLo/tHi/tLevel (tLevel -1 = fault). */
  private truth(gfn: number, stopLevel: number): void {
    const m = this.mirror;
    this.tLevel = -1; this.tLo = 0; this.tHi = 0;
    let id = m.rootFor(gfn);
    if (id < 0) return;
    for (let level = m.rootLevel; level <= stopLevel; level++) {
      if (!m.read(id, Math.floor(gfn / entryOrderPow(level)) % 512)) return;
      const lo = m.rLo, hi = m.rHi;
      if ((lo & 1) === 0) return;
      this.tLevel = level; this.tLo = lo; this.tHi = hi;
      if (!isTableLo(lo, level) || level === stopLevel) return;
      id = m.pageId(baseOf(lo, hi));
      if (id < 0) { this.tLevel = -1; return; }
    }
  }

  // ---- invalidation ------------------------------------------------------------------------

  /** VMID-wide invalidation (TLBI VMALLS12E1IS): every cached entry goes. */
  flushAll(_i: number): void {
    this.counts.flushes++;
    if (this.map.size === 0) this.counts.flushesOfEmptyCache++;
    let stale = false;
    const classify = this.opts.classifyFlushes;
    for (const p of this.map.values()) {
      if (classify && !stale && this.isStale(p)) stale = true;
      this.eLive[p] = 0;
    }
    this.counts.entriesInvalidated += this.map.size;
    if (classify && !stale) this.counts.flushesWithoutStale++;
    this.map.clear();
    this.perLevel.fill(0);
    this.dirtyCount = 0;
    this.flushPending = false;
  }

  /**
   * TLBI IPAS2E1IS (or IPAS2LE1IS when lastLevelOnly) for one GFN: drops stage-2 leaf entries
   * covering it and, unless last-level-only, the walk-cache entries on its path. The sequence is
   * complete only after flushStage1() (TLBI VMALLE1IS) and a DSB.
   */
  flushIpa(i: number, gfn: number, lastLevelOnly: boolean): void {
    for (let l = 0; l <= 3; l++) {
      const pl = this.map.get(this.key(KIND_LEAF, l, gfn));
      if (pl !== undefined) this.drop(pl);
      if (!lastLevelOnly && l < 3) {
        const pw = this.map.get(this.key(KIND_WALK, l, gfn));
        if (pw !== undefined) this.drop(pw);
      }
    }
    if (this.ipaPending < 0) { this.ipaPending = i; this.ipaGfn = gfn; }
    this.ipaStage1 = false;
  }

  /** TLBI VMALLE1IS: combined stage-1+2 entries of the VMID (not modelled beyond the sequence). */
  flushStage1(_i: number): void { if (this.ipaPending >= 0) this.ipaStage1 = true; }

  /** DSB: completes a by-IPA sequence whose stage-1 invalidation was issued. */
  dsb(_i: number): void { if (this.ipaPending >= 0 && this.ipaStage1) { this.ipaPending = -1; this.ipaStage1 = false; } }

  // ---- stale checks ------------------------------------------------------------------------

  private isStale(p: number): boolean {
    const level = this.eLevel[p];
    this.truth(this.eGfn[p], level);
    if (this.tLevel !== level) return true;
    if (this.eKind[p] === KIND_WALK) return baseOf(this.tLo, this.tHi) !== baseOf(this.eLo[p], this.eHi[p]) || !isTableLo(this.tLo, level);
    return isTableLo(this.tLo, level) || translationDiffers(this.eLo[p], this.eHi[p], this.tLo, this.tHi);
  }

  /** Compare cached entries touched by stores since the last check with the tables. */
  checkNow(i: number): void {
    this.counts.staleChecks++;
    if (this.ipaPending >= 0) {
      const at = this.ipaPending;
      this.ipaPending = -1; this.ipaStage1 = false;
      this.report('incomplete-ipa-sequence', -1, i, at, this.ipaGfn);
    }
    if (this.dirtyCount === 0 || this.map.size === 0) { this.dirtyCount = 0; return; }
    let total = 0;
    for (let d = 0; d < this.dirtyCount; d++) total += this.dirtySpan[d];
    if (this.dirtyCount > 32) {
      // Many stores (a big range op): re-checking every cached entry is cheaper than overlap tests.
      for (const p of this.map.values()) this.checkEntry(p, i);
    } else if (total >= this.map.size) {
      for (const p of this.map.values()) if (this.overlapsDirty(p)) this.checkEntry(p, i);
    } else {
      for (let d = 0; d < this.dirtyCount; d++) this.checkRange(this.dirtyBase[d], this.dirtySpan[d], i);
    }
    this.dirtyCount = 0;
  }

  private overlapsDirty(p: number): boolean {
    const g = this.eGfn[p], n = entryOrderPow(this.eLevel[p]);
    for (let d = 0; d < this.dirtyCount; d++) {
      const b = this.dirtyBase[d];
      if (g < b + this.dirtySpan[d] && b < g + n) return true;
    }
    return false;
  }

  /** Entries overlapping [base, base+span): coarser levels by point lookup, finer by enumeration. */
  private checkRange(base: number, span: number, i: number): void {
    for (let l = 0; l <= 3; l++) {
      const step = entryOrderPow(l);
      for (let kind = 0; kind < 2; kind++) {
        if (this.perLevel[kind * 4 + l] === 0) continue;
        if (step >= span) {
          const p = this.map.get(this.key(kind, l, base));
          if (p !== undefined) this.checkEntry(p, i);
        } else if (span / step <= this.map.size) {
          for (let g = base; g < base + span; g += step) {
            const p = this.map.get(this.key(kind, l, g));
            if (p !== undefined) this.checkEntry(p, i);
          }
        } else {
          // Fewer cached entries than positions in the range: scan the cache instead.
          for (const p of this.map.values()) {
            if (this.eKind[p] === kind && this.eLevel[p] === l && this.eGfn[p] >= base && this.eGfn[p] < base + span) this.checkEntry(p, i);
          }
        }
      }
    }
  }

  private checkEntry(p: number, i: number): void {
    if (this.eReported[p] || !this.isStale(p)) return;
    this.eReported[p] = 1;
    this.report(this.eKind[p] === KIND_WALK ? 'stale-walk' : 'stale-leaf', p, i, this.eFill[p], this.eGfn[p]);
  }

  private report(kind: TlbHazardKind, p: number, i: number, from: number, gfn: number): void {
    this.counts.hazards++;
    let h: TlbHazard;
    if (p < 0) {
      h = {
        kind, vmid: this.vmid ?? -1, entry: { table: 0, index: 0, level: 3, gfn, gfnCount: 1 }, cached: 0n, current: 0n,
        events: [from, i],
        message: `by-IPA invalidation at event ${from} not completed by TLBI VMALLE1IS and DSB before the operation ended (${ARM_IPA_NOTE})`,
      };
    } else {
      const level = this.eLevel[p];
      this.truth(this.eGfn[p], level);
      const current = this.tLevel === level ? toBig(this.tLo, this.tHi) : 0n;
      h = {
        kind, vmid: this.vmid ?? -1,
        entry: { table: this.ePage[p], index: this.eIndex[p], level, gfn: this.eGfn[p], gfnCount: entryOrderPow(level) },
        cached: toBig(this.eLo[p], this.eHi[p]), current, events: [from, i],
        message: kind === 'stale-walk'
          ? `walk cache still points at a table the tables no longer link here, and no flush is pending`
          : `TLB holds a translation that differs from the tables after the operation, and no flush is pending`,
      };
    }
    if (this.hazards.length < this.opts.maxHazards) this.hazards.push(h);
    this.onHazard?.(h);
  }

  private markDirty(base: number, span: number): void {
    if (this.dirtyCount === this.dirtyBase.length) {
      const b = new Float64Array(this.dirtyCount * 2); b.set(this.dirtyBase); this.dirtyBase = b;
      const s = new Float64Array(this.dirtyCount * 2); s.set(this.dirtySpan); this.dirtySpan = s;
    }
    this.dirtyBase[this.dirtyCount] = base; this.dirtySpan[this.dirtyCount++] = span;
  }

  private speculate(i: number): void {
    const budget = this.opts.speculativeBudget;
    let n = 0;
    for (let r = 0; r < this.recentCount && n < budget; r++, n++) this.walk(this.recent[r], i);
    this.recentCount = 0;
    if (this.opts.speculative !== 'mapped') return;
    const m = this.mirror;
    // Round-robin over the mirror's slots: bounded work per gap, every mapping visited eventually.
    for (let scanned = 0; scanned < budget * 16 && n < budget; scanned++) {
      const h = this.sweep = (this.sweep + 1) % m.capacity;
      const g = m.liveLeafGfnAt(h);
      if (!Number.isNaN(g)) { this.walk(g, i); n++; }
    }
  }

  // ---- TlbEventSink ------------------------------------------------------------------------

  onOpBegin(i: number, _op: number, opKind: OpKind): void {
    this.curOpKind = opKind;
    this.accessGfn = -1;
    if (opKind === 'dsb') this.dsb(i);
  }

  onOpEnd(i: number, _op: number, _rc: number): void {
    // Low-level trace lines are pieces of a sequence (break, flush, make): judge at the end of
    // real operations, or at finish().
    if (LOW_LEVEL_OPS.has(this.curOpKind)) return;
    if (!this.flushPending) this.checkNow(i);
    // A lookup is a guest access; after a resolved fault the guest retries its access.
    if (this.accessGfn >= 0) { this.walk(this.accessGfn, i); this.accessGfn = -1; }
    if (this.opts.speculative !== 'off') this.speculate(i);
  }

  onFrameEnter(_i: number, frame: FrameName, _level: number, gfn: number): void {
    if ((frame === 'p2m_get_entry' && this.curOpKind === 'lookup') ||
      (frame === 'p2m_resolve_translation_fault' && this.curOpKind === 'resolve_fault')) this.accessGfn = gfn;
  }

  /** End of stream: final stale check (write traces may have no high-level operations). */
  finish(i: number): void { if (!this.flushPending) this.checkNow(i); }

  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, _live: boolean, _raw: boolean): void {
    const m = this.mirror;
    const id = m.ensurePage(table);
    if (id < 0) return;
    if (level < 0 || level > 3) level = m.pageLevel[id] >= 0 ? m.pageLevel[id] : 3;
    m.notePage(id, level);
    const live = m.isLive(id);
    const gfn = m.entryGfn(id, index, level);
    m.write(id, index, level, oldLo, oldHi, newLo, newHi);
    if (!live || Number.isNaN(gfn)) return;
    // Only a store over a hw-valid entry can make a cached entry stale: nothing is cached from an
    // invalid one (and whatever made it invalid was itself a store over a valid entry, judged then).
    if ((oldLo & 1) !== 0) this.markDirty(gfn, entryOrderPow(level));
    if ((newLo & 1) !== 0) {
      if (this.opts.speculative !== 'off') {
        if (this.recentCount === this.recent.length) { const b = new Float64Array(this.recentCount * 2); b.set(this.recent); this.recent = b; }
        this.recent[this.recentCount++] = gfn;
      }
      if (this.opts.walkAfterWrite) this.walk(gfn, i);
    }
  }

  onPteClean(_i: number, _t: number, _x: number): void { /* caches only: cleaning is the checker's concern */ }
  onTableClean(_i: number, _t: number): void { /* idem */ }

  onTlbFlush(i: number, vmid: number, _cause: FlushCause): void {
    if (this.vmid !== undefined && vmid !== this.vmid) return;
    this.flushAll(i);
    // A full VMID flush also completes any by-IPA sequence in progress (it covers everything).
    this.ipaPending = -1; this.ipaStage1 = false;
  }

  onNeedFlushSet(_i: number): void { this.flushPending = true; }

  onTableAlloc(_i: number, table: number, level: number, why: TableAllocWhy): void {
    this.mirror.alloc(table, level, why === 'root');
  }

  onTableZero(_i: number, table: number): void {
    const id = this.mirror.ensurePage(table);
    if (id < 0) return;
    // Zeroing a live page changes what walks see: mark its whole range dirty.
    if (this.mirror.isLive(id) && this.mirror.pageLevel[id] >= 0) {
      this.markDirty(this.mirror.gfnBase[id], entryOrderPow(this.mirror.pageLevel[id]) * 512);
    }
    this.mirror.zero(id);
  }

  onTableFree(_i: number, table: number): void { this.mirror.free(this.mirror.ensurePage(table)); }
}

const ARM_IPA_NOTE = 'combined stage-1+2 entries are not tagged by IPA, p2m-model.md §7';
