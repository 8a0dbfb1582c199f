// The compact per-operation index of an index-only session (index-only-session.ts): one row per
// op in chunked typed arrays (kind, domain, gfn, nr, rc, diagnostic count: 15 bytes an op, no
// object; rare wide values in side maps), plus one row per block of BLOCK ops saying where in the file the block starts (byte
// offset, line, the parser's default domain there), so any op's record can be re-read from
// disk. Chunks are fixed-size, so growing never copies (a doubling array would need 2× at peak).

import { OP_KIND_NAMES } from '../../engine/replay/op-table';

/** Ops per block: the granularity of re-reading the file and of snapshots. */
export const BLOCK = 256;
const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
/** nr values ≥ 2^32 (nr = 2^36 …) live in a side map, the column holds this marker. */
const NR_BIG = 0xffffffff;
/** Domain ids ≥ this live in a side map (Xen's domid_t is 16 bits: only odd traces get there). */
const DOM_BIG = 0xffff;
/** GFN high byte (bits 32..39) markers: 0xfe = wider GFN in a side map, 0xff = the op has no GFN. */
const GFN_BIG = 0xfe, GFN_NONE = 0xff;
const TWO32 = 2 ** 32;

/** Operation kinds as the session names them, in the replay's code order (engine/replay/op-table.ts). */
export const OP_KINDS = OP_KIND_NAMES;
export type IndexOpKind = typeof OP_KINDS[number];

interface Chunk { kind: Uint8Array; domain: Uint16Array; gfnLo: Uint32Array; gfnHi: Uint8Array; nr: Uint32Array; rc: Int16Array; diags: Uint8Array }

export class OpColumns {
  length = 0;
  private readonly chunks: Chunk[] = [];
  private readonly bigNr = new Map<number, number>();
  private readonly bigDomain = new Map<number, number>();
  private readonly bigGfn = new Map<number, number>();
  /** Per block: byte offset of the line of its first op, that line, the default domain there. */
  blockOffset = new Float64Array(1024);
  blockLine = new Uint32Array(1024);
  blockDomain = new Uint32Array(1024);
  /** Diagnostics in all blocks before block b (length blocks + 1). */
  blockDiagsBefore = new Float64Array(1025);
  blocks = 0;

  push(kind: number, domain: number, gfn: number, nr: number, rc: number, diags: number): number {
    const i = this.length++;
    const c = i >>> CHUNK_BITS;
    if (c === this.chunks.length) {
      this.chunks.push({
        kind: new Uint8Array(CHUNK), domain: new Uint16Array(CHUNK), gfnLo: new Uint32Array(CHUNK), gfnHi: new Uint8Array(CHUNK),
        nr: new Uint32Array(CHUNK), rc: new Int16Array(CHUNK), diags: new Uint8Array(CHUNK),
      });
    }
    const k = this.chunks[c], j = i & MASK;
    k.kind[j] = kind;
    if (domain >= DOM_BIG || domain < 0) { k.domain[j] = DOM_BIG; this.bigDomain.set(i, domain); } else k.domain[j] = domain;
    if (Number.isNaN(gfn)) k.gfnHi[j] = GFN_NONE;
    else if (gfn >= GFN_BIG * TWO32 || gfn < 0 || !Number.isInteger(gfn)) { k.gfnHi[j] = GFN_BIG; this.bigGfn.set(i, gfn); }
    else { k.gfnHi[j] = Math.floor(gfn / TWO32); k.gfnLo[j] = gfn >>> 0; }
    if (nr >= NR_BIG || !Number.isInteger(nr) || nr < 0) { k.nr[j] = NR_BIG; this.bigNr.set(i, nr); } else k.nr[j] = nr;
    k.rc[j] = Math.max(-32768, Math.min(32767, rc));
    k.diags[j] = Math.min(255, diags);
    return i;
  }

  /** Record where block `b` (ops b*BLOCK …) starts; called before its first op is pushed. */
  startBlock(offset: number, line: number, domain: number): void {
    const b = this.blocks++;
    if (b === this.blockOffset.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => { const x = make(a.length * 2); x.set(a); return x; };
      this.blockOffset = grow(this.blockOffset, n => new Float64Array(n));
      this.blockLine = grow(this.blockLine, n => new Uint32Array(n));
      this.blockDomain = grow(this.blockDomain, n => new Uint32Array(n));
      const d = new Float64Array(this.blockOffset.length + 1); d.set(this.blockDiagsBefore); this.blockDiagsBefore = d;
    }
    this.blockOffset[b] = offset; this.blockLine[b] = line; this.blockDomain[b] = domain;
    this.blockDiagsBefore[b + 1] = this.blockDiagsBefore[b];
  }

  /** Add to the running diagnostic total of the current block. */
  addBlockDiags(n: number): void { if (this.blocks > 0) this.blockDiagsBefore[this.blocks] += n; }

  kindCode(i: number): number { return this.chunks[i >>> CHUNK_BITS].kind[i & MASK]; }
  kind(i: number): IndexOpKind { return OP_KINDS[this.kindCode(i)] ?? 'other'; }
  domain(i: number): number { const d = this.chunks[i >>> CHUNK_BITS].domain[i & MASK]; return d === DOM_BIG ? (this.bigDomain.get(i) ?? d) : d; }
  /** NaN when the op has no GFN. */
  gfn(i: number): number {
    const k = this.chunks[i >>> CHUNK_BITS], j = i & MASK, hi = k.gfnHi[j];
    if (hi === GFN_NONE) return NaN;
    if (hi === GFN_BIG) return this.bigGfn.get(i) ?? NaN;
    return hi * TWO32 + k.gfnLo[j];
  }
  nr(i: number): number { const v = this.chunks[i >>> CHUNK_BITS].nr[i & MASK]; return v === NR_BIG ? (this.bigNr.get(i) ?? v) : v; }
  rc(i: number): number { return this.chunks[i >>> CHUNK_BITS].rc[i & MASK]; }
  diags(i: number): number { return this.chunks[i >>> CHUNK_BITS].diags[i & MASK]; }

  /** Diagnostics among ops [0, position). */
  diagsBefore(position: number): number {
    const b = Math.floor(position / BLOCK);
    let n = this.blockDiagsBefore[Math.min(b, this.blocks)];
    for (let i = b * BLOCK; i < position; i++) n += this.diags(i);
    return n;
  }

  /** Inclusive GFN range the op addressed (ops with a gfn), like log-index.ts `opGfnRange`. */
  gfnRange(i: number): [number, number] | undefined {
    const g = this.gfn(i);
    if (Number.isNaN(g)) return undefined;
    return [g, g + Math.max(1, this.nr(i)) - 1];
  }

  /** Bytes held by the index (for the load summary and the bench). */
  get bytes(): number {
    const side = this.bigNr.size + this.bigDomain.size + this.bigGfn.size;
    return this.chunks.length * CHUNK * 15 + this.blockOffset.length * 32 + side * 32;
  }
}
