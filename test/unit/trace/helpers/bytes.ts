// Hand-built xentrace byte arrays for layout tests (no writer involved).
export function u32s(...words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return b;
}
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
/** One window: CPU-change record + records. */
export function win(cpu: number, ...records: Uint8Array[]): Uint8Array {
  const body = concat(...records);
  return concat(u32s(0x2001f003, cpu, body.length), body);
}
/** t_rec with optional TSC. */
export function rec(event: number, words: number[], tsc?: bigint): Uint8Array {
  const hdr = (event | (words.length << 28) | (tsc !== undefined ? 0x80000000 : 0)) >>> 0;
  const t = tsc !== undefined ? [Number(tsc & 0xffffffffn), Number(tsc >> 32n)] : [];
  return u32s(hdr, ...t, ...words);
}
export function setP2m(gfn: number, mfn: bigint, type: number, dom: number, order: number, tsc?: bigint): Uint8Array {
  return rec(0x0010f004, [gfn % 2 ** 32, Math.floor(gfn / 2 ** 32), Number(mfn & 0xffffffffn), Number(mfn >> 32n), type, dom | (order << 16)], tsc);
}
