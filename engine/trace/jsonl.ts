// JSON Lines form of the record stream: one record per line, for scripts (jq, pandas).
// 64-bit values (descriptors, TSCs, IPAs) and frame numbers cross JSON as "0x…" hex strings
// (INVALID_MFN as "invalid"), converted only here. The reader validates every line and
// reports malformed ones with their line number instead of throwing.

import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { INVALID_MFN, TraceLoc, TraceRecord, TraceRecordKind, isArmP2mType, isP2mAccess } from './records';
import { RecordStore } from './record-store';
import { LineFeeder } from './line-feeder';
import { DEFAULT_MAX_LINE } from './p2mtrace';

/** Fields held as JS numbers but written as hex frame numbers. */
const FRAME_FIELDS = new Set(['gfn', 'nr', 'mfn', 'table', 'rootMfn']);
/** Fields held as bigint. */
const BIG_FIELDS = new Set(['old', 'new', 'ipa', 'descriptor', 'firstTsc', 'tsc']);

const REQUIRED: Record<TraceRecordKind, string[]> = {
  config: [], domain: ['domain'], setEntry: ['domain', 'gfn', 'nr', 'mfn', 'type', 'access'],
  setAtOrder: ['domain', 'gfn', 'order', 'mfn', 'type', 'access'], lookup: ['domain', 'gfn'], expect: ['domain', 'gfn'],
  memAccess: ['domain', 'enable'], invalidateRoot: ['domain'], resolveFault: ['domain', 'gfn'], relinquish: ['domain'],
  writePte: ['domain', 'table', 'index', 'old', 'new'], tlbFlush: ['domain'], dsb: ['domain'], beginLock: ['domain'],
  endLock: ['domain'], checkpointDumpInfo: ['domain', 'vmid', 'mappings', 'shattered'], checkpointLookup: ['domain', 'ipa', 'lines'],
  lostRecords: ['cpu', 'count', 'domain', 'vcpu', 'firstTsc'], otherMem: ['event', 'domain'], opaque: ['event', 'words'],
};

function encode(key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  if (FRAME_FIELDS.has(key) && typeof v === 'number') return v === INVALID_MFN ? 'invalid' : '0x' + v.toString(16);
  return v;
}

export function recordToJson(r: TraceRecord): string {
  const { loc, ...rest } = r;
  const { source: _source, ...l } = loc;
  return JSON.stringify({ ...rest, loc: l }, (k, v) => encode(k, v));
}

export function writeJsonl(records: Iterable<TraceRecord>): string {
  let s = '';
  for (const r of records) s += recordToJson(r) + '\n';
  return s;
}

/** Undo `encode` recursively; throws a message string on a malformed value (caught per line). */
function decode(key: string, v: unknown): unknown {
  if (BIG_FIELDS.has(key)) {
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(v)) throw `${key}: expected a "0x…" hex string`;
    return BigInt(v);
  }
  if (FRAME_FIELDS.has(key)) {
    if (v === 'invalid' && key === 'mfn') return INVALID_MFN;
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,14}$/.test(v)) throw `${key}: expected a "0x…" hex string`;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw `${key}: value beyond 2^53`;
    return n;
  }
  if (key === 'type' && (typeof v !== 'string' || !isArmP2mType(v))) throw 'type: expected an Arm p2m type name';
  if (key === 'access' && (typeof v !== 'string' || !isP2mAccess(v))) throw 'access: expected a p2m access name';
  if (typeof v === 'number' && !Number.isFinite(v)) throw `${key}: expected a finite number`;
  return v;
}

export class JsonlReader {
  readonly store: RecordStore;
  private readonly diags: DiagnosticList;
  private readonly feeder: LineFeeder;

  constructor(readonly source: string, maxLine = DEFAULT_MAX_LINE * 16) {
    this.store = new RecordStore(source);
    this.diags = new DiagnosticList(source);
    this.feeder = new LineFeeder((l, n, b) => this.line(l, n, b),
      (n, b) => this.diags.add({ line: n, column: 1, byteOffset: b, severity: 'error', message: `line longer than ${maxLine} characters: skipped` }), maxLine);
  }

  feed(chunk: string): void { this.feeder.feed(chunk); }
  end(): { store: RecordStore; diagnostics: TraceDiagnostic[] } {
    this.feeder.end();
    return { store: this.store, diagnostics: this.diags.finish() };
  }

  private line(line: string, lineNo: number, byte: number): void {
    if (line.trim() === '') return;
    const fail = (msg: string): void => this.diags.add({ line: lineNo, column: 1, byteOffset: byte, severity: 'error', message: msg });
    // Not an object: say so without JSON.parse. A thrown SyntaxError costs ~15 µs (stack
    // capture), which made a non-JSON file of 30k lines take half a second per 150 kB.
    if (line.trimStart()[0] !== '{') { fail('expected a JSON object ({…}) on this line'); return; }
    let obj: unknown;
    try {
      obj = JSON.parse(line, (k, v) => (k === '' || Array.isArray(v) || (typeof v === 'object' && v !== null) ? v : decode(k, v)));
    } catch (e) {
      fail(typeof e === 'string' ? e : `expected one JSON object per line: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) { fail('expected a JSON object'); return; }
    const o = obj as Record<string, unknown>;
    const kind = o.kind;
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(REQUIRED, kind)) {
      fail(`kind: expected one of ${Object.keys(REQUIRED).join(', ')}`);
      return;
    }
    for (const k of REQUIRED[kind as TraceRecordKind]) {
      if (!(k in o)) { fail(`${kind}: missing field '${k}'`); return; }
    }
    const l = (typeof o.loc === 'object' && o.loc !== null ? o.loc : {}) as Partial<TraceLoc>;
    o.loc = { ...l, source: this.source, line: l.line ?? lineNo, column: l.column ?? 1, byteOffset: l.byteOffset ?? byte };
    this.store.push(o as unknown as TraceRecord);
  }
}

export function readJsonl(text: string, source = '<jsonl>'): { store: RecordStore; diagnostics: TraceDiagnostic[] } {
  const r = new JsonlReader(source);
  r.feed(text);
  return r.end();
}
