// The p2m state of one domain at a cursor position.
//
// The engine can only stop between operations, so a position inside an operation is the
// state before it plus an overlay rebuilt from the operation's first k events: PTE stores,
// stat deltas, mapped-range updates and need_flush changes. Walks read through the overlay,
// so stepping event by event shows each descriptor store as it happens.

import { decode, type DescriptorFields } from '../arch/descriptor';
import { levelIndex, levelOrder } from '../arch/geometry';
import { typeName } from '../arch/types';
import type { DomainView, EventSource, LookupResult, PoolInfo } from './backend';
import type { Timeline } from './timeline';
import type { Position } from './position';

export interface WalkStep {
  level: number;
  table: number;
  index: number;
  descriptor: bigint;
  fields: DescriptorFields;
  /** 'table' | 'block' | 'page' | 'invalid' */
  role: string;
}

export interface Overlay {
  writes: Map<number, bigint>;
  mappings: number[];
  shattered: number[];
  maxMappedGfn?: number;
  lowestMappedGfn?: number;
  needFlush?: boolean;
  events: number;
}

/** Overlay for the first `pos.event` events of `pos.op`, or undefined when empty / another domain. */
export function buildOverlay(tl: Timeline, events: EventSource, pos: Position, domain: number): Overlay | undefined {
  if (pos.event === 0 || pos.op >= tl.opCount || tl.ops[pos.op].domain !== domain) return undefined;
  const o: Overlay = { writes: new Map(), mappings: [0, 0, 0, 0], shattered: [0, 0, 0, 0], events: pos.event };
  const start = tl.opStart[pos.op];
  const end = start + Math.min(pos.event, tl.eventCountOf(pos.op));
  for (let e = start; e < end; e++) {
    const k = events.kindAt(e);
    if (k !== 'pteWrite' && k !== 'stat' && k !== 'mappedRange' && k !== 'needFlushSet' && k !== 'tlbFlush') continue;
    const ev = events.get(e);
    switch (ev.kind) {
      case 'pteWrite': o.writes.set(ev.table * 512 + ev.index, ev.new); break;
      case 'stat': (ev.field === 'mappings' ? o.mappings : o.shattered)[ev.level] += ev.delta; break;
      case 'mappedRange': o.maxMappedGfn = ev.maxMappedGfn; o.lowestMappedGfn = ev.lowestMappedGfn; break;
      case 'needFlushSet': o.needFlush = true; break;
      case 'tlbFlush': o.needFlush = false; break;
    }
  }
  return o;
}

// "Holds information": a software type (today's Xen) or, for the 2016 strategies whose table
// entries have type 0, the hardware valid bit.
const p2mValid = (d: bigint) => ((d >> 55n) & 0xfn) !== 0n || (d & 1n) !== 0n;

export class PositionState {
  constructor(readonly view: DomainView, readonly overlay: Overlay | undefined) {}

  get domain(): number { return this.view.domain; }

  readEntry(table: number, index: number): bigint {
    const w = this.overlay?.writes.get(table * 512 + index);
    return w !== undefined ? w : this.view.readEntry(table, index);
  }

  /** The walk Xen's get_entry would take for `gfn`: one step per level until a leaf or a hole. */
  walk(gfn: number): WalkStep[] {
    const out: WalkStep[] = [];
    const k = this.view.rootPageFor(gfn);
    if (k < 0 || k >= this.view.rootMfns.length) return out;
    let table = this.view.rootMfns[k];
    for (let level = this.view.rootLevel; level <= 3; level++) {
      const index = levelIndex(level, gfn);
      const d = this.readEntry(table, index);
      const f = decode(d);
      const isTable = level < 3 && p2mValid(d) && f.table;
      const role = !p2mValid(d) ? 'invalid' : isTable ? 'table' : level === 3 ? 'page' : 'block';
      out.push({ level, table, index, descriptor: d, fields: f, role });
      if (!isTable) break;
      table = f.base;
    }
    return out;
  }

  lookup(gfn: number): LookupResult {
    if (!this.overlay || this.overlay.writes.size === 0) return this.view.lookup(gfn);
    // Mid-operation: derive from the overlaid walk (Xen's max_mapped_gfn short cut does not apply to a half-done update).
    const w = this.walk(gfn);
    const last = w[w.length - 1];
    if (!last || last.role === 'invalid' || last.role === 'table') {
      return { mfn: -1, type: 'invalid', access: 'rwx', order: last ? levelOrder(last.level) : 0, valid: false };
    }
    const order = levelOrder(last.level);
    return { mfn: last.fields.base + (gfn % 2 ** order), type: typeName(last.fields.type), access: 'rwx', order, valid: last.fields.valid };
  }

  stats(): { mappings: number[]; shattered: number[] } {
    const s = this.view.stats();
    if (!this.overlay) return s;
    return { mappings: s.mappings.map((v, i) => v + this.overlay!.mappings[i]), shattered: s.shattered.map((v, i) => v + this.overlay!.shattered[i]) };
  }
  trueCounts(): number[] { return this.view.trueCounts(); }
  maxMappedGfn(): number { return this.overlay?.maxMappedGfn ?? this.view.maxMappedGfn(); }
  lowestMappedGfn(): number { return this.overlay?.lowestMappedGfn ?? this.view.lowestMappedGfn(); }
  needFlush(): boolean { return this.overlay?.needFlush ?? this.view.needFlush(); }
  pool(): PoolInfo { return this.view.pool(); }

  /** The 512 descriptors of a table page (through the overlay), for readMemory and the Variables view. */
  tableBytes(table: number): Uint8Array {
    const bytes = new Uint8Array(4096);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < 512; i++) dv.setBigUint64(i * 8, this.readEntry(table, i), true);
    return bytes;
  }
}
