// Adapts the replay machine's per-domain query view (engine/replay/backend.ts DomainView) to
// the tree model's TableSource. One adapter per request: it memoises page reads, because a
// tree expansion reads each child page once for its label and once more when expanded.

import type { DomainView } from '../../engine/replay/backend';
import type { TableSource } from '../views/tree-model';

export function tableSourceOf(view: DomainView, ipaBits: number): TableSource {
  const cache = new Map<number, Array<{ index: number; desc: bigint }>>();
  return {
    domain: view.domain,
    vmid: view.vmid,
    ipaBits,
    rootLevel: view.rootLevel,
    rootMfns: view.rootMfns,
    entries(mfn: number) {
      let e = cache.get(mfn);
      if (e) return e;
      e = [];
      // Pages that are not (or no longer) table pages read as empty: never walk freed memory.
      if (view.isTablePage(mfn)) {
        for (let i = 0; i < 512; i++) {
          const desc = view.readEntry(mfn, i);
          if (desc !== 0n) e.push({ index: i, desc });
        }
      }
      cache.set(mfn, e);
      return e;
    },
  };
}

/** IPA bits implied by the root geometry when the engine does not say (§2.2 rows). */
export function ipaBitsOf(view: DomainView): number {
  const span = (3 - view.rootLevel) * 9 + 9 + 12;
  return Math.min(48, span + Math.ceil(Math.log2(Math.max(1, view.rootMfns.length))));
}
