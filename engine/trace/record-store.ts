// Columnar record store. The binary reader appends the frequent kinds (setAtOrder,
// otherMem, opaque) as typed-array columns with no per-record object, so a 1M-record
// xentrace file costs ~33-36 bytes per record; text readers' canonical set_entry lines cost
// ~20 (19.6 MB per 1M lines: no binary location columns, narrow value columns, packed
// offsets and line numbers). Every other record (rare ones) is kept as an object in a side
// array. `get(i)` materialises one TraceRecord.
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
import { PackedColumn } from './packed-column';
import { refit, resized } from './narrow-column';

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

/**
 * `order` before any record has one: a shared empty column, so readers that index it only for
 * K_SET_AT_ORDER / K_OTHER_MEM rows (the engine machine, benches) need no null check.
 */
const NO_ORDER = new Int32Array(0);
/** Growth factor once the presized capacity is exceeded: 1.5× (not 2×) bounds the slack and the copy's peak. */
const GROW_NUM = 3, GROW_DEN = 2;

export class RecordStore implements Iterable<TraceRecord> {
  length = 0;
  private cap: number;
  /**
   * Columns every record uses (12 B + the offset per record; the kind says how the rest is
   * read). domain, gfn and mfn (and nr) start narrow and are replaced by a wider copy the
   * first time a value needs it (narrow-column.ts): read them by index, never keep a
   * reference across appends.
   */
  kind: Uint8Array;
  domain: Uint16Array | Uint32Array | Float64Array;
  gfn: Uint32Array | Float64Array;
  mfn: Int32Array | Float64Array;
  type: Uint8Array;
  /** Byte offset of each record (`offsetAt`): ~2 B per text record, 8 once offsets jump (binary). */
  private readonly offsets: PackedColumn;
  /**
   * Binary-reader columns (xentrace set_p2m / other-memory / opaque records), allocated with
   * the first such record: a text trace never has them and saves 16 B per record (a 1M-line
   * .p2mtrace: ~16 MB kept for the session's life). `order` is a zero-length column until
   * then (see NO_ORDER); the others are null.
   */
  order: Int32Array = NO_ORDER;
  srcType: Int8Array | null = null;
  cpu: Int16Array | null = null;
  tscHi: Uint32Array | null = null;
  tscLo: Uint32Array | null = null;
  flags: Uint8Array | null = null;
  /** Text-reader columns (K_SET_ENTRY), allocated on first use so binary stores stay small. */
  nr: Uint32Array | Float64Array | null = null;
  access: Uint8Array | null = null;
  /** Source line of K_SET_ENTRY rows (`lineAt`), ~1 B per row (packed-column.ts). */
  private lines: PackedColumn | null = null;
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
    this.kind = new Uint8Array(c); this.domain = new Uint16Array(c); this.gfn = new Uint32Array(c);
    this.mfn = new Int32Array(c); this.type = new Uint8Array(c); this.offsets = new PackedColumn(c, true);
  }

  /** Byte offset of record `i` in its source (for objects, their loc's). */
  offsetAt(i: number): number { return this.offsets.get(i); }
  /** 1-based source line of a K_SET_ENTRY row (other rows: read their record's loc). */
  lineAt(i: number): number { return this.lines!.get(i); }
  /** Bytes of the offset and line columns (they are packed; for memory reports and tests). */
  get locationBytes(): number { return this.offsets.byteLength + (this.lines?.byteLength ?? 0); }

  /** Rows the columns hold before the next growth. */
  get capacity(): number { return this.cap; }

  /** Whether the binary-reader columns exist (some record had a cpu / TSC / order). */
  get hasBinaryColumns(): boolean { return this.cpu !== null; }

  /**
   * Resize every column to `c` rows (≥ length), copying the rows in use. Readers that know
   * the input size call `reserve` early, while the columns are still small, so a 1M-record
   * file is not grown by repeated copies (each one a transient peak of old + new columns
   * that the allocator then keeps as RSS).
   */
  private resize(c: number): void {
    const n = this.length;
    this.kind = resized(this.kind, c, n); this.domain = resized(this.domain, c, n);
    this.gfn = resized(this.gfn, c, n); this.mfn = resized(this.mfn, c, n);
    this.type = resized(this.type, c, n); this.offsets.resize(c, n);
    if (this.cpu !== null) {
      this.order = resized(this.order, c, n); this.srcType = resized(this.srcType!, c, n);
      this.cpu = resized(this.cpu, c, n); this.tscHi = resized(this.tscHi!, c, n);
      this.tscLo = resized(this.tscLo!, c, n); this.flags = resized(this.flags!, c, n);
    }
    if (this.nr !== null) {
      this.nr = resized(this.nr, c, n); this.access = resized(this.access!, c, n);
      this.lines!.resize(c, n);
    }
    this.cap = c;
  }

  // Narrow-column writes: one compare per value; a value the column cannot hold widens it.
  private putDomain(i: number, v: number): void {
    const c = this.domain; c[i] = v;
    if (c[i] !== v) this.domain = refit(c, i, v) as RecordStore['domain'];
  }
  private putGfn(i: number, v: number): void {
    const c = this.gfn; c[i] = v;
    if (c[i] !== v) this.gfn = refit(c, i, v) as RecordStore['gfn'];
  }
  private putMfn(i: number, v: number): void {
    const c = this.mfn; c[i] = v;
    if (c[i] !== v) this.mfn = refit(c, i, v) as RecordStore['mfn'];
  }
  private putNr(i: number, v: number): void {
    const c = this.nr!; c[i] = v;
    if (c[i] !== v) this.nr = refit(c, i, v) as Uint32Array | Float64Array;
  }

  private grow(): void { this.resize(Math.ceil(this.cap * GROW_NUM / GROW_DEN)); }

  /** Make room for at least `rows` records in total (a reader's estimate from the input size). */
  reserve(rows: number): void {
    const c = Math.ceil(rows);
    if (Number.isFinite(c) && c > this.cap) this.resize(c);
  }

  /**
   * Presize for the whole input from the records per input byte seen so far (`done` of
   * `total` bytes read), with a 2% margin (under trim's 1/32 slack rule, so a good estimate
   * needs no trim copy). Readers call it as they go: the first estimate comes while the
   * columns are small, a later one only when the rest of the input turns out denser.
   */
  reserveFor(done: number, total: number): void {
    // Not before 1 MB (or an eighth) of the input: a header or a short first stretch would
    // skew the estimate, and growing until then copies little.
    if (done < Math.min(1 << 20, total / 8) || done >= total || this.length < 256) return;
    const projected = this.length * (total / done);
    if (projected > this.cap) this.reserve(projected * 1.02 + 64);
  }

  /**
   * Shrinks every column to `length`. Call once reading is done; appending afterwards still
   * works (the next push grows again). A slack under 1/32 of the capacity (a reader that
   * presized from the input size) is kept: copying every column would add a transient peak
   * of the whole store to save a few per cent, and the untouched tail of a large column is
   * not resident anyway.
   */
  trim(): void {
    const c = Math.max(16, this.length);
    if (c === this.cap || this.cap - c <= this.cap >>> 5) return;
    this.resize(c);
  }

  /** Allocate the binary-reader columns at the current capacity (earlier rows never read them). */
  private binaryColumns(): void {
    const c = this.cap;
    this.order = new Int32Array(c); this.srcType = new Int8Array(c); this.cpu = new Int16Array(c);
    this.tscHi = new Uint32Array(c); this.tscLo = new Uint32Array(c); this.flags = new Uint8Array(c);
  }

  /** Append the common columns; returns the new index. */
  private slot(kind: number, offset: number): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.kind[i] = kind; this.offsets.set(i, offset);
    return i;
  }

  /** Append a binary record's location columns; returns the new index. */
  private binarySlot(kind: number, cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): number {
    if (this.cpu === null) this.binaryColumns();
    const i = this.slot(kind, offset);
    this.cpu![i] = cpu; this.flags![i] = hasTsc ? F_TSC : 0; this.tscHi![i] = tscHi; this.tscLo![i] = tscLo;
    return i;
  }

  pushSetAtOrder(domain: number, gfn: number, order: number, mfn: number, armType: number, srcType: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.binarySlot(K_SET_AT_ORDER, cpu, offset, hasTsc, tscHi, tscLo);
    this.putDomain(i, domain); this.putGfn(i, gfn); this.order[i] = order; this.putMfn(i, mfn);
    this.type[i] = armType; this.srcType![i] = srcType;
  }

  pushOtherMem(event: number, domain: number, gfn: number, mfn: number, order: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.binarySlot(K_OTHER_MEM, cpu, offset, hasTsc, tscHi, tscLo);
    this.type[i] = event; this.putDomain(i, domain); this.putGfn(i, gfn); this.putMfn(i, mfn); this.order[i] = order;
  }

  /** `words` are read from `src[from .. from+count)` so the caller needs no temporary array. */
  pushOpaque(event: number, src: DataView, from: number, count: number,
    cpu: number, offset: number, hasTsc: boolean, tscHi: number, tscLo: number): void {
    const i = this.binarySlot(K_OPAQUE, cpu, offset, hasTsc, tscHi, tscLo);
    if (this.wordsLen + count > this.words.length) {
      const w = new Uint32Array(Math.max(this.words.length * 2, this.wordsLen + count));
      w.set(this.words.subarray(0, this.wordsLen));
      this.words = w;
    }
    for (let k = 0; k < count; k++) this.words[this.wordsLen + k] = src.getUint32(from + 4 * k, true);
    this.putGfn(i, event); this.putMfn(i, this.wordsLen); this.type[i] = count;
    this.wordsLen += count;
  }

  /**
   * A `p2m_set_entry` statement read from text (column 1, no cpu/tsc/rc): columns only, no
   * object. A 1M-line .p2mtrace then costs ~20 bytes per record instead of ~600.
   */
  pushSetEntry(domain: number, gfn: number, nr: number, mfn: number, armType: number, access: number,
    line: number, byteOffset: number): void {
    if (this.nr === null) {
      this.nr = new Uint32Array(this.cap); this.access = new Uint8Array(this.cap); this.lines = new PackedColumn(this.cap);
    }
    const i = this.slot(K_SET_ENTRY, byteOffset);
    this.putDomain(i, domain); this.putGfn(i, gfn); this.putNr(i, nr); this.putMfn(i, mfn);
    this.type[i] = armType; this.access![i] = access; this.lines!.set(i, line);
  }

  /**
   * Append a record as set_entry columns when it reads back from them unchanged (a
   * `p2m_set_entry` at column 1 of this source, no rc or extra fields), else as an object.
   * Text readers' general path uses it so decimal or oddly spaced set_entry lines (issue 10's
   * 10M-op trace: `nr=1`) cost ~20 bytes, not a ~380-byte object each.
   */
  pushCompact(r: TraceRecord): void {
    if (r.kind === 'setEntry') {
      const l = r.loc;
      const t = TYPE_INDEX.get(r.type), a = ACCESS_INDEX.get(r.access);
      if (t !== undefined && a !== undefined && l.source === this.source && l.column === 1 && r.rc === undefined
        && Object.keys(r).length === 8 && Object.keys(l).length === 4
        // domain and line: any size (their columns widen), but whole and not negative.
        && Number.isInteger(r.domain) && r.domain >= 0 && Number.isInteger(l.line) && l.line >= 0
        // -0 would read back as 0 from an integer or packed column (no reader makes one;
        // records built in memory might): such a record stays an object.
        && !Object.is(r.domain, -0) && !Object.is(r.gfn, -0) && !Object.is(r.nr, -0) && !Object.is(r.mfn, -0)
        && !Object.is(l.line, -0) && !Object.is(l.byteOffset, -0)) {
        this.pushSetEntry(r.domain, r.gfn, r.nr, r.mfn, t, a, l.line, l.byteOffset);
        return;
      }
    }
    this.push(r);
  }

  /** Append any record as an object (text readers, rare binary records); its loc stays in the object. */
  push(r: TraceRecord): void {
    const i = this.slot(K_OBJECT, r.loc.byteOffset);
    this.putGfn(i, this.objects.length);
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

  /** Location of a binary row (K_SET_AT_ORDER / K_OTHER_MEM / K_OPAQUE: the binary columns exist). */
  private loc(i: number): TraceLoc {
    const l: TraceLoc = { source: this.source, line: 0, column: 0, byteOffset: this.offsets.get(i) };
    const cpu = this.cpu![i];
    if (cpu >= 0) l.cpu = cpu;
    if (this.flags![i] & F_TSC) {
      const t = (BigInt(this.tscHi![i]) << 32n) | BigInt(this.tscLo![i]);
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
        const s = this.srcType![i];
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
          loc: { source: this.source, line: this.lines!.get(i), column: 1, byteOffset: this.offsets.get(i) },
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
