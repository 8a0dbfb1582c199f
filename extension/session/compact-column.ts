// Compact per-op integer columns for the op summary (op-summary.ts): flush, violation and
// diagnostic counts and rc. On a 1M-op session these were six 4 MB Uint32/Int32 arrays
// (counts, rc and two "so far" prefix arrays) while nearly every value is 0 or tiny. Here a
// column is one byte per op with an exact overflow map for the rare large value, or, when
// fewer than one op in five has a non-zero value, only the sorted list of those ops
// with their values. "So far" sums come from a prefix total every PREFIX_STEP entries plus a
// short scan, so no per-op prefix array is kept. Every value stays exact (numbers, not u32).

/** One prefix total per this many stored values: 8 B per 128 entries, at most 127 reads per sum. */
const PREFIX_SHIFT = 7;
const PREFIX_STEP = 1 << PREFIX_SHIFT;

/** Read side of a per-op integer column (values of ops outside [0, length) read as 0). */
export interface OpColumn {
  readonly length: number;
  /** Value of op i, exact. O(1) dense, O(log n) sparse. */
  at(i: number): number;
  /** Sum of the values of ops [0, i) (i clamped to [0, length]): the "so far" counts. */
  before(i: number): number;
  /** Sum of every value. */
  readonly total: number;
  /** Bytes the column holds (typed arrays; the overflow map counted at 16 B per entry). */
  readonly byteLength: number;
  /** "dense" (a byte per op) or "sparse" (non-zero ops only), for tests and figures. */
  readonly form: 'dense' | 'sparse';
  /**
   * The ops with a non-zero value from op `from` on, ascending: each `next()` returns the
   * next one, or Infinity after the last. A sparse column steps through its op list (no
   * search per op), a dense one scans its bytes.
   */
  nonZeroFrom(from: number): OpWalk;
}

/** A walk over a column's non-zero ops (OpColumn.nonZeroFrom). */
export interface OpWalk { next(): number }

/** Bytes per stored value: the escape marks a value kept in the overflow map. */
interface ByteStore { readonly bytes: Uint8Array | Int8Array; readonly escape: number; readonly big: Map<number, number> }

/** An empty store of `n` bytes: signed (rc) keeps -127…127 and escapes -128, unsigned 0…254 and escapes 255. */
function byteStore(n: number, signed: boolean): ByteStore {
  return signed ? { bytes: new Int8Array(n), escape: -128, big: new Map() } : { bytes: new Uint8Array(n), escape: 255, big: new Map() };
}

function storeByte(s: ByteStore, k: number, v: number): void {
  const b = s.bytes;
  // A value the byte cannot hold, or equal to the escape itself, goes to the map.
  if (v !== s.escape && (b instanceof Int8Array ? v >= -128 && v <= 127 : v >= 0 && v <= 255) && Number.isInteger(v)) b[k] = v;
  else { b[k] = s.escape; s.big.set(k, v); }
}

function readByte(s: ByteStore, k: number): number {
  const v = s.bytes[k];
  return v === s.escape ? s.big.get(k) ?? 0 : v;
}

/** prefix[b] = sum of stored values [0, b * PREFIX_STEP); the last entry is the total. */
function prefixOf(s: ByteStore, count: number): Float64Array {
  const p = new Float64Array((count >>> PREFIX_SHIFT) + 2);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    if ((k & (PREFIX_STEP - 1)) === 0) p[k >>> PREFIX_SHIFT] = sum;
    sum += readByte(s, k);
  }
  // Entries for blocks that start at or after `count` (and the total slot) hold the full sum.
  for (let b = Math.ceil(count / PREFIX_STEP); b < p.length; b++) p[b] = sum;
  return p;
}

/** Sum of stored values [0, k) from the prefix totals and at most PREFIX_STEP - 1 byte reads. */
function sumBefore(s: ByteStore, prefix: Float64Array, k: number): number {
  const b = k >>> PREFIX_SHIFT;
  let sum = prefix[b];
  for (let j = b << PREFIX_SHIFT; j < k; j++) sum += readByte(s, j);
  return sum;
}

const mapBytes = (m: Map<number, number>) => m.size * 16;

/** A byte per op. */
class DenseColumn implements OpColumn {
  readonly form = 'dense';
  constructor(private readonly s: ByteStore, private readonly prefix: Float64Array) {}
  get length(): number { return this.s.bytes.length; }
  get total(): number { return this.prefix[this.prefix.length - 1]; }
  get byteLength(): number { return this.s.bytes.byteLength + this.prefix.byteLength + mapBytes(this.s.big); }
  at(i: number): number { return i >= 0 && i < this.s.bytes.length ? readByte(this.s, i) : 0; }
  before(i: number): number {
    const k = Math.max(0, Math.min(this.s.bytes.length, Math.floor(i)));
    return sumBefore(this.s, this.prefix, k);
  }
  nonZeroFrom(from: number): OpWalk {
    // A stored byte is 0 exactly when the value is 0 (the escape byte is not 0).
    const b = this.s.bytes;
    let i = Math.max(0, Math.ceil(from));
    return {
      next: () => {
        while (i < b.length && b[i] === 0) i++;
        return i < b.length ? i++ : Infinity;
      },
    };
  }
}

/** The ops with a non-zero value (ascending) and their values, stored as bytes too. */
class SparseColumn implements OpColumn {
  readonly form = 'sparse';
  constructor(readonly length: number, private readonly ops: Uint32Array, private readonly s: ByteStore,
    private readonly prefix: Float64Array) {}
  get total(): number { return this.prefix[this.prefix.length - 1]; }
  get byteLength(): number { return this.ops.byteLength + this.s.bytes.byteLength + this.prefix.byteLength + mapBytes(this.s.big); }
  /** Number of listed ops below `i` (binary search). */
  private rank(i: number): number {
    const o = this.ops;
    let lo = 0, hi = o.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (o[m] < i) lo = m + 1; else hi = m; }
    return lo;
  }
  at(i: number): number {
    if (!(i >= 0 && i < this.length)) return 0;
    const k = this.rank(i);
    return k < this.ops.length && this.ops[k] === i ? readByte(this.s, k) : 0;
  }
  before(i: number): number {
    const k = this.rank(Math.max(0, Math.min(this.length, Math.floor(i))));
    return sumBefore(this.s, this.prefix, k);
  }
  nonZeroFrom(from: number): OpWalk {
    // Every listed op has a non-zero value: one search for the start, then the list itself.
    const o = this.ops;
    let k = this.rank(Math.max(0, Math.ceil(from)));
    return { next: () => (k < o.length ? o[k++] : Infinity) };
  }
}

/**
 * Collects a column's values (any order, each op at most once) in a byte per op, then seals it
 * into the smaller of the two forms. `signed` columns (rc) keep -127…127 in a byte.
 */
export class ColumnBuilder {
  private readonly s: ByteStore;
  private nonZero = 0;

  constructor(readonly length: number, signed = false) {
    this.s = byteStore(length, signed);
  }

  set(i: number, v: number): void {
    const had = this.s.bytes[i] !== 0;
    // An overwritten overflow value must not linger in the map (it would be counted in byteLength).
    if (this.s.bytes[i] === this.s.escape) this.s.big.delete(i);
    if (v === 0) this.s.bytes[i] = 0;
    else storeByte(this.s, i, v);
    this.nonZero += (v !== 0 ? 1 : 0) - (had ? 1 : 0);
  }

  /** The column; the builder must not be used afterwards (the dense form keeps its bytes). */
  seal(): OpColumn {
    const n = this.length, nz = this.nonZero, s = this.s;
    // Sparse costs 4 B of op index + 1 B of value per listed op; dense 1 B per op: sparse
    // is smaller below one listed op in five.
    if (nz * 5 >= n) return new DenseColumn(s, prefixOf(s, n));
    const ops = new Uint32Array(nz);
    const t = byteStore(nz, s.bytes instanceof Int8Array);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (s.bytes[i] === 0) continue;
      ops[k] = i;
      storeByte(t, k, readByte(s, i));
      k++;
    }
    return new SparseColumn(n, ops, t, prefixOf(t, nz));
  }
}

/** A column from plain values (tests, small sources). */
export function columnOf(values: ArrayLike<number>, signed = false): OpColumn {
  const b = new ColumnBuilder(values.length, signed);
  for (let i = 0; i < values.length; i++) b.set(i, values[i]);
  return b.seal();
}
