// Small, pure formatting helpers shared by the server features: page counts as sizes
// ("1 GiB"), numbers as hex, and lenient number parsing for editor positions (the parser
// owns the strict rules; here we only need "what number is under the cursor").

const UNITS: ReadonlyArray<[number, string]> = [
  [2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB'],
];

/** Size of `pages` 4 KiB frames, e.g. 0x40000 → "1 GiB", 0x202 → "2.01 MiB". */
export function formatPages(pages: number): string {
  return formatBytes(pages * 4096);
}

export function formatBytes(bytes: number): string {
  for (const [unit, name] of UNITS) {
    if (bytes >= unit) {
      const v = bytes / unit;
      const text = Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
      return `${text} ${name}`;
    }
  }
  return `${bytes} B`;
}

/** Order (0, 9, 18, …) as a size: 0 → "4K", 9 → "2M", 18 → "1G". */
export function orderName(order: number): string {
  switch (order) {
    case 0: return '4K';
    case 9: return '2M';
    case 18: return '1G';
    case 27: return '512G';
    default: return `order ${order}`;
  }
}

/** Lowercase hex with 0x; negative sentinels (INVALID_MFN, ULONG_MAX) print as all ones. */
export function hex(n: number): string {
  return n < 0 ? '0xffffffffffffffff' : '0x' + n.toString(16);
}

export function hexBig(n: bigint): string {
  return '0x' + BigInt.asUintN(64, n).toString(16);
}

/** `0x…` hex or decimal → number; undefined when malformed or not an exact JS number. */
export function parseNumber(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^[0-9]+$/.test(text)) v = parseInt(text, 10);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

/** `0x…` hex or decimal → bigint (descriptors); undefined when malformed. */
export function parseBig(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]{1,16}$/.test(text) || /^[0-9]{1,20}$/.test(text)) return BigInt(text);
  return undefined;
}
