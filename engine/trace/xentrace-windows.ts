// Pass 1 of the xentrace reader: find the windows (trace-formats §1.2). A file is a plain
// concatenation of [12-byte CPU-change record][window_size bytes of t_rec records]; there is
// no file header. Damage is reported and skipped: a bad CPU-change record triggers a bounded
// forward search for the next plausible one, a window_size beyond EOF is truncated to EOF.

import { ByteCursor, ByteSource } from './byte-source';
import { DiagnosticList } from './diagnostics';

export const TRC_TRACE_CPU_CHANGE_HDR = 0x2001f003;
/** xenalyze's MAX_CPUS: CPU ids at or above this are rejected. */
export const MAX_CPUS = 256;
/** How far we look for the next CPU-change record after damage before giving up. */
export const DEFAULT_RESYNC_LIMIT = 16 << 20;

export interface WindowList {
  count: number;
  /** File offset of the first record byte (after the 12-byte CPU-change record). */
  start: Float64Array;
  /** Usable bytes (clipped to EOF). */
  size: Float64Array;
  cpu: Int16Array;
}

function hex(n: number): string { return '0x' + n.toString(16); }

function plausibleHeader(cur: ByteCursor, src: ByteSource, off: number): boolean {
  if (off + 12 > src.size || cur.u32(off) !== TRC_TRACE_CPU_CHANGE_HDR) return false;
  const cpu = cur.u32(off + 4) | 0;
  const ws = cur.u32(off + 8);
  return cpu >= 0 && cpu < MAX_CPUS && off + 12 + ws <= src.size && ws % 4 === 0;
}

export function scanWindows(src: ByteSource, diags: DiagnosticList, resyncLimit = DEFAULT_RESYNC_LIMIT): WindowList {
  let cap = 64;
  let start = new Float64Array(cap);
  let size = new Float64Array(cap);
  let cpus = new Int16Array(cap);
  let count = 0;
  const cur = new ByteCursor(src);
  const total = src.size;
  if (total === 0) {
    diags.add({ line: 0, column: 0, byteOffset: 0, severity: 'error', message: 'empty file: expected a xentrace CPU-change record (0x2001f003) at offset 0' });
  }
  let off = 0;
  while (off < total) {
    if (off + 12 > total) {
      diags.add({ line: 0, column: 0, byteOffset: off, severity: 'error',
        message: `truncated CPU-change record: ${total - off} bytes left at end of file, expected 12` });
      break;
    }
    const h = cur.u32(off);
    const cpu = cur.u32(off + 4) | 0;
    let ws = cur.u32(off + 8);
    if (h !== TRC_TRACE_CPU_CHANGE_HDR || cpu < 0 || cpu >= MAX_CPUS) {
      diags.add({ line: 0, column: 0, byteOffset: off, severity: 'error',
        message: h !== TRC_TRACE_CPU_CHANGE_HDR
          ? `expected a CPU-change record (header 0x2001f003) at ${hex(off)}, found 0x${h.toString(16).padStart(8, '0')}`
          : `CPU-change record at ${hex(off)} names cpu ${cpu}, expected 0..${MAX_CPUS - 1}` });
      // Resync: the next window header is 4-byte aligned relative to this one.
      let next = -1;
      const limit = Math.min(total - 12, off + resyncLimit);
      for (let p = off + 4; p <= limit; p += 4) {
        if (cur.u32(p) === TRC_TRACE_CPU_CHANGE_HDR && plausibleHeader(cur, src, p)) { next = p; break; }
      }
      if (next < 0) {
        diags.add({ line: 0, column: 0, byteOffset: off, severity: 'error',
          message: `no further CPU-change record found in the next ${Math.min(resyncLimit, total - off)} bytes: rest of file ignored` });
        break;
      }
      diags.add({ line: 0, column: 0, byteOffset: next, severity: 'info', message: `resynchronised at the CPU-change record at ${hex(next)}` });
      off = next;
      continue;
    }
    if (off + 12 + ws > total) {
      diags.add({ line: 0, column: 0, byteOffset: off, cpu, severity: 'error',
        message: `window_size ${ws} at ${hex(off)} runs ${off + 12 + ws - total} bytes beyond the end of the file: window truncated` });
      ws = total - off - 12;
    }
    if (count === cap) {
      cap *= 2;
      const s2 = new Float64Array(cap); s2.set(start); start = s2;
      const z2 = new Float64Array(cap); z2.set(size); size = z2;
      const c2 = new Int16Array(cap); c2.set(cpus); cpus = c2;
    }
    start[count] = off + 12; size[count] = ws; cpus[count] = cpu; count++;
    off += 12 + ws;
  }
  return { count, start, size, cpu: cpus };
}
