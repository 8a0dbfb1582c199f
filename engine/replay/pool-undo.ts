// Undoing the pool's FIFO operations for a backward move along the event log. The engine's
// Pool (engine/p2m/pool.ts, not ours to change) exposes alloc/release and a whole-state
// save/load, but not the inverse of one step; load() per step would copy the whole freelist.
// Its state is exactly the public PoolState shape (ring, head, size, minted, reserve), so we
// read and write those fields through that shape. If the Pool's representation changes, the
// log mover's end-of-load verification (log-mover.ts) fails and seeking falls back to
// snapshot + re-execution: a wrong pool cannot reach a view.
// TODO(lead): an `unalloc`/`unrelease` pair on Pool would remove this.

import type { Pool, PoolState } from '../p2m/pool';
import { FROM_HEAP, FROM_RESERVE, FROM_RING } from './log-journal';

type PoolFields = PoolState;

function fields(p: Pool): PoolFields { return p as unknown as PoolFields; }

/** Where the next alloc() would take its page from. */
export function allocSource(p: Pool): number {
  const f = fields(p);
  return f.reserve > 0 ? FROM_RESERVE : f.size === 0 ? FROM_HEAP : FROM_RING;
}

/** Inverse of an alloc() that returned `id` from `from`. */
export function unalloc(p: Pool, id: number, from: number): void {
  const f = fields(p);
  if (from === FROM_RING) {
    f.head = (f.head - 1 + f.ring.length) % f.ring.length;
    f.ring[f.head] = id;
    f.size++;
  } else {
    f.minted--;
    if (from === FROM_RESERVE) f.reserve++;
  }
}

/** Inverse of release(): the page released last is the ring's tail. */
export function unrelease(p: Pool): void { fields(p).size--; }

/** Pool pages handed out by minting so far (page ids below firstId + minted exist in the store). */
export function mintedOf(p: Pool): number { return fields(p).minted; }

/** Sanity check of the assumed shape (the verification also compares save() results). */
export function poolShapeOk(p: Pool): boolean {
  const f = fields(p);
  return f.ring instanceof Int32Array && typeof f.head === 'number' && typeof f.size === 'number'
    && typeof f.minted === 'number' && typeof f.reserve === 'number';
}
