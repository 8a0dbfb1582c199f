// How Xen/Arm's p2m_set_entry splits a range into __p2m_set_entry chunks (p2m-model §5.2),
// and the reverse: grouping consecutive chunks back into one call. Used by the xentrace
// writer (a setEntry becomes one record per chunk, exactly as x86 Xen traces them) and by
// the reader's grouping option.

import { INVALID_MFN } from './records';

/** Upper bound on chunks produced for one call, so a silly `nr` cannot hang a writer. */
export const MAX_CHUNKS_PER_CALL = 1 << 22;

export interface Chunk { gfn: number; order: number; mfn: number }

/**
 * Chunks of p2m_set_entry(gfn, nr, mfn): the order is chosen from gfn | mfn | nr (mfn counts
 * as 0 when invalid), 4K only when mem_access is enabled. Returns undefined when the call
 * would need more than MAX_CHUNKS_PER_CALL chunks.
 */
export function chunkSetEntry(gfn: number, nr: number, mfn: number, memAccess: boolean): Chunk[] | undefined {
  const out: Chunk[] = [];
  while (nr > 0) {
    if (out.length >= MAX_CHUNKS_PER_CALL) return undefined;
    const m = mfn === INVALID_MFN ? 0 : mfn;
    // Numbers may exceed 2^32, so test alignment with modulo instead of bit operators.
    let order = 0;
    if (!memAccess) {
      if (m % 0x40000 === 0 && gfn % 0x40000 === 0 && nr % 0x40000 === 0) order = 18;
      else if (m % 0x200 === 0 && gfn % 0x200 === 0 && nr % 0x200 === 0) order = 9;
    }
    out.push({ gfn, order, mfn });
    const step = 2 ** order;
    gfn += step;
    if (mfn !== INVALID_MFN) mfn += step;
    nr -= step;
  }
  return out;
}
