// Small lexical helpers shared by the text readers: whitespace tokenising with columns,
// `key=value` splitting, and strict number parsing (hex with 0x, or decimal) that says
// what it expected instead of guessing.

export interface Token {
  text: string;
  /** 0-based index of the first character in the line. */
  start: number;
}

/** Split `line[from..to)` on blanks. Stops at `#` (comment) when `comments` is set. */
export function tokenize(line: string, from: number, comments: boolean, to = line.length): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    let c = line.charCodeAt(i);
    while (i < to && (c === 0x20 || c === 0x09 || c === 0x0d)) c = line.charCodeAt(++i);
    if (i >= to) break;
    if (comments && c === 0x23 /* # */) break;
    const s = i;
    while (i < to) {
      c = line.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d || (comments && c === 0x23)) break;
      i++;
    }
    out.push({ text: line.slice(s, i), start: s });
  }
  return out;
}

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** Parse `0x<hex>` or `<decimal>` as an unsigned 64-bit value; null when malformed or too big. */
export function parseU64(text: string): bigint | null {
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]{1,16}$/.test(text)) v = BigInt(text);
  else if (/^[0-9]{1,20}$/.test(text)) v = BigInt(text);
  else return null;
  return v <= MAX_U64 ? v : null;
}

/** Parse bare hex (no 0x), as printed by xenalyze. */
export function parseBareHex(text: string): bigint | null {
  return /^[0-9a-fA-F]{1,16}$/.test(text) ? BigInt('0x' + text) : null;
}

const HEX_SAFE = /^0[xX][0-9a-fA-F]{1,13}$/;
const DEC_SAFE = /^[0-9]{1,15}$/;

/**
 * `0x<hex>` or `<decimal>` as an exact JS number (< 2^53), null otherwise. Fast path without
 * BigInt for the common short forms: text parsers call this for every field.
 */
export function parseSafe(text: string): number | null {
  if (HEX_SAFE.test(text)) return parseInt(text.slice(2), 16);
  if (DEC_SAFE.test(text)) return Number(text);
  return toSafeNumber(parseU64(text));
}

/** A u64 that must also be an exact JS number (< 2^53); null otherwise. */
export function toSafeNumber(v: bigint | null): number | null {
  return v !== null && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}

/** Parse a signed decimal integer (used for counters that Xen prints signed). */
export function parseSignedDecimal(text: string): number | null {
  if (!/^-?[0-9]{1,16}$/.test(text)) return null;
  return Number(text);
}

/** Byte length of the UTF-8 encoding of `s` (fast path for ASCII). */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  }
  return s.length;
}

/**
 * One pass over a line: its UTF-8 length and whether it looks binary (see looksBinary).
 * Returns -1 for binary-looking lines. The text parsers call this once per line.
 */
export function scanLine(s: string): number {
  let extra = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c < 0x09 || c > 0x0d) return -1;
    } else if (c > 0x7f) {
      if (c === 0xfffd) return -1;
      extra = -1;
    }
  }
  return extra < 0 ? Buffer.byteLength(s, 'utf8') : s.length;
}

/** True when the string contains a NUL or other C0 control characters typical of binary data. */
export function looksBinary(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0xfffd) return true;
  }
  return false;
}
