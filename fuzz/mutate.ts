// Mutation operators over raw bytes: byte/bit flips, truncations, splices between corpus
// inputs, huge counts (numbers in text replaced by extreme values, u32 fields of binary
// records by interesting words), repeated lines and deep nesting. Pure functions of the
// input and the Rng, so a seed fully determines the mutated input.
import { type Rng, int, pick } from './rng';

const enc = new TextEncoder();

/** Numbers a hostile trace would use: beyond 32/48/53/64 bits, top of the IPA, negative. */
const HUGE_NUMBERS = [
  '0x1000000000', '0xfffffffff', '0xffffffffffffffff', '0x10000000000000000', '0x7fffffffffffffff',
  '0x20000000000000', '9007199254740993', '18446744073709551615', '99999999999999999999999',
  '-1', '0', '0x3ffffff', '0xfffffff', '0xffffff', '1e308', 'NaN', '0x40000', '262144', '4294967296',
];
/** u32 words that mean something in xentrace headers (CPU change, p2m events, huge extra counts). */
const INTERESTING_U32 = [0, 0xffffffff, 0x2001f003, 0x6010f004, 0xe010f004, 0xc001f001, 0x8001f002,
  0x7fffffff, 0x80000000, 0x0010f005, 0x0001f003, 0x10000, 0xfffffff0];
/** Tokens of every format: keywords, separators, prefixes. */
const TOKENS = ['=', ' ', '\n', '\r\n', '0x', '#', '(XEN) ', '(d1) ', ']', '[', '{', '}', '"', ',', ':',
  'p2m_set_entry ', 'nr=', 'gfn=', 'mfn=', 'order=', 't=', 'a=', 'd=', 'begin\n', 'end\n', 'domain ', 'config ',
  'pool_pages=unlimited ', 'mem_access enable\n', 'relinquish\n', 'write_pte ', '"kind":"setEntry"', '"nr":"0xfffffffffffff"',
  '\u00e9', '\u0000', '\uffff', '\ud800', 'ipa_bits=48 ', 'ipa_bits=99 ', 'vmid=', 'expect_walk ', 'lookup gfn=',
  '<script>alert(1)</script>', 'dom=', 'p2m_dump_info', 'ffffffffffffffffff'];

export interface MutationContext {
  /** Other corpus inputs (for splices). */
  corpus: readonly Uint8Array[];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Byte offsets of ASCII number tokens (decimal or 0x-hex) in a text input. */
function numberSpans(b: Uint8Array): [number, number][] {
  const spans: [number, number][] = [];
  const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
  for (let i = 0; i < b.length && spans.length < 4096; i++) {
    const c = b[i];
    if (c < 48 || c > 57) continue;
    if (i > 0 && (isHex(b[i - 1]) || b[i - 1] === 0x78)) continue;
    let j = i + 1;
    if (c === 48 && (b[j] === 0x78 || b[j] === 0x58)) { j++; while (j < b.length && isHex(b[j])) j++; } else while (j < b.length && b[j] >= 48 && b[j] <= 57) j++;
    spans.push([i, j]);
    i = j;
  }
  return spans;
}

/** Line boundaries [start, end) including the newline. */
function lineSpans(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let s = 0;
  for (let i = 0; i < b.length && out.length < 100_000; i++) if (b[i] === 10) { out.push([s, i + 1]); s = i + 1; }
  if (s < b.length) out.push([s, b.length]);
  return out;
}

/** Deep nesting per format family: begin/end blocks, JSON arrays/objects, bracket runs. */
function nesting(r: Rng): Uint8Array {
  const depth = 1 + int(r, 20_000);
  switch (int(r, 4)) {
    case 0: return enc.encode('begin\n'.repeat(depth) + 'end\n'.repeat(int(r, depth)));
    case 1: return enc.encode('['.repeat(depth) + ']'.repeat(int(r, depth)) + '\n');
    case 2: return enc.encode('{"kind":'.repeat(depth) + '}'.repeat(int(r, depth)) + '\n');
    default: return enc.encode('(XEN) '.repeat(depth) + 'p2m_set_entry\n');
  }
}

/** Applies 1–6 random mutations. */
export function mutate(src: Uint8Array, r: Rng, ctx: MutationContext): Uint8Array {
  let b: Uint8Array = src.slice();
  const rounds = 1 + int(r, 6);
  const pos = () => int(r, b.length + 1);
  for (let k = 0; k < rounds; k++) {
    switch (int(r, 13)) {
      case 0: if (b.length) b[int(r, b.length)] ^= 1 << int(r, 8); break;                              // bit flip
      case 1: if (b.length) b[int(r, b.length)] = int(r, 256); break;                                   // byte set
      case 2: b = b.slice(0, pos()); break;                                                             // truncate
      case 3: { const p = pos(); b = concat(b.subarray(0, p), Uint8Array.from({ length: 1 + int(r, 32) }, () => int(r, 256)), b.subarray(p)); break; }
      case 4: { const p = pos(), q = pos(); b = concat(b.subarray(0, Math.min(p, q)), b.subarray(Math.max(p, q))); break; } // delete span
      case 5: {                                                                                         // splice another input
        const o = pick(r, ctx.corpus); const a = int(r, o.length + 1), z = a + int(r, o.length - a + 1);
        const p = pos(); b = concat(b.subarray(0, p), o.subarray(a, z), b.subarray(p)); break;
      }
      case 6: { const p = pos() & ~3; if (p + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(p, pick(r, INTERESTING_U32), true); break; }
      case 7: {                                                                                         // huge count in text
        const spans = numberSpans(b); if (!spans.length) break;
        const [s, e] = pick(r, spans); b = concat(b.subarray(0, s), enc.encode(pick(r, HUGE_NUMBERS)), b.subarray(e)); break;
      }
      case 8: { const p = pos(); b = concat(b.subarray(0, p), enc.encode(pick(r, TOKENS)), b.subarray(p)); break; }
      case 9: {                                                                                         // repeat one line many times
        const lines = lineSpans(b); if (!lines.length) break;
        const [s, e] = pick(r, lines); const line = b.subarray(s, e); const n = 1 + int(r, 3000);
        if (line.length * n > 1 << 21) break;
        const rep = new Uint8Array(line.length * n); for (let i = 0; i < n; i++) rep.set(line, i * line.length);
        b = concat(b.subarray(0, e), rep, b.subarray(e)); break;
      }
      case 10: { const p = pos(); b = concat(b.subarray(0, p), nesting(r), b.subarray(p)); break; }     // deep nesting
      case 11: {                                                                                        // swap two lines
        const lines = lineSpans(b); if (lines.length < 2) break;
        const [a, z] = [pick(r, lines), pick(r, lines)].sort((x, y) => x[0] - y[0]);
        if (a[1] > z[0]) break;
        b = concat(b.subarray(0, a[0]), b.subarray(z[0], z[1]), b.subarray(a[1], z[0]), b.subarray(a[0], a[1]), b.subarray(z[1])); break;
      }
      default: { const p = pos() & ~7; if (p + 8 <= b.length) new DataView(b.buffer, b.byteOffset).setBigUint64(p, pick(r, [0n, (1n << 64n) - 1n, 1n << 36n, 1n << 63n, 0xfffffffffn]), true); }
    }
  }
  // Bound input size so a run stays fast; big inputs are the pathological tests' job.
  return b.length > 1 << 22 ? b.slice(0, 1 << 22) : b;
}
