// Function-breakpoint support: which simulated Xen functions exist, and where each is entered.
//
// Names are either frame names (frameEnter events: `p2m_split_superpage`, …) or operation
// kinds (`set_entry`, `write_pte`, …). The per-name event lists are built by one scan over
// the log the first time a name is asked for.

import type { FrameName, OpKind } from '../p2m/events';
import { tableOf } from './op-table';
import type { EventSource } from './backend';
import type { Timeline } from './timeline';

const FRAME_NAMES: readonly FrameName[] = [
  'p2m_set_entry', '__p2m_set_entry', 'p2m_next_level', 'p2m_create_table', 'p2m_split_superpage', 'p2m_free_entry',
  'p2m_get_entry', 'p2m_invalidate_root', 'p2m_invalidate_table', 'p2m_resolve_translation_fault',
  'relinquish_p2m_mapping', 'p2m_set_mem_access', 'apply_p2m_changes', 'apply_one_level', 'p2m_shatter_page',
];
const OP_KINDS: readonly OpKind[] = [
  'set_entry', 'set_at_order', 'lookup', 'invalidate_root', 'resolve_fault', 'relinquish', 'mem_access',
  'write_pte', 'tlb_flush', 'dsb', 'checkpoint', 'other',
];

export class FrameIndex {
  static readonly KNOWN: readonly string[] = [...FRAME_NAMES, ...OP_KINDS];
  private enters?: Map<string, number[]>;

  constructor(private readonly tl: Timeline, private readonly events: EventSource) {}

  knows(name: string): boolean { return FrameIndex.KNOWN.includes(name); }

  static opKindMatches(name: string, kind: OpKind): boolean { return name === kind; }

  opsOfKind(name: string): number[] {
    if (!(OP_KINDS as readonly string[]).includes(name)) return [];
    const out: number[] = [];
    const t = tableOf(this.tl.ops);
    for (let i = 0; i < this.tl.opCount; i++) if ((t ? t.kindOf(i) : this.tl.ops[i].kind) === name) out.push(i);
    return out;
  }

  entersOf(name: string): readonly number[] {
    if (!(FRAME_NAMES as readonly string[]).includes(name)) return [];
    if (!this.enters) {
      this.enters = new Map();
      for (let e = 0; e < this.events.length; e++) {
        if (this.events.kindAt(e) !== 'frameEnter') continue;
        const ev = this.events.get(e);
        if (ev.kind !== 'frameEnter') continue;
        const arr = this.enters.get(ev.frame);
        if (arr) arr.push(e); else this.enters.set(ev.frame, [e]);
      }
    }
    return this.enters.get(name) ?? [];
  }
}
