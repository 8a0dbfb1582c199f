// Reader option "group": rebuild p2m_set_entry calls from per-chunk set_p2m records.
// x86 Xen writes one TRC_MEM_SET_P2M_ENTRY per __p2m_set_entry chunk (trace-formats §2.1),
// so by default each record replays as one chunk in its own locked section. With grouping,
// consecutive chunks that could come from one call (same domain, type and access; each GFN
// range starts where the previous ended; MFNs contiguous or all invalid; no other record in
// between) become one setEntry. Two back-to-back calls over adjacent ranges are
// indistinguishable from one call in the trace and are merged too.

import { INVALID_MFN, SetAtOrderRecord } from './records';
import { RecordStore } from './record-store';

export function groupSetP2m(store: RecordStore): RecordStore {
  const out = new RecordStore(store.source);
  let run: { first: SetAtOrderRecord; nr: number; next: number; nextMfn: number } | undefined;
  const flush = (): void => {
    if (run === undefined) return;
    const r = run.first;
    out.push({ kind: 'setEntry', domain: r.domain, gfn: r.gfn, nr: run.nr, mfn: r.mfn, type: r.type, access: r.access, loc: r.loc });
    run = undefined;
  };
  for (let i = 0; i < store.length; i++) {
    const r = store.get(i);
    if (r.kind !== 'setAtOrder') {
      flush();
      out.push(r);
      continue;
    }
    const size = 2 ** r.order;
    if (run !== undefined) {
      const f = run.first;
      const same = f.domain === r.domain && f.type === r.type && f.access === r.access;
      const contiguous = r.gfn === run.next && (r.mfn === INVALID_MFN ? f.mfn === INVALID_MFN : f.mfn !== INVALID_MFN && r.mfn === run.nextMfn);
      if (same && contiguous) {
        run.nr += size; run.next += size;
        if (r.mfn !== INVALID_MFN) run.nextMfn += size;
        continue;
      }
      flush();
    }
    run = { first: r, nr: size, next: r.gfn + size, nextMfn: r.mfn === INVALID_MFN ? INVALID_MFN : r.mfn + size };
  }
  flush();
  return out;
}
