// Xen console line prefixes: `(XEN) ` for hypervisor printk, `(d<N>) ` for guest console
// writes, each optionally followed by a `console_timestamps=` stamp (trace-formats §4.1):
//   date   [YYYY-MM-DD HH:MM:SS]      datems [YYYY-MM-DD HH:MM:SS.mmm]
//   boot   [SSSSS.uuuuuu]              raw    [<16 hex digits>]
// Shared by the console reader and the .p2mtrace parser (which accepts pasted console text).

export type TimestampKind = 'date' | 'datems' | 'boot' | 'raw';

export interface ConsolePrefix {
  /** Index in the line where the payload starts (0 when there is no prefix). */
  end: number;
  origin: 'xen' | 'guest' | 'none';
  guestDomain?: number;
  timestampKind?: TimestampKind;
  /** Seconds since boot for `boot` stamps. */
  bootSeconds?: number;
  /** Raw get_cycles() value for `raw` stamps. */
  raw?: bigint;
  /** The stamp text inside the brackets for `date`/`datems`. */
  date?: string;
}

// Leading blanks are tolerated so that indented copy-pastes still parse.
const PREFIX_RE = /^[ \t]*\((XEN|d(\d{1,5}))\) (?:\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})?|\s*\d+\.\d{6}|[0-9a-fA-F]{16})\] ?)?/;

export function stripConsolePrefix(line: string): ConsolePrefix {
  // Cheap pre-check: the regex only runs on lines that can match.
  const c = line.charCodeAt(0);
  if (c !== 0x28 /* ( */ && c !== 0x20 && c !== 0x09) return { end: 0, origin: 'none' };
  const m = PREFIX_RE.exec(line);
  if (!m) return { end: 0, origin: 'none' };
  const out: ConsolePrefix = { end: m[0].length, origin: m[1] === 'XEN' ? 'xen' : 'guest' };
  if (m[2] !== undefined) out.guestDomain = Number(m[2]);
  const ts = m[3];
  if (ts !== undefined) {
    if (ts.includes('-')) {
      out.timestampKind = m[4] !== undefined ? 'datems' : 'date';
      out.date = ts;
    } else if (ts.includes('.')) {
      out.timestampKind = 'boot';
      out.bootSeconds = Number(ts.trim());
    } else {
      out.timestampKind = 'raw';
      out.raw = BigInt('0x' + ts);
    }
  }
  return out;
}
