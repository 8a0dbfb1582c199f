// Columnar record store. The binary reader appends the frequent kinds (setAtOrder,
// otherMem, opaque) as typed-array columns with no per-record object, so a 1M-record
// xentrace file costs ~50 bytes per record; every other record (text readers, rare binary
// records) is kept as an object in a side array. `get(i)` materialises one TraceRecord.
//
// Column meaning per kind code:
//   K_SET_AT_ORDER: domain, gfn, mfn (INVALID_MFN = -1), order, type (Arm index), srcType
//   K_OTHER_MEM:    domain, gfn (NaN none), mfn (NaN none, -1 invalid), order (-1 none), type = OTHER_MEM index
//   K_OPAQUE:       gfn = event id, mfn = start in the word pool, type = word count
//   K_OBJECT:       gfn = index into the side array
//   K_SET_ENTRY:    domain, gfn, mfn (INVALID_MFN = -1), nr, type (Arm index), access, line; offset =
//                   byte offset of the line (text readers' canonical p2m_set_entry lines, column 1)

import {
  ARM_P2M_TYPES, P2M_ACCESSES, OtherMemEvent, TraceLoc, TraceRecord, TraceRecordKind,
} from './records';

export const K_OBJECT = 0;
export const K_SET_AT_ORDER = 1;
export const K_OTHER_MEM = 2;
export const K_OPAQUE = 3;
export const K_SET_ENTRY = 4;

export const OTHER_MEM_EVENTS: readonly OtherMemEvent[] = [
  'grantMap', 'grantUnmap', 'grantTransfer', 'decreaseReservation', 'podPopulate', 'podZeroReclaim', 'podSuperpageSplinter',
];

const F_TSC = 1;
const TYPE_INDEX = new Map<string, number>(ARM_P2M_TYPES.map((t, i) => [t, i]));
const ACCESS_INDEX = new Map<string, number>(P2M_ACCESSES.map((a, i) => [a, i]));

export class RecordStore implements Iterable<TraceRecord> {
  length = 0;
  private cap: number;
  kind: Uint8Array;
  domain: Uint32Array;
  gfn: Float64Array;
  mfn: Float64Array;
  order: Int32Array;
  type: Uint8Array;
  srcType: Int8Array;
  cpu: Int16Array;
  offset: Float64Array;
  tscHi: Uint32Array;
  tscLo: Uint32Array;
  flags: Uint8Array;
  /** Text-reader columns (K_SET_ENTRY), allocated on first use so binary stores stay small. */
  nr: Float64Array | null = null;
  access: Uint8Array | null = null;
  line: Uint32Array | null = null;
  private readonly objects: TraceRecord[] = [];
  private words = new Uint32Array(64);
  private wordsLen = 0;
  /** Names of source types for `srcType` (x86 or Arm-release names), set by the binary reader. */
  sourceTypeNames: readonly string[] | undefined;
  sourceArch: 'x86' | 'arm' = 'arm';
  /**
   * Time base for loc.time, like xenalyze: seconds since the first timestamped record,
   * ns = ((tsc - first) << 10) / qhz with qhz = (cpu_hz << 10) / 10^9 in integers. The
   * truncation of qhz is kept on purpose (times then equal xenalyze's text), although it
   * costs up to a few percent at Arm's low counter frequencies.
   */
  timeFirst: bigint | undefined;
  timeQhz = (2_400_000_000n << 10n) / 1_000_000_000n;

  constructor(readonly source: string, capacity = 256) {
    this.cap = Math.max(16, capacity | 0);
    const c = this.cap;
    this.kind = new Uint8Array(c); this.domain = new Uint32Array(c); this.gfn = new Float64Array(c);
    this.mfn = new Float64Array(c); this.order = new Int32Array(c); this.type = new Uint8Array(c);
    this.srcType = new Int8Array(c); this.cpu = new Int16Array(c); this.offset = new Float64Array(c);
    this.tscHi = new Uint32Array(c); this.tscLo = new Uint32Array(c); this.flags = new Uint8Array(c);
  }

  private grow(): void {
    const c = this.cap * 2;
    const g = <T extends { length: number; set(a: T): void }>(a: T, make: (n: number) => T): T => { const b = make(c); b.set(a); return b; };
    this.kind = g(this.kind, n => new Uint8Array(n)); this.domain = g(this.domain, n => new Uint32Array(n));
    this.gfn = g(this.gfn, n => new Float64Array(n)); this.mfn = g(this.mfn, n => new Float64Array(n));
    this.order = g(this.order, n => new Int32Array(n)); this.type = g(this.type, n => new Uint8Array(n));
    this.srcType = g(this.srcType, n => new Int8Array(n)); this.cpu = g(this.cpu, n => new Int16Array(n));
    this.offset = g(this.offset, n => new Float64Array(n)); this.tscHi = g(this.tscHi, n => new Uint32Array(n));
    this.tscLo = g(this.tscLo, n => new Uint32Array(n)); this.flags = g(this.flags, n => new Uint8Array(n));
    if (this.nr !== null) {
      this.nr = g(this.nr, n => new Float64Array(n)); this.access = g(this.access!, n => new Uint8Array(n));
      this.line = g(this.line!, n => new Uint32Array(n));
    }
    this.cap = c;
  }

  /**
   * Shrinks every column to `length` (capacity doubles while reading: up to half of each
   * column is slack, ~400 MB on a 10M-line trace). Call once reading is done; appending
   * afterwards still works (the next push grows again).
   */
  trim(): void {
    const c = Math.max(16, this.length);
    if (c === this.cap) return;
    const t = <T extends { subarray(a: number, b: number): T; slice(a: number, b: number): T }>(a: T): T => a.slice(0, c);
    this.kind = t(this.kind); this.domain = t(this.domain); this.gfn = t(this.gfn); this.mfn = t(this.mfn);
    this.order = t(this.order); this.type = t(this.type); this.srcType = t(this.srcType); this.cpu = t(this.cpu);
    this.offset = t(this.offset); this.tscHi = t(this.tscHi); this.tscLo = t(this.tscLo); this.flags = t(this.flags);
    if (this.nr !== null) { this.nr = t(this.nr); this.access = t(this.access!); this.line = t(this.line!); }
    this.cap = c;
  }

  /** Append the binary location columns; returns the new index. */
  private slot(kind: number, cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.kind[i] = kind; this.cpu[i] = cpu; this.offset[i] = offset;
    this.flags[i] = hasTsc ? F_TSC : 0; this.tscHi[i] = tscHi; this.tscLo[i] = tscLo;
    return i;
  }

  pushSetAtOrder(domain: number, gfn: number, order: number, mfn: number, armType: number, srcType: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.slot(K_SET_AT_ORDER, cpu, offset, hasTsc, tscHi, tscLo);
    this.domain[i] = domain; this.gfn[i] = gfn; this.order[i] = order; this.mfn[i] = mfn;
    this.type[i] = armType; this.srcType[i] = srcType;
  }

  pushOtherMem(event: number, domain: number, gfn: number, mfn: number, order: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.slot(K_OTHER_MEM, cpu, offset, hasTsc, tscHi, tscLo);
    this.type[i] = event; this.domain[i] = domain; this.gfn[i] = gfn; this.mfn[i] = mfn; this.order[i] = order;
  }

  /** `words` are read from `src[from .. from+count)` so the caller needs no temporary array. */
  pushOpaque(event: number, src: DataView, from: number, count: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.slot(K_OPAQUE, cpu, offset, hasTsc, tscHi, tscLo);
    if (this.wordsLen + count > this.words.length) {
      const w = new Uint32Array(Math.max(this.words.length * 2, this.wordsLen + count));
      w.set(this.words.subarray(0, this.wordsLen));
      this.words = w;
    }
    for (let k = 0; k < count; k++) this.words[this.wordsLen + k] = src.getUint32(from + 4 * k, true);
    this.gfn[i] = event; this.mfn[i] = this.wordsLen; this.type[i] = count;
    this.wordsLen += count;
  }

  /**
   * A `p2m_set_entry` statement read from text (column 1, no cpu/tsc/rc): columns only, no
   * object. A 1M-line .p2mtrace then costs ~60 bytes per record instead of ~600.
   */
  pushSetEntry(domain: number, gfn: number, nr: number, mfn: number, armType: number, access: number,
    line: number, byteOffset: number): void {
    if (this.nr === null) {
      this.nr = new Float64Array(this.cap); this.access = new Uint8Array(this.cap); this.line = new Uint32Array(this.cap);
    }
    const i = this.slot(K_SET_ENTRY, -1, byteOffset, false, 0, 0);
    this.domain[i] = domain; this.gfn[i] = gfn; this.nr![i] = nr; this.mfn[i] = mfn;
    this.type[i] = armType; this.access![i] = access; this.line![i] = line;
  }

  /**
   * Append a record as set_entry columns when it reads back from them unchanged (a
   * `p2m_set_entry` at column 1 of this source, no rc or extra fields), else as an object.
   * Text readers' general path uses it so decimal or oddly spaced set_entry lines (issue 10's
   * 10M-op trace: `nr=1`) cost ~60 bytes, not a ~380-byte object each.
   */
  pushCompact(r: TraceRecord): void {
    if (r.kind === 'setEntry') {
      const l = r.loc;
      const t = TYPE_INDEX.get(r.type), a = ACCESS_INDEX.get(r.access);
      if (t !== undefined && a !== undefined && l.source === this.source && l.column === 1 && r.rc === undefined
        && Object.keys(r).length === 8 && Object.keys(l).length === 4
        && Number.isInteger(r.domain) && r.domain >= 0 && r.domain < 2 ** 32 && Number.isInteger(l.line) && l.line >= 0 && l.line < 2 ** 32) {
        this.pushSetEntry(r.domain, r.gfn, r.nr, r.mfn, t, a, l.line, l.byteOffset);
        return;
      }
    }
    this.push(r);
  }

  /** Append any record as an object (text readers, rare binary records). */
  push(r: TraceRecord): void {
    const l = r.loc;
    const i = this.slot(K_OBJECT, l.cpu ?? -1, l.byteOffset, false, 0, 0);
    this.gfn[i] = this.objects.length;
    this.objects.push(r);
  }

  kindAt(i: number): TraceRecordKind {
    switch (this.kind[i]) {
      case K_SET_AT_ORDER: return 'setAtOrder';
      case K_OTHER_MEM: return 'otherMem';
      case K_OPAQUE: return 'opaque';
      case K_SET_ENTRY: return 'setEntry';
      default: return this.objects[this.gfn[i]].kind;
    }
  }

  private loc(i: number): TraceLoc {
    const l: TraceLoc = { source: this.source, line: 0, column: 0, byteOffset: this.offset[i] };
    if (this.cpu[i] >= 0) l.cpu = this.cpu[i];
    if (this.flags[i] & F_TSC) {
      const t = (BigInt(this.tscHi[i]) << 32n) | BigInt(this.tscLo[i]);
      l.tsc = t;
      if (this.timeFirst !== undefined && t >= this.timeFirst && this.timeQhz > 0n) {
        l.time = Number(((t - this.timeFirst) << 10n) / this.timeQhz) / 1e9;
      }
    }
    return l;
  }

  get(i: number): TraceRecord {
    switch (this.kind[i]) {
      case K_SET_AT_ORDER: {
        const r: TraceRecord = {
          kind: 'setAtOrder', domain: this.domain[i], gfn: this.gfn[i], order: this.order[i], mfn: this.mfn[i],
          type: ARM_P2M_TYPES[this.type[i]], access: 'rwx', loc: this.loc(i),
        };
        const s = this.srcType[i];
        if (s >= 0 && this.sourceTypeNames !== undefined) r.sourceType = { arch: this.sourceArch, value: s, name: this.sourceTypeNames[s] };
        return r;
      }
      case K_OTHER_MEM: {
        const r: TraceRecord = { kind: 'otherMem', event: OTHER_MEM_EVENTS[this.type[i]], domain: this.domain[i], loc: this.loc(i) };
        if (!Number.isNaN(this.gfn[i])) r.gfn = this.gfn[i];
        if (!Number.isNaN(this.mfn[i])) r.mfn = this.mfn[i];
        if (this.order[i] >= 0) r.order = this.order[i];
        return r;
      }
      case K_OPAQUE: {
        const s = this.mfn[i];
        return { kind: 'opaque', event: this.gfn[i], words: Array.from(this.words.subarray(s, s + this.type[i])), loc: this.loc(i) };
      }
      case K_SET_ENTRY:
        return {
          kind: 'setEntry', domain: this.domain[i], gfn: this.gfn[i], nr: this.nr![i], mfn: this.mfn[i],
          type: ARM_P2M_TYPES[this.type[i]], access: P2M_ACCESSES[this.access![i]],
          loc: { source: this.source, line: this.line![i], column: 1, byteOffset: this.offset[i] },
        };
      default: return this.objects[this.gfn[i]];
    }
  }

  *[Symbol.iterator](): Iterator<TraceRecord> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  toArray(): TraceRecord[] {
    const out: TraceRecord[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }

  static from(source: string, records: Iterable<TraceRecord>): RecordStore {
    const s = new RecordStore(source);
    for (const r of records) s.push(r);
    return s;
  }
}
