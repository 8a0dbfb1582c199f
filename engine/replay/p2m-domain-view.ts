// Read-only DomainView over one domain's P2m: what the tree, regions view and lookups ask of an
// engine. Shared by the full replay machine and the UI's index-only session, which both keep a
// live P2m per domain; no op is recorded by any of these queries.

import { rootPageFor } from '../arch/geometry';
import { accessName, typeName } from '../arch/types';
import type { P2m } from '../p2m/p2m';
import type { DomainView } from './backend';

export class P2mDomainView implements DomainView {
  constructor(protected readonly p: P2m) {}
  get domain() { return this.p.config.domid; }
  get vmid() { return this.p.config.vmid; }
  get rootLevel() { return this.p.geometry.rootLevel; }
  get rootMfns() { return this.p.rootTables(); }
  rootPageFor(gfn: number): number { return rootPageFor(this.p.geometry, gfn); }
  readEntry(table: number, index: number): bigint {
    const c = this.p.core;
    const id = c.pageId(table);
    if (id < 0 || !c.store.has(id)) return 0n;
    c.store.read(id, index);
    return (BigInt(c.store.hi >>> 0) << 32n) | BigInt(c.store.lo >>> 0);
  }
  isTablePage(mfn: number): boolean { const id = this.p.core.pageId(mfn); return id >= 0 && this.p.core.store.has(id); }
  lookup(gfn: number) {
    const r = this.p.lookup(gfn);
    return { mfn: r.mfn, type: typeName(r.type), access: accessName(r.access), order: r.order, valid: r.valid };
  }
  regions(fromGfn: number, toGfn: number, limit: number) {
    return this.p.regions(fromGfn, toGfn).slice(0, limit).map(r => ({ gfn: r.gfn, count: r.count, mfn: r.mfn, type: typeName(r.type), access: accessName(r.access), level: r.level }));
  }
  stats() { const s = this.p.stats(); return { mappings: s.mappings, shattered: s.shattered }; }
  trueCounts() { return this.p.stats().leafCounts; }
  maxMappedGfn() { return this.p.maxMappedGfn; }
  lowestMappedGfn() { return this.p.lowestMappedGfn; }
  needFlush() { return this.p.core.needFlush; }
  pool() {
    const c = this.p.core;
    const pp = this.p.config.poolPages;
    return { free: c.pool.free, used: c.tablesAllocated - c.tablesFreed, total: this.p.config.isHardwareDomain ? 'unlimited' as const : pp };
  }
  dumpInfo() { return this.p.dumpInfo(); }
}

/**
 * The view of an engine moved along the event log (log-mover.ts). Moving back over the op that
 * first allocated a pool page cannot delete the page object (the store has no delete), so a
 * page "exists" only if the pool had minted it by the current op, as in a fresh engine (the
 * end-of-load verification rejects traces where a page exists without being minted).
 */
export class MovedDomainView extends P2mDomainView {
  override isTablePage(mfn: number): boolean {
    const c = this.p.core;
    const id = c.pageId(mfn);
    if (id < 0 || !c.store.has(id)) return false;
    return id < c.geo.rootPages || id - c.geo.rootPages < c.pool.mintedCount;
  }
}
