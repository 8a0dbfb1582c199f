// Hand-built event sequences for the TLB/BBM tests, so they do not depend on the engine.
// The builder keeps its own tiny model of table contents to fill in `old` and `live` the way
// the engine would (live = reachable from a root through p2m-valid table entries).
import { leaf, tableEntry } from '../../../engine/arch/descriptor';
import type { FlushCause, OpKind, P2mEvent } from '../../../engine/p2m/events';

export const RAM_RW = 1;
export const RAM_RO = 2;
export const MMIO_DEV = 3;
export const RWX = 7;
export const R = 1;

/** ram_rw leaf (L3 page or L1/L2 block). */
export function page(mfn: number, level = 3, type = RAM_RW, access = RWX): bigint { return leaf(mfn, type, access, level); }
export function table(mfn: number): bigint { return tableEntry(mfn); }
/** 2016-style table entry: type 0, perms of type invalid (write 0, xn 1). */
export function legacyTable(mfn: number): bigint { return 0x004000000000077Fn | (BigInt(mfn) << 12n); }

function linkLike(v: bigint): boolean { return (v & 2n) !== 0n && ((v & 1n) !== 0n || ((v >> 55n) & 0xfn) !== 0n); }

export class EventBuilder {
  readonly events: P2mEvent[] = [];
  private op = 0;
  private pages = new Map<number, Map<number, bigint>>();
  private roots: number[] = [];

  get length(): number { return this.events.length; }
  private emit(e: P2mEvent): number { this.events.push(e); return this.events.length - 1; }

  read(t: number, i: number): bigint { return this.pages.get(t)?.get(i) ?? 0n; }

  /** Pages reachable from a root; recomputed only after a store that may link or unlink. */
  private live: Set<number> | null = null;

  /** Reachable from a root through entries with the table bit, at levels < 3. */
  isLive(t: number): boolean {
    if (!this.live) {
      const live = this.live = new Set<number>();
      const visit = (p: number, level: number): void => {
        if (live.has(p)) return;
        live.add(p);
        if (level >= 3) return;
        for (const v of this.pages.get(p)?.values() ?? []) {
          if (linkLike(v)) {
            const child = Number((v >> 12n) & 0xf_ffff_ffffn);
            if (this.pages.has(child)) visit(child, level + 1);
          }
        }
      };
      for (const r of this.roots) visit(r, this.rootLevels.get(r) ?? 1);
    }
    return this.live.has(t);
  }
  private rootLevels = new Map<number, number>();

  begin(kind: OpKind = 'set_entry'): number { return this.emit({ kind: 'opBegin', op: ++this.op, opKind: kind, domain: 1 }); }
  end(rc = 0): number { return this.emit({ kind: 'opEnd', op: this.op, rc }); }
  root(mfn: number, level = 1): number {
    this.roots.push(mfn); this.pages.set(mfn, new Map()); this.rootLevels.set(mfn, level); this.live = null;
    return this.emit({ kind: 'tableAlloc', table: mfn, level, why: 'root' });
  }
  alloc(mfn: number, level: number, why: 'table' | 'split' = 'table'): number {
    if (!this.pages.has(mfn)) this.pages.set(mfn, new Map());
    return this.emit({ kind: 'tableAlloc', table: mfn, level, why });
  }
  zero(mfn: number): number { this.pages.set(mfn, new Map()); this.live = null; return this.emit({ kind: 'tableZero', table: mfn }); }
  cleanPage(mfn: number): number { return this.emit({ kind: 'tableClean', table: mfn }); }
  clean(mfn: number, index: number): number { return this.emit({ kind: 'pteClean', table: mfn, index }); }
  free(mfn: number): number { return this.emit({ kind: 'tableFree', table: mfn }); }
  flush(cause: FlushCause = 'explicit', vmid = 1): number { return this.emit({ kind: 'tlbFlush', vmid, cause }); }
  needFlush(): number { return this.emit({ kind: 'needFlushSet' }); }

  /** A store; `old` and `live` are computed from the builder's state unless given. */
  write(t: number, index: number, level: number, value: bigint, opts: { raw?: boolean; live?: boolean; old?: bigint } = {}): number {
    const old = opts.old ?? this.read(t, index);
    const live = opts.live ?? this.isLive(t);
    if (!this.pages.has(t)) this.pages.set(t, new Map());
    this.pages.get(t)!.set(index, value);
    if (level < 3 && (linkLike(old) || linkLike(value))) this.live = null;
    return this.emit({ kind: 'pteWrite', table: t, index, level, old, new: value, live, raw: opts.raw ?? false });
  }

  /** Fill a fresh page with the 512 pieces of a block (split fill: raw stores). */
  fillFromBlock(t: number, childLevel: number, blockMfn: number, type = RAM_RW, access = RWX): void {
    const step = 2 ** ((3 - childLevel) * 9);
    for (let i = 0; i < 512; i++) this.write(t, i, childLevel, page(blockMfn + i * step, childLevel, type, access), { raw: true });
  }
}
