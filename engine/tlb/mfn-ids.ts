// MFN → page id index for the table mirror: open addressing over typed-array columns with
// Fibonacci hashing. It replaces a Map<number, number> that cost ~15 ns per event on a 1M-op
// BBM check (one lookup per pteWrite/flush/alloc; MFNs are doubles up to 2^52, so the Map
// hashed heap numbers). Insert-only, like the mirror's use: a page id is never forgotten.

export class MfnIds {
  private cap = 1 << 10;
  private shift = 32 - 10;
  private used = 0;
  private keys = new Float64Array(this.cap).fill(-1);
  private vals = new Int32Array(this.cap);

  /** Hash of an MFN (< 2^53): fold the high bits into the low word, then Fibonacci. */
  private slot(mfn: number): number {
    // Table MFNs are below 2^32 almost always: no float division for them.
    const lo = mfn >>> 0, hi = mfn > 0xffffffff ? (mfn / 4294967296) >>> 0 : 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  /** The id stored for `mfn`, or -1. */
  get(mfn: number): number {
    const mask = this.cap - 1;
    for (let h = this.slot(mfn); ; h = (h + 1) & mask) {
      const k = this.keys[h];
      if (k === mfn) return this.vals[h];
      if (k === -1) return -1;
    }
  }

  /** Store `id` for `mfn` (overwrites). */
  set(mfn: number, id: number): void {
    if ((this.used + 1) * 4 > this.cap * 3) this.grow();
    const mask = this.cap - 1;
    let h = this.slot(mfn);
    for (; ; h = (h + 1) & mask) {
      const k = this.keys[h];
      if (k === mfn) { this.vals[h] = id; return; }
      if (k === -1) break;
    }
    this.keys[h] = mfn; this.vals[h] = id; this.used++;
  }

  get size(): number { return this.used; }

  private grow(): void {
    const ok = this.keys, ov = this.vals;
    this.cap *= 2; this.shift--;
    this.keys = new Float64Array(this.cap).fill(-1);
    this.vals = new Int32Array(this.cap);
    this.used = 0;
    for (let i = 0; i < ok.length; i++) if (ok[i] !== -1) this.set(ok[i], ov[i]);
  }
}
