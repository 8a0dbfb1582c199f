// The one protocol file shared by the language client (extension host) and the language
// server (dist/server.js): every custom request, notification, command id and setting the two
// sides exchange is declared here, so the response type follows from the request name.
// 64-bit values (GFNs, MFNs, descriptors) cross JSON as lowercase hex strings ("0x…").
// Lines are 0-based (LSP convention) everywhere in this file.
//
// Why not vscode-jsonrpc's RequestType here: the client and the server packages each bundle
// their own copy of vscode-languageserver-protocol, and RequestType has private members, so
// one shared instance would not type-check on both sides. A request is instead a typed method
// descriptor; each side sends/handles it through its own one-line typed helper.

/** A custom request: its method, with the params and result types carried in the type. */
export interface TypedRequest<P, R> {
  readonly method: string;
  /** Type carriers only; never set at run time. */
  readonly _params?: P;
  readonly _result?: R;
}

/** A custom notification: its method, with the params type carried in the type. */
export interface TypedNotification<P> {
  readonly method: string;
  readonly _params?: P;
}

export type ParamsOf<T> = T extends TypedRequest<infer P, unknown> ? P : T extends TypedNotification<infer P> ? P : never;
export type ResultOf<T> = T extends TypedRequest<unknown, infer R> ? R : never;

/** Document languages the server handles (package.json `contributes.languages` ids). */
export const LSP_LANGUAGES = ['p2mtrace', 'xen-console', 'xenalyze'] as const;
export type LspLanguage = (typeof LSP_LANGUAGES)[number];

/** Hex string of a 64-bit value, e.g. "0x40000"; INVALID_MFN is "0xffffffffffffffff". */
export type Hex = string;

/** Commands the server's code lenses and code actions invoke; implemented in the extension. */
export const LspCommands = {
  /** args: [line: number] — 1-BASED line (the UI command's convention); acts on the active trace editor. */
  replayToLine: 'p2m.replayToLine',
  /** args: [uri, line: number] — 1-BASED line (the debugger's convention). The server sends the
   *  uri as a string; the client turns it into a vscode.Uri (code-lens middleware). */
  debugFromLine: 'p2m.debugFromLine',
  /** args: [uri: string] — server-side command: write a .p2mtrace beside a console log. */
  convertToP2mtrace: 'p2m.lsp.convertToP2mtrace',
} as const;

/** Settings section read by the server (`p2m.languageServer.*`). */
export const LSP_SETTINGS_SECTION = 'p2m.languageServer';

export type LspSeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** Diagnostic groups whose severity the user can configure. */
export const LSP_DIAGNOSTIC_GROUPS = ['parse', 'assert', 'drift', 'ipa', 'rc', 'bbm', 'checkpoint', 'expect'] as const;
export type LspDiagnosticGroup = (typeof LSP_DIAGNOSTIC_GROUPS)[number];

export interface LspSettings {
  /** Per-group severity override; missing groups keep their built-in default. */
  severity?: Partial<Record<LspDiagnosticGroup, LspSeverityName>>;
  /** Debounce between the last edit and re-analysis, in ms (default 50). */
  debounceMs?: number;
  /** Ops between replay snapshots (default 4000). */
  snapshotEvery?: number;
}

/** Identifies "the state of one domain's p2m after the operation on `line`". */
export interface LinePointParams {
  uri: string;
  /** 0-based line; the state is the one after every operation on lines ≤ `line`. */
  line: number;
  /** Domain id; default: the domain active at that line. */
  domain?: number;
}

export interface XenStats {
  mappings: [number, number, number, number];
  shattered: [number, number, number, number];
}

export interface StateAtLineResult {
  /** False while the document has not been replayed yet (nothing else is then meaningful). */
  ready: boolean;
  domain: number;
  /** Every domain the trace touches, ascending. */
  domains: number[];
  /** Index of the last operation at or before the line (−1: none yet). */
  opIndex: number;
  /** Total operations in the document. */
  opCount: number;
  stats: XenStats;
  maxMappedGfn: Hex;
  lowestMappedGfn: Hex;
  /** TLB flushes performed up to this point (all causes). */
  tlbFlushes: number;
  /** `p2m_dump_info` text at this point. */
  dumpInfo: string;
}

export interface RegionsParams extends LinePointParams {
  fromGfn?: Hex;
  toGfn?: Hex;
  /** Maximum regions returned (default 1000). */
  limit?: number;
}

export interface RegionInfo {
  gfn: Hex;
  /** Number of 4K frames. */
  count: number;
  mfn: Hex;
  type: string;
  access: string;
  level: number;
}

export interface RegionsResult {
  ready: boolean;
  regions: RegionInfo[];
  truncated: boolean;
}

export interface WalkParams extends LinePointParams {
  gfn: Hex;
}

export interface WalkStepInfo {
  level: number;
  table: Hex;
  index: number;
  descriptor: Hex;
  /** Human-readable decode of the descriptor, e.g. "table → 0x80010" or "2M block mfn=… ram_rw rwx". */
  decoded: string;
}

export interface WalkResult {
  ready: boolean;
  steps: WalkStepInfo[];
  /** p2m_get_entry's answer at this point. */
  mfn: Hex;
  type: string;
  order: number;
  valid: boolean;
}

/** State of a domain's p2m after the operations up to a line. */
export const StateAtLineRequest: TypedRequest<LinePointParams, StateAtLineResult> = { method: 'p2m/stateAtLine' };
/** Coalesced mapped regions at a line (tree view / GFN completion). */
export const RegionsRequest: TypedRequest<RegionsParams, RegionsResult> = { method: 'p2m/regions' };
/** The table walk for a GFN at a line, every level decoded. */
export const WalkRequest: TypedRequest<WalkParams, WalkResult> = { method: 'p2m/walk' };

/** Server → client after each analysis pass of a document (tests and status bar use it). */
export interface AnalysisDoneParams {
  uri: string;
  version: number;
  /** Records parsed and operations replayed in the whole document. */
  records: number;
  ops: number;
  /** Operations actually re-executed in this pass (less than `ops` when resumed from a snapshot). */
  replayedOps: number;
  /** 0-based line the replay resumed from (0 for a full replay). */
  resumedFromLine: number;
  diagnostics: number;
  /** Wall time of this pass, from the start of parsing to the publish. */
  durationMs: number;
  /** True when the engine was available and the replay ran; false for parse-only analysis. */
  replayed: boolean;
  /** Wall time per phase (ms): split+parse, replay, composing+sending diagnostics. */
  phases: { parseMs: number; replayMs: number; publishMs: number; firstPublishMs: number; cpuMs: number; firstPublishCpuMs: number };
}
export const AnalysisDoneNotification: TypedNotification<AnalysisDoneParams> = { method: 'p2m/analysisDone' };

/** Server process facts (benchmarks; the crash-restart test needs the pid). Memory in kB. */
export interface ServerProcessInfo { rss: number; heapUsed: number; arrayBuffers: number; maxRss: number; pid: number }
export const DebugMemoryRequest: TypedRequest<{ gc?: boolean } | undefined, ServerProcessInfo> = { method: 'p2m/debugMemory' };
