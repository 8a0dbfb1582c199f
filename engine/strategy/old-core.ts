// The p2m core for the 2016 strategies (`legacy`, `xen-4.8`). Same table store, pool, `pages`
// list, stats, lock and event log as upstream; only the bookkeeping behind writePte differs,
// because in 2016 "p2m-valid" was bit 0 and table entries had type 0 (p2m-model.md §10): the
// upstream core follows only typed tables, so liveness and true leaf counts would be lost.
import { baseOf, reservedBitsSetHi } from '../arch/descriptor';
import { levelSize, modPow2 } from '../arch/geometry';
import { LEVEL_NAMES, P2mCore } from '../p2m/core';
import { LIVE_BIT, levelOfInfo, M_INFO, M_LEAVES } from '../p2m/table-store';
import type { P2mConfig } from '../p2m/config';
import { oldIsLeaf, oldIsTable } from './old-encoding';

export class OldCore extends P2mCore {
  /** Types already reported as approximated by the 2016 enumeration (one diagnostic each). */
  readonly reportedTypes = new Set<number>();

  /** Legacy: tables unlinked by the refcount reclaim during the current op (drift source). */
  unlinkedTables = 0;

  constructor(config: Partial<P2mConfig>) {
    super(config);
  }

  /**
   * Legacy reclaim decrements the parent level's counter for every emptied table it unlinks,
   * although tables were never counted (§6.1). The upstream drift check cannot name that rule,
   * so it is reported here, with its reason, and the baseline moved so it is not reported twice.
   */
  override endOp(rc: number): void {
    if (this.unlinkedTables > 0) {
      const parts: string[] = [];
      for (let l = 1; l < 4; l++) {
        const d = this.mappings[l] - this.trueLeaves[l];
        if (d !== this.lastDrift[l]) parts.push(`${LEVEL_NAMES[l]} Xen ${this.mappings[l]} vs true ${this.trueLeaves[l]}`);
        this.lastDrift[l] = d;
      }
      if (parts.length > 0) {
        this.diag('sim-stats-drift', 'info', `stats drift (${parts.join('; ')}): legacy reclaim unlinked ${this.unlinkedTables} emptied table page(s) and decremented the parent level's counter each time (tables are never counted) — faithful to the 2016 code`, this.gfn);
      }
      this.unlinkedTables = 0;
    }
    super.endOp(rc);
  }

  /**
   * A reused pool page keeps its stale entries (Xen frees without zeroing): its leaf count is
   * recounted with the 2016 predicate (a stale type-0 table entry read at L3 is a valid page),
   * or later stores over those entries would skew the true counts.
   */
  override leafCount(id: number, level: number): number {
    let n = 0;
    this.store.forEachUnordered(id, (_i, lo) => { if (oldIsLeaf(lo, level)) n++; });
    return n;
  }

  /**
   * storeEntry with the 2016 validity rules (writePte, and the replay's log mover, go through
   * it): same leaf/liveness/true-count bookkeeping, 2016 leaf and table predicates.
   */
  override storeEntry(id: number, idx: number, lo: number, hi: number): boolean {
    const store = this.store;
    const b = store.write(id, idx, lo, hi), m = store.meta;
    const oLo = store.lo, oHi = store.hi;
    const info = m[b + M_INFO], level = levelOfInfo(info);
    const oldLeaf = oldIsLeaf(oLo, level), newLeaf = oldIsLeaf(lo, level);
    if (oldLeaf !== newLeaf) m[b + M_LEAVES] += newLeaf ? 1 : -1;
    const live = (info & LIVE_BIT) !== 0;
    if (live) {
      if (oldLeaf) this.trueLeaves[level]--;
      if (newLeaf) this.trueLeaves[level]++;
      const oldTable = oldIsTable(oLo, level), newTable = oldIsTable(lo, level);
      if (oldTable || newTable) {
        const same = oldTable && newTable && baseOf(oLo, oHi) === baseOf(lo, hi);
        if (!same) {
          if (oldTable) markLiveOld(this, baseOf(oLo, oHi), false, 0);
          if (newTable) markLiveOld(this, baseOf(lo, hi), true, store.base[b >>> 2] + idx * levelSize(level));
        }
      }
    }
    this.prevLo = oLo; this.prevHi = oHi; this.prevLevel = level;
    return live;
  }

  /** §8 rows 18 and 20 (row 19's "hw-valid with type 0" is normal here: 2016 tables). */
  protected override checkWritten(lo: number, hi: number, level: number): void {
    if (reservedBitsSetHi(hi)) this.diag('sim-reserved-bits', 'error', `reserved/contig bits set in a descriptor written at L${level}`, this.gfn);
    if (level < 3 && (lo & 3) === 1 && modPow2(baseOf(lo, hi), levelSize(level)) !== 0) {
      this.diag('sim-misaligned-leaf', 'warning', `L${level} block base MFN 0x${baseOf(lo, hi).toString(16)} is not aligned to its size`, this.gfn);
    }
  }
}

/**
 * Marks the subtree under table `mfn` (un)reachable with the 2016 table predicate (type-0
 * tables), moving its leaves in or out of the true counts and recording where a newly
 * reachable page maps.
 */
function markLiveOld(c: P2mCore, mfn: number, live: boolean, baseGfn: number): void {
  const id = c.pageId(mfn);
  if (id < 0) return;
  const p = c.store.writable(id);
  if (p.live === live) return;
  p.live = live;
  if (live) p.baseGfn = baseGfn;
  c.trueLeaves[p.level] += live ? p.leaves : -p.leaves;
  if (p.level === 3 || p.count === p.leaves) return;
  const children: number[] = [];
  const level = p.level, size = levelSize(level);
  c.store.forEach(id, (i, lo, hi) => { if (oldIsTable(lo, level)) children.push(baseOf(lo, hi), baseGfn + i * size); });
  for (let k = 0; k < children.length; k += 2) markLiveOld(c, children[k], live, children[k + 1]);
}
