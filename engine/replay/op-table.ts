// The replay machine's operations as columns over the reader's RecordStore, not objects.
//
// A 1M-line trace used to cost ~380 B per operation here (a TraceRecord with its loc object,
// plus a MachineOp wrapper caching args and label once looked at), and a 10M-op trace did not
// fit the session worker's heap. The table keeps, per op, its kind code and the index of its
// record in a RecordStore: set_entry / __p2m_set_entry records stay typed columns; only the
// rare kinds (lookups, checkpoints, write traces…) are objects. A plain record array (tests,
// benchmarks, the debugger) is first packed into a RecordStore the same way.
// Each op is still offered as a MachineOp (a two-field object whose getters read the columns),
// so the replay core's `ops[i]` keeps working; hot loops use the column accessors instead.

import { INVALID_MFN } from '../arch/types';
import type { OpKind } from '../p2m/events';
import { K_OBJECT, K_OTHER_MEM, K_OPAQUE, K_SET_AT_ORDER, K_SET_ENTRY, RecordStore } from '../trace/record-store';
import type { TraceLoc, TraceRecord } from '../trace/records';
import type { MachineOp, OpArgValue } from './backend';

/** Either a reader's store (shared, not copied) or records in memory. */
export type RecordInput = readonly TraceRecord[] | RecordStore;

/** The op kinds records become, in code order (op columns here and in index-only sessions). */
export const OP_KIND_NAMES = [
  'set_entry', 'set_at_order', 'lookup', 'checkpoint', 'mem_access', 'invalidate_root', 'resolve_fault',
  'relinquish', 'other', 'write_pte', 'tlb_flush', 'dsb',
] as const satisfies readonly OpKind[];
const OP_KIND_CODE = new Map<OpKind, number>(OP_KIND_NAMES.map((k, i) => [k, i]));

/** The code of a record's op kind (index into OP_KIND_NAMES), or -1 for records that do not replay. */
export function opKindCodeOf(r: TraceRecord): number {
  const k = opKindOf(r);
  return k === undefined ? -1 : OP_KIND_CODE.get(k)!;
}

/** Op kind of a record that replays, or undefined (config, domain, opaque, other-memory…). */
export function opKindOf(r: TraceRecord): OpKind | undefined {
  switch (r.kind) {
    case 'setEntry': return 'set_entry';
    case 'setAtOrder': return 'set_at_order';
    case 'lookup': return 'lookup';
    case 'expect': case 'checkpointDumpInfo': case 'checkpointLookup': return 'checkpoint';
    case 'memAccess': return 'mem_access';
    case 'invalidateRoot': return 'invalidate_root';
    case 'resolveFault': return 'resolve_fault';
    case 'relinquish': return 'relinquish';
    case 'lostRecords': return 'other';
    case 'writePte': return 'write_pte';
    case 'tlbFlush': return 'tlb_flush';
    case 'dsb': return 'dsb';
    default: return undefined;
  }
}

/** Packs in-memory records into a store: canonical set_entry records as columns, the rest as objects. */
export function packRecords(records: readonly TraceRecord[]): RecordStore {
  const source = records.find(r => r.loc !== undefined)?.loc.source ?? '';
  const s = new RecordStore(source, Math.max(16, records.length));
  for (const r of records) s.pushCompact(r);
  return s;
}

const hex = (n: number) => (n < 0 ? 'invalid' : '0x' + n.toString(16));

/** Ops per block of the compact record-index form (see OpTable.recordIndex). */
const BLOCK_BITS = 8;

export class OpTable {
  readonly store: RecordStore;
  /**
   * Store index of op `i`'s record, as `i + skip(i)` where skip(i), the number of records
   * before it that are not ops, never decreases. Kept in the most compact form that fits,
   * instead of a Uint32 per op (3.8 MB per 1M ops, kept for the session's life):
   *   - `skipBase` alone when skip is constant (every record after a few leading config /
   *     domain lines is an op: the usual large trace);
   *   - `skipBase` + per-256-op block `blockSkip` + a Uint8/Uint16 `delta` per op when the
   *     skips inside a block stay small (interleaved begin/end, opaque or other-memory records);
   *   - `rec`, the plain Uint32 index per op, otherwise.
   */
  private readonly rec: Uint32Array | null = null;
  private readonly skipBase: number = 0;
  private readonly blockSkip: Uint32Array | null = null;
  private readonly delta: Uint8Array | Uint16Array | null = null;
  /** Index into OP_KIND_NAMES. */
  private readonly code: Uint8Array;
  readonly length: number;
  /** The ops as a read-only array whose elements are made on access (see `lazyOps`). */
  readonly ops: readonly MachineOp[];

  /**
   * `onRecord` sees every record that does not become an op (config, domain…) and `onOp` the
   * domain of every op, both in record order.
   */
  constructor(input: RecordInput, onRecord: (r: TraceRecord) => void, onOp: (domain: number) => void) {
    const store = input instanceof RecordStore ? input : packRecords(input);
    this.store = store;
    // Built full size, then compacted (a transient 4 B per record, dropped before the replay).
    const rec = new Uint32Array(store.length);
    const code = new Uint8Array(store.length);
    let n = 0;
    for (let i = 0; i < store.length; i++) {
      const k = store.kind[i];
      if (k === K_SET_ENTRY || k === K_SET_AT_ORDER) {
        rec[n] = i; code[n++] = k === K_SET_ENTRY ? 0 : 1;
        onOp(store.domain[i]);
        continue;
      }
      if (k === K_OPAQUE || k === K_OTHER_MEM) continue;
      const r = store.get(i);
      const kind = opKindOf(r);
      if (kind === undefined) { onRecord(r); continue; }
      rec[n] = i; code[n++] = OP_KIND_CODE.get(kind)!;
      onOp((r as { domain: number }).domain);
    }
    this.length = n;
    this.code = n === code.length ? code : code.slice(0, n);
    const c = compactIndex(rec, n);
    this.skipBase = c.base;
    this.blockSkip = c.blockSkip;
    this.delta = c.delta;
    this.rec = c.rec;
    this.ops = lazyOps(this);
  }

  /** Bytes the record index takes (0 for the constant form), for memory reports and tests. */
  get indexBytes(): number {
    return (this.rec?.byteLength ?? 0) + (this.blockSkip?.byteLength ?? 0) + (this.delta?.byteLength ?? 0);
  }

  /** Store index of op `i`'s record. */
  recordIndex(i: number): number {
    const r = this.rec;
    if (r !== null) return r[i];
    const d = this.delta;
    return d === null ? i + this.skipBase : i + this.skipBase + this.blockSkip![i >>> BLOCK_BITS] + d[i];
  }
  /** Store kind code (K_SET_ENTRY, K_SET_AT_ORDER or K_OBJECT) of op `i`'s record. */
  storeKind(i: number): number { return this.store.kind[this.recordIndex(i)]; }
  kindOf(i: number): OpKind { return OP_KIND_NAMES[this.code[i]]; }
  domainOf(i: number): number {
    const j = this.recordIndex(i);
    return this.store.kind[j] === K_OBJECT ? (this.store.get(j) as { domain: number }).domain : this.store.domain[j];
  }
  /** 1-based source line of op `i`'s record (0 for binary records). */
  lineOf(i: number): number {
    const j = this.recordIndex(i);
    const k = this.store.kind[j];
    return k === K_SET_ENTRY ? this.store.lineAt(j) : k === K_SET_AT_ORDER ? 0 : this.store.get(j).loc.line;
  }
  sourceOf(i: number): string {
    const j = this.recordIndex(i);
    return this.store.kind[j] === K_OBJECT ? this.store.get(j).loc.source : this.store.source;
  }
  /** The record as an object (built from the columns for set_entry / __p2m_set_entry). */
  record(i: number): TraceRecord { return this.store.get(this.recordIndex(i)); }
  loc(i: number): TraceLoc {
    const j = this.recordIndex(i);
    if (this.store.kind[j] === K_SET_ENTRY) return { source: this.store.source, line: this.store.lineAt(j), column: 1, byteOffset: this.store.offsetAt(j) };
    return this.store.get(j).loc;
  }

  /** Inclusive GFN range op `i` addresses (gfn + nr or order), without building its record. */
  gfnRange(i: number): [number, number] | undefined {
    const j = this.recordIndex(i);
    const s = this.store;
    const k = s.kind[j];
    if (k === K_SET_ENTRY) return [s.gfn[j], s.gfn[j] + Math.max(1, s.nr![j]) - 1];
    if (k === K_SET_AT_ORDER) return [s.gfn[j], s.gfn[j] + 2 ** s.order[j] - 1];
    const a = opArgs(s.get(j));
    const g = a.gfn;
    if (typeof g !== 'number') return undefined;
    const count = typeof a.nr === 'number' ? a.nr : typeof a.order === 'number' ? 2 ** a.order : 1;
    return [g, g + Math.max(1, count) - 1];
  }
}

interface CompactIndex {
  base: number; blockSkip: Uint32Array | null; delta: Uint8Array | Uint16Array | null; rec: Uint32Array | null;
}

/**
 * The smallest of OpTable's three record-index forms for `rec[0..n)` (strictly increasing
 * store indices). Exported for tests.
 */
export function compactIndex(rec: Uint32Array, n: number): CompactIndex {
  const base = n > 0 ? rec[0] : 0;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = rec[i] - i === base;
  if (constant) return { base, blockSkip: null, delta: null, rec: null };
  const blocks = (n + (1 << BLOCK_BITS) - 1) >>> BLOCK_BITS;
  const blockSkip = new Uint32Array(blocks);
  let maxDelta = 0;
  for (let b = 0; b < blocks; b++) {
    const first = b << BLOCK_BITS;
    const s0 = rec[first] - first - base;
    blockSkip[b] = s0;
    // skip only grows, so the block's last op has its largest delta.
    const last = Math.min(n, first + (1 << BLOCK_BITS)) - 1;
    maxDelta = Math.max(maxDelta, rec[last] - last - base - s0);
  }
  if (maxDelta > 0xffff) return { base: 0, blockSkip: null, delta: null, rec: rec.slice(0, n) };
  const delta = maxDelta <= 0xff ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) delta[i] = rec[i] - i - base - blockSkip[i >>> BLOCK_BITS];
  return { base, blockSkip, delta, rec: null };
}

/** Array index named by property key `p`, or -1. */
function indexKey(p: string | symbol): number {
  if (typeof p !== 'string') return -1;
  const c = p.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return -1;
  const i = Number(p);
  return Number.isInteger(i) && i >= 0 && (i === 0 || c !== 0x30) ? i : -1;
}

/**
 * A read-only array of the table's ops that makes each op object when it is read: a 10M-op
 * trace would otherwise hold 10M op objects (~40 B each, and as many for every full GC to
 * mark). `ops[i]`, `length`, iteration and the Array methods all work (the target is a real,
 * empty array of the right length); an op read twice is two equal objects, not the same one.
 * Hot loops use the table's column accessors instead (`tableOf`).
 */
function lazyOps(t: OpTable): readonly MachineOp[] {
  const target: MachineOp[] = [];
  target.length = t.length;
  return new Proxy(target, {
    get(tg, p, recv) {
      const i = indexKey(p);
      if (i >= 0) return i < t.length ? new TableOp(t, i) : undefined;
      return p === OP_TABLE ? t : Reflect.get(tg, p, recv);
    },
    has(tg, p) {
      const i = indexKey(p);
      return i >= 0 ? i < t.length : Reflect.has(tg, p);
    },
    getOwnPropertyDescriptor(tg, p) {
      const i = indexKey(p);
      if (i >= 0 && i < t.length) return { value: new TableOp(t, i), writable: false, enumerable: true, configurable: true };
      return Reflect.getOwnPropertyDescriptor(tg, p);
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

const OP_TABLE = Symbol('opTable');

/** One operation of an OpTable: everything is read from the columns on demand (nothing cached). */
class TableOp implements MachineOp {
  constructor(readonly table: OpTable, readonly index: number) {}
  get kind(): OpKind { return this.table.kindOf(this.index); }
  get domain(): number { return this.table.domainOf(this.index); }
  get loc(): TraceLoc { return this.table.loc(this.index); }
  get args(): Readonly<Record<string, OpArgValue>> { return opArgs(this.table.record(this.index)); }
  get label(): string { return opLabel(this.table.record(this.index)); }
}

/** The OpTable behind `ops` when the ops are an OpTable's (fast column paths), else undefined. */
export function tableOf(ops: readonly MachineOp[]): OpTable | undefined {
  const t = (ops as unknown as { [OP_TABLE]?: OpTable })[OP_TABLE];
  return t instanceof OpTable ? t : undefined;
}

/** `op`'s GFN range read from the columns, or null when `op` is not an OpTable's op. */
export function columnGfnRange(op: MachineOp): [number, number] | undefined | null {
  return op instanceof TableOp ? op.table.gfnRange(op.index) : null;
}

export function opArgs(r: TraceRecord): Record<string, OpArgValue> {
  const mfn = (m: number): OpArgValue => (m === INVALID_MFN ? 'invalid' : m);
  switch (r.kind) {
    case 'setEntry': return { gfn: r.gfn, nr: r.nr, mfn: mfn(r.mfn), type: r.type, access: r.access };
    case 'setAtOrder': return { gfn: r.gfn, order: r.order, nr: 2 ** r.order, mfn: mfn(r.mfn), type: r.type, access: r.access };
    case 'lookup': case 'resolveFault': return { gfn: r.gfn };
    case 'expect': return { gfn: r.gfn, record: 'expect' };
    case 'memAccess': return { gfn: r.gfn ?? 0, nr: r.nr ?? 0, access: r.access ?? 'rwx', enable: r.enable };
    case 'checkpointDumpInfo': return { record: 'dumpInfo' };
    case 'checkpointLookup': return { ipa: r.ipa, record: 'dumpLookup' };
    case 'lostRecords': return { record: 'lostRecords', count: r.count, cpu: r.cpu };
    case 'writePte': case 'tlbFlush': case 'dsb': return { record: r.kind };
    default: return {};
  }
}

export function opLabel(r: TraceRecord): string {
  switch (r.kind) {
    case 'setEntry': return `p2m_set_entry gfn=${hex(r.gfn)} nr=${hex(r.nr)} mfn=${hex(r.mfn)} t=${r.type} a=${r.access}`;
    case 'setAtOrder': return `__p2m_set_entry gfn=${hex(r.gfn)} order=${r.order} mfn=${hex(r.mfn)} t=${r.type}`;
    case 'lookup': return `lookup gfn=${hex(r.gfn)}`;
    case 'expect': return `expect gfn=${hex(r.gfn)}`;
    case 'memAccess': return r.gfn === undefined ? 'mem_access enable' : `mem_access gfn=${hex(r.gfn)} nr=${hex(r.nr ?? 0)} a=${r.access}`;
    case 'invalidateRoot': return 'invalidate_root';
    case 'resolveFault': return `resolve_fault gfn=${hex(r.gfn)}`;
    case 'relinquish': return 'relinquish';
    case 'checkpointDumpInfo': return `p2m_dump_info d${r.domain}`;
    case 'checkpointLookup': return `dump_p2m_lookup ipa=0x${r.ipa.toString(16)}`;
    case 'lostRecords': return `${r.count} trace records lost on CPU ${r.cpu}`;
    case 'writePte': case 'tlbFlush': case 'dsb': return `${r.kind} (low-level write trace: not replayed by the debugger)`;
    default: return r.kind;
  }
}
