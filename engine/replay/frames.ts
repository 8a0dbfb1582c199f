// Simulated Xen call frames at a cursor position, derived from frameEnter/frameLeave events.
//
// The engine brackets its work in frameEnter/frameLeave (p2m_set_entry → __p2m_set_entry →
// p2m_split_superpage / p2m_free_entry …). The call stack at (op, k) is what is still open
// after the op's first k events. When nothing is open (the op's line itself), a synthetic
// bottom frame named after the operation stands in, so the Call Stack is never empty.

import type { FrameName, OpKind } from '../p2m/events';
import type { EventSource } from './backend';
import type { Timeline } from './timeline';
import type { Position } from './position';

export interface Frame {
  name: FrameName | string;
  level?: number;
  gfn?: number;
  /** Global index of the frameEnter event; -1 for the synthetic operation frame. */
  enterEvent: number;
}

const OP_FRAME: Partial<Record<OpKind, string>> = {
  set_entry: 'p2m_set_entry', set_at_order: '__p2m_set_entry', lookup: 'p2m_get_entry',
  invalidate_root: 'p2m_invalidate_root', resolve_fault: 'p2m_resolve_translation_fault',
  relinquish: 'relinquish_p2m_mapping', mem_access: 'p2m_set_mem_access',
};

export function opFrameName(kind: OpKind): string { return OP_FRAME[kind] ?? kind; }

/** Open frames at `pos`, bottom first. */
export function frameStack(tl: Timeline, events: EventSource, pos: Position): Frame[] {
  const stack: Frame[] = [];
  if (pos.op >= tl.opCount) return stack;
  const start = tl.opStart[pos.op];
  const end = start + Math.min(pos.event, tl.eventCountOf(pos.op));
  for (let e = start; e < end; e++) {
    const k = events.kindAt(e);
    if (k === 'frameEnter') {
      const ev = events.get(e);
      if (ev.kind === 'frameEnter') stack.push({ name: ev.frame, level: ev.level, gfn: ev.gfn, enterEvent: e });
    } else if (k === 'frameLeave') {
      stack.pop();
    }
  }
  if (stack.length === 0) stack.push({ name: opFrameName(tl.ops[pos.op].kind), enterEvent: -1 });
  return stack;
}

/** Global index of the frameLeave matching the frameEnter at `enterEvent`, or -1 inside the op. */
export function matchingLeave(tl: Timeline, events: EventSource, op: number, enterEvent: number): number {
  const end = tl.opStart[op + 1];
  let depth = 0;
  for (let e = enterEvent; e < end; e++) {
    const k = events.kindAt(e);
    if (k === 'frameEnter') depth++;
    else if (k === 'frameLeave' && --depth === 0) return e;
  }
  return -1;
}

/** frameEnter events still ahead in the current op (the step-in targets). */
export function framesAhead(tl: Timeline, events: EventSource, pos: Position, limit = 50): Frame[] {
  const out: Frame[] = [];
  if (pos.op >= tl.opCount) return out;
  const end = tl.opStart[pos.op + 1];
  for (let e = tl.opStart[pos.op] + pos.event; e < end && out.length < limit; e++) {
    if (events.kindAt(e) !== 'frameEnter') continue;
    const ev = events.get(e);
    if (ev.kind === 'frameEnter') out.push({ name: ev.frame, level: ev.level, gfn: ev.gfn, enterEvent: e });
  }
  return out;
}
