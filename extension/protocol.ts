// The one typed message protocol between the extension host and the P2M webview ("P2M Trace
// Log"). Both sides import these types (the webview bundle imports types only, so no vscode
// code leaks into it). Handshake: the webview posts `ready` once its script runs, the host
// answers `init`. Log data is paged (never the whole log): the webview asks for a
// filter (`query`), gets a total, then asks for 200-row pages by offset. Every message carries
// `gen` where a stale reply could otherwise overwrite a newer filter's rows.

import type { CursorState, LogFilter, LogPage, MicroOpRow, PlotData, StrategyResult } from './session/view-data';

export interface SessionInfo {
  name: string;
  opCount: number;
  kinds: string[];
  domains: number[];
  pageSize: number;
}

/** Webview → host. */
export type TraceLogToHost =
  | { type: 'ready' }
  | { type: 'query'; gen: number; filter: LogFilter }
  | { type: 'page'; gen: number; offset: number; count: number }
  | { type: 'microOps'; op: number }
  | { type: 'seek'; position: number }
  | { type: 'plots'; buckets: number }
  | { type: 'compare' };

/** Host → webview. */
export type HostToTraceLog =
  | { type: 'init'; session: SessionInfo | null; cursor: CursorState | null }
  | { type: 'queryResult'; gen: number; total: number; cursorIndex: number }
  | { type: 'page'; gen: number; page: LogPage }
  | { type: 'microOps'; op: number; rows: MicroOpRow[] }
  /** `index`: position of the cursor's op in the current filtered list (-1 = not in it). */
  | { type: 'cursor'; cursor: CursorState; index: number }
  | { type: 'plots'; data: PlotData }
  | { type: 'setFilter'; filter: LogFilter }
  | { type: 'strategies'; results: StrategyResult[] }
  | { type: 'error'; message: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isFilter(v: unknown): v is LogFilter {
  if (!isObj(v)) return false;
  const okStr = (k: string) => v[k] === undefined || typeof v[k] === 'string';
  const okInt = (k: string) => v[k] === undefined || isInt(v[k]);
  const kinds = v.kinds === undefined || (Array.isArray(v.kinds) && v.kinds.every(k => typeof k === 'string'));
  const touched = v.touched === undefined ||
    (isObj(v.touched) && isInt(v.touched.domain) && typeof v.touched.gfnFirst === 'string' && typeof v.touched.gfnLast === 'string');
  return kinds && touched && okStr('gfnFirst') && okStr('gfnLast') && okStr('text') && okInt('domain') &&
    okInt('opFrom') && okInt('opTo') && (v.onlyViolations === undefined || typeof v.onlyViolations === 'boolean');
}

/**
 * Validate untrusted input from the webview. Unknown types or malformed fields return
 * undefined; the host logs and ignores them (a compromised webview must not crash the host).
 */
export function parseTraceLogMessage(msg: unknown): TraceLogToHost | undefined {
  if (!isObj(msg) || typeof msg.type !== 'string') return undefined;
  switch (msg.type) {
    case 'ready': case 'compare': return { type: msg.type };
    case 'query': return isInt(msg.gen) && isFilter(msg.filter) ? { type: 'query', gen: msg.gen, filter: msg.filter } : undefined;
    case 'page':
      return isInt(msg.gen) && isInt(msg.offset) && isInt(msg.count) && msg.offset >= 0 && msg.count > 0 && msg.count <= 1000
        ? { type: 'page', gen: msg.gen, offset: msg.offset, count: msg.count } : undefined;
    case 'microOps': return isInt(msg.op) && msg.op >= 0 ? { type: 'microOps', op: msg.op } : undefined;
    case 'seek': return isInt(msg.position) && msg.position >= 0 ? { type: 'seek', position: msg.position } : undefined;
    case 'plots': return isInt(msg.buckets) && msg.buckets > 0 && msg.buckets <= 4096 ? { type: 'plots', buckets: msg.buckets } : undefined;
    default: return undefined;
  }
}

/** Narrowing guard for untrusted input arriving from a webview. */
export function isWebviewToHost(msg: unknown): msg is TraceLogToHost {
  return parseTraceLogMessage(msg) !== undefined;
}
