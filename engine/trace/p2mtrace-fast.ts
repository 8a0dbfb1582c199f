// Fast path of the .p2mtrace reader for the one statement shape that makes up nearly all of a
// large trace — exactly what our writer prints:
//   p2m_set_entry [d=<dec> ]gfn=0x<hex> nr=0x<hex> mfn=0x<hex>|invalid t=<type> a=<access>
// (column 1, single spaces, nothing after). Such a line goes straight into the record
// store's columns: no tokens, no field map, no record object. Anything else — other verbs,
// decimal or uppercase-0X numbers, rc=/cpu=/tsc=, comments, extra spaces, a value the
// general parser would warn about — returns false and takes the general path, which owns
// every diagnostic. The two paths produce identical records (tested).
import { ARM_P2M_TYPES, INVALID_MFN, P2M_ACCESSES } from './records';
import type { RecordStore } from './record-store';

const VERB = 'p2m_set_entry ';
const TYPE_INDEX = new Map<string, number>(ARM_P2M_TYPES.map((t, i) => [t, i]));
const ACCESS_INDEX = new Map<string, number>(P2M_ACCESSES.map((a, i) => [a, i]));

/** Scan position and value out-parameters (one module-level scratch: parsing is synchronous). */
let pos = 0;
let val = 0;

/** `0x` + 1..13 hex digits at `pos` ending at `end` char or line end; sets `val`, advances `pos`. */
function hex(s: string): boolean {
  if (s.charCodeAt(pos) !== 0x30 || s.charCodeAt(pos + 1) !== 0x78) return false; // "0x"
  let p = pos + 2, v = 0;
  const start = p;
  for (; p < s.length; p++) {
    const c = s.charCodeAt(p);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else break;
    v = v * 16 + d;
  }
  // ≤ 13 digits keeps the value < 2^52: exact, and what the general path accepts as u53.
  if (p === start || p - start > 13) return false;
  pos = p; val = v;
  return true;
}

/** `key=` at pos (key includes the '='). */
function key(s: string, k: string): boolean {
  if (!s.startsWith(k, pos)) return false;
  pos += k.length;
  return true;
}

/** A name up to the next space (or line end); undefined if empty. */
function word(s: string): string | undefined {
  const sp = s.indexOf(' ', pos);
  const end = sp < 0 ? s.length : sp;
  if (end === pos) return undefined;
  const w = s.slice(pos, end);
  pos = end;
  return w;
}

/**
 * Try the fast path on one line (no newline, no trailing CR). On success the record is in
 * `store` and true is returned; false means nothing was consumed (use the general parser).
 */
export function fastSetEntry(line: string, store: RecordStore, domain: number, lineNo: number, byteOffset: number): boolean {
  if (!line.startsWith(VERB)) return false;
  pos = VERB.length;
  let d = domain;
  if (key(line, 'd=')) {
    let p = pos, v = 0;
    for (; p < line.length && p - pos < 9; p++) {
      const c = line.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
    }
    if (p === pos || line.charCodeAt(p) !== 0x20) return false;
    d = v; pos = p + 1;
  }
  if (!key(line, 'gfn=') || !hex(line) || line.charCodeAt(pos++) !== 0x20) return false;
  const gfn = val;
  if (!key(line, 'nr=') || !hex(line) || line.charCodeAt(pos++) !== 0x20) return false;
  const nr = val;
  if (!key(line, 'mfn=')) return false;
  let mfn: number;
  if (line.startsWith('invalid', pos)) { mfn = INVALID_MFN; pos += 7; }
  else if (hex(line)) mfn = val;
  else return false;
  if (line.charCodeAt(pos++) !== 0x20 || !key(line, 't=')) return false;
  const t = TYPE_INDEX.get(word(line) ?? '');
  if (t === undefined || line.charCodeAt(pos++) !== 0x20 || !key(line, 'a=')) return false;
  const a = ACCESS_INDEX.get(word(line) ?? '');
  if (a === undefined || pos !== line.length) return false;
  store.pushSetEntry(d, gfn, nr, mfn, t, a, lineNo, byteOffset);
  return true;
}
