// Typed protocol between the extension host (trace-session.ts) and the session worker
// (session-worker.ts, bundled as dist/session-worker.js). Parsing and replay run in the
// worker so the extension host thread never blocks; the host only forwards small, paged
// answers to views. Requests are keyed by method name, so each result type follows from it.

import type { TreeNodeKey, TreeNodeModel } from '../views/tree-model';
import type { CursorState, LogFilter, LogPage, MicroOpRow, PlotData, RegionFilter, RegionRow, StrategyResult } from './view-data';

export interface LoadOptions {
  /** Absolute path of the trace file. */
  path: string;
  format?: 'auto' | 'p2mtrace' | 'xentrace' | 'xenalyze' | 'xen-console';
  arch?: 'arm' | 'x86';
  ipaBits?: number;
  strategy?: string;
  /** Snapshot every N operations (seek cost bound). */
  snapshotInterval: number;
  /** 'index': stream the file and keep only an op index + the final state (index-only-session.ts). */
  mode?: 'full' | 'index';
}

export interface LoadSummary {
  name: string;
  opCount: number;
  eventCount: number;
  domains: number[];
  kinds: string[];
  violations: number;
  diagnostics: number;
  /** Parse diagnostics (first few), formatted `file:line:col: message`. */
  parseDiagnostics: string[];
  parseMs: number;
  replayMs: number;
  /** Set for index-only sessions: what the mode does not offer (shown in the status bar and log). */
  indexOnly?: string;
}

export interface ExportResult { text: string; suggestedExt: string }

/** Every request: params and result types, by method. */
export interface WorkerMethods {
  load: { params: LoadOptions; result: LoadSummary };
  seek: { params: { position: number }; result: CursorState };
  setDomain: { params: { domain: number }; result: CursorState };
  treeRoots: { params: Record<string, never>; result: TreeNodeModel[] };
  treeChildren: { params: { key: TreeNodeKey }; result: TreeNodeModel[] };
  treePath: { params: { domain: number; gfn: number }; result: TreeNodeModel[] };
  regions: { params: { domain?: number; filter: RegionFilter; limit: number }; result: { rows: RegionRow[]; truncated: boolean } };
  lookup: { params: { domain: number; gfn: number }; result: { text: string } };
  logQuery: { params: { filter: LogFilter }; result: { total: number; cursorIndex: number } };
  logPage: { params: { offset: number; count: number }; result: LogPage };
  /** Row of the op in the current filtered list, or of the nearest earlier matching op (-1: none). */
  logIndexOf: { params: { op: number }; result: number };
  microOps: { params: { op: number }; result: MicroOpRow[] };
  plots: { params: { buckets: number }; result: PlotData };
  dumpInfo: { params: { domain?: number }; result: string };
  export: { params: { format: 'json' | 'dump' | 'p2mtrace' }; result: ExportResult };
  /** Op index for a source line (Replay to Line): the last op starting at or before it. */
  opForLine: { params: { line: number }; result: number };
  compareStrategies: { params: Record<string, never>; result: StrategyResult[] };
}

export type WorkerMethod = keyof WorkerMethods;
export type ParamsOf<M extends WorkerMethod> = WorkerMethods[M]['params'];
export type ResultOf<M extends WorkerMethod> = WorkerMethods[M]['result'];

export type WorkerRequest = { [M in WorkerMethod]: { type: 'request'; id: number; method: M; params: ParamsOf<M> } }[WorkerMethod];

export interface LoadProgress {
  phase: 'read' | 'parse' | 'replay';
  bytes: number;
  totalBytes: number;
  records: number;
  ops: number;
  totalOps: number;
}

/** Worker → host. */
export type WorkerMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'progress'; id: number; progress: LoadProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
