// Format auto-detection from the first bytes (an explicit format always overrides it).
// xentrace has no magic number, but byte 0 must be the first window's CPU-change record
// (0x2001f003, little-endian), which no text format can start with. Text formats are told
// apart by their first meaningful lines; the file extension only breaks ties.

import { stripConsolePrefix } from './console-prefix';
import { canonicalVerb } from './p2mtrace-line';

export type TraceFormat = 'p2mtrace' | 'xentrace' | 'xenalyze' | 'xen-console' | 'jsonl';
export const TRACE_FORMAT_NAMES: readonly TraceFormat[] = ['p2mtrace', 'xentrace', 'xenalyze', 'xen-console', 'jsonl'];

export interface Detection {
  format: TraceFormat | undefined;
  reason: string;
}

/** How many leading bytes detection looks at. */
export const DETECT_BYTES = 64 * 1024;

const EXT: Record<string, TraceFormat> = {
  '.p2mtrace': 'p2mtrace', '.xentrace': 'xentrace', '.bin': 'xentrace', '.trace': 'xentrace',
  '.xenlog': 'xen-console', '.log': 'xen-console', '.xenalyze': 'xenalyze', '.jsonl': 'jsonl', '.ndjson': 'jsonl',
};

function extensionOf(name: string | undefined): TraceFormat | undefined {
  if (name === undefined) return undefined;
  if (/\.xenalyze(\.txt)?$/i.test(name)) return 'xenalyze';
  const m = /\.[A-Za-z0-9]+$/.exec(name);
  return m ? EXT[m[0].toLowerCase()] : undefined;
}

const XENALYZE_RE = /^[ \]]( {14}|\s*\d+\.\d{9}) .*? d(\d+|\?)v(\d+|\?) /;
const XENALYZE_INFO_RE = /^(scan_for_new_pcpu|init_pcpus|read_record|deactivate_pcpu|Creating (vcpu|domain)|Changing p\d+ current|Using VMX|No output defined)/;

export function detectFormat(head: Uint8Array, fileName?: string): Detection {
  if (head.length === 0) return { format: extensionOf(fileName), reason: 'empty input' };
  if (head.length >= 4 && head[0] === 0x03 && head[1] === 0xf0 && head[2] === 0x01 && head[3] === 0x20) {
    return { format: 'xentrace', reason: 'starts with a xentrace CPU-change record (0x2001f003)' };
  }
  // Binary data that is not xentrace: refuse to guess a text format.
  const n = Math.min(head.length, DETECT_BYTES);
  let nul = 0;
  for (let i = 0; i < n; i++) if (head[i] === 0) nul++;
  if (nul > 0) {
    const ext = extensionOf(fileName);
    return ext === 'xentrace'
      ? { format: 'xentrace', reason: 'binary data and a xentrace file extension' }
      : { format: undefined, reason: `binary data (${nul} NUL bytes in the first ${n}) that does not start with a xentrace CPU-change record` };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, n));
  let consoleLines = 0, xenalyzeLines = 0, p2mLines = 0, jsonLines = 0, seen = 0;
  for (const raw of text.split('\n').slice(0, 200)) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    seen++;
    const p = stripConsolePrefix(line);
    if (p.origin !== 'none') consoleLines++;
    const body = line.slice(p.end).trim();
    if (body.startsWith('#')) { p2mLines += 0.5; continue; }
    if (body.startsWith('{') && body.includes('"kind"')) jsonLines++;
    if (XENALYZE_RE.test(line) || XENALYZE_INFO_RE.test(line)) xenalyzeLines++;
    const verb = canonicalVerb(body.split(/\s+/)[0] ?? '');
    if (verb !== undefined && p.origin === 'none') p2mLines++;
  }
  const best: [TraceFormat, number][] = [
    ['jsonl', jsonLines], ['xen-console', consoleLines], ['xenalyze', xenalyzeLines], ['p2mtrace', p2mLines],
  ];
  best.sort((a, b) => b[1] - a[1]);
  if (best[0][1] > 0 && best[0][1] > best[1][1]) {
    return { format: best[0][0], reason: `${best[0][1]} of the first ${seen} non-empty lines look like ${best[0][0]}` };
  }
  const ext = extensionOf(fileName);
  if (ext !== undefined) return { format: ext, reason: `content is ambiguous; chose by file extension` };
  if (best[0][1] > 0) return { format: best[0][0], reason: 'ambiguous content; best guess' };
  return { format: undefined, reason: 'no line looks like any supported trace format' };
}
