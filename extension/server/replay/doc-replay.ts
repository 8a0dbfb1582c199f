// Live replay of one document on the engine, incremental: snapshots of every domain's p2m are
// taken every `snapshotEvery` operations, and after an edit the replay restores the last
// snapshot before the first changed line and re-executes only from there. Results are built
// on the side and committed at the end, so a cancelled pass leaves the previous ones intact.
// Point queries ("state after line N") restore the nearest snapshot and run forward with
// event recording off. Every state change starts from a restore, so passes and queries can
// interleave (the scheduler guarantees they never overlap).
import { DiagnosticSeverity, Range } from 'vscode-languageserver/node';
import type { P2m } from '../../../engine/p2m/p2m';
import { accessName, typeName } from '../../../engine/arch/types';
import type { TraceConfig, TraceRecord } from '../../../engine/trace/records';
import type { LspDiagnosticGroup } from '../../lsp-protocol';
import type { ParsedDocument } from '../parse-document';
import { CancelToken, yieldToLoop } from '../scheduler';
import { fromEngineSeverity, groupOfCode } from '../severity';
import { describeDescriptor } from '../describe';
import { DomainSet, DomainSetSnapshot } from './domains';
import { execRecord, isEngineOp, recordRange } from './record-exec';
import { runBbmPass, BbmDiagnostic } from './bbm-pass';
import { runEngineBbmPass } from './engine-bbm-pass';
import { chunkRuns, fillEffects } from './op-observer';
import type { LookupView, OpInfo, RegionView, StateView, WalkStepView } from './types';

export interface ReplayDiagnostic {
  range: Range;
  group: LspDiagnosticGroup;
  severity: DiagnosticSeverity;
  code: string;
  message: string;
}

export interface ReplayRunStats {
  replayed: boolean;
  replayedOps: number;
  resumedFromLine: number;
}

interface Snapshot {
  /** records[0 .. recordIndex) have been applied. */
  recordIndex: number;
  /** 0-based line of the last applied record (−1 for the initial state). */
  line: number;
  /** ops.length at this point. */
  opCount: number;
  domains: DomainSetSnapshot;
}

/** Yield to the event loop at least this often during a pass (ms). */
const SLICE_MS = 15;
/** A pass still running after this long publishes what it has (ms; the edit budget is 200). */
const PROGRESS_MS = 40;
/** Shared empty list: most ops have no diagnostics, chunks or flushes (memory per op matters at 1e5). */
const NONE: never[] = [];
/** Records between explicit collections during a pass (only with --expose-gc). */
const GC_EVERY_RECORDS = 40_000;
/** Snapshot spacing grows with the document so there are at most about this many. */
const MAX_SNAPSHOTS = 8;

export class DocReplay {
  ready = false;
  ops: OpInfo[] = [];
  private records: readonly TraceRecord[] = [];
  private snapshots: Snapshot[] = [];
  private set: DomainSet | undefined;
  private configKey = '';
  private bbm: BbmDiagnostic[] = [];
  /** records[0 .. position) are applied to the live engine state right now. */
  private position = 0;

  constructor(readonly snapshotEvery: number) {}

  get opCount(): number {
    return this.ops.length;
  }

  /** BBM findings of the committed results (kept for partial publishes). */
  get bbmFindings(): readonly BbmDiagnostic[] {
    return this.bbm;
  }

  /**
   * Re-replays from the last snapshot before `dirtyLine`. When the pass is long, `onProgress`
   * is called once, after PROGRESS_MS, with the ops replayed so far and the last line they
   * reach, so the caller can publish early (the tail from the previous results, shifted).
   */
  async update(parsed: ParsedDocument, dirtyLine: number, token: CancelToken,
    onProgress?: (ops: readonly OpInfo[], lastLine: number) => void): Promise<ReplayRunStats | null> {
    this.keptProgress = false;
    const records = parsed.records;
    const key = JSON.stringify(parsed.config);
    let set = this.set;
    let base: Snapshot | undefined;
    if (set && key === this.configKey) {
      // Last snapshot strictly before the first changed line: every record it covers is unchanged.
      for (let i = this.snapshots.length - 1; i >= 0; i--) {
        if (this.snapshots[i].line < dirtyLine) { base = this.snapshots[i]; break; }
      }
    }
    let snapshots: Snapshot[];
    if (!set || !base) {
      set = new DomainSet(parsed.config);
      base = { recordIndex: 0, line: -1, opCount: 0, domains: set.snapshot() };
      snapshots = [base];
    } else {
      set.restore(base.domains);
      snapshots = this.snapshots.slice(0, this.snapshots.indexOf(base) + 1);
    }
    const ops = this.ops.slice(0, base.opCount);
    // From here the live state belongs to this pass; a later pass or query restores anyway.
    this.position = -1;
    let sinceSnap = 0;
    // About MAX_SNAPSHOTS snapshots per document: random writes touch most table pages between
    // two snapshots, so each one can cost a copy of the working set (copy-on-write pages).
    const every = Math.max(this.snapshotEvery, Math.ceil(records.length / MAX_SNAPSHOTS));
    let sliceStart = performance.now();
    const passStart = sliceStart;
    const gc = (globalThis as { gc?: () => void }).gc;
    let lastGc = base.recordIndex;
    let progressed = onProgress === undefined;
    for (let i = base.recordIndex; i < records.length; i++) {
      const op = this.apply(set, records[i], i, ops.length, true);
      if (op) {
        ops.push(op);
        if (++sinceSnap >= every) {
          sinceSnap = 0;
          snapshots.push({ recordIndex: i + 1, line: op.line, opCount: ops.length, domains: set.snapshot() });
        }
      }
      if (gc && i - lastGc >= GC_EVERY_RECORDS) {
        // Long passes allocate fast (op records, engine pages); collecting now and then keeps
        // the peak RSS near the live data instead of letting V8 grow the heap (~50 ms each).
        lastGc = i;
        gc();
      }
      if ((i & 127) === 0 && performance.now() - sliceStart > SLICE_MS) {
        if (!progressed && performance.now() - passStart > PROGRESS_MS && ops.length > 0) {
          progressed = true;
          onProgress!(ops, ops[ops.length - 1].line);
        }
        await yieldToLoop();
        if (token.cancelled) {
          this.keepProgress(set, key, records, ops, snapshots, base);
          return null;
        }
        sliceStart = performance.now();
      }
    }
    if (token.cancelled) return null;
    const bbm = [...runBbmPass(records), ...runEngineBbmPass(records, parsed.config)];
    // Commit.
    this.set = set;
    this.configKey = key;
    this.records = records;
    this.ops = ops;
    this.snapshots = snapshots;
    this.bbm = bbm;
    this.position = records.length;
    this.ready = true;
    return { replayed: true, replayedOps: ops.length - base.opCount, resumedFromLine: base.line + 1 };
  }

  /**
   * A cancelled pass keeps what it finished: its snapshots (and the ops before the last one)
   * describe the text it parsed, and the next pass only resumes from snapshots before the first
   * line changed since the last *completed* analysis (the scheduler keeps the smaller dirty
   * line), so they stay valid. Without this, typing during the first replay of a large file
   * would restart it from the top on every keystroke and never finish.
   */
  private keepProgress(set: DomainSet, key: string, records: readonly TraceRecord[], ops: OpInfo[], snapshots: Snapshot[], base: Snapshot): void {
    const last = snapshots[snapshots.length - 1];
    if (last === base) return; // nothing new since the resume point
    this.keptProgress = true;
    this.set = set;
    this.configKey = key;
    this.records = records;
    this.ops = ops.slice(0, last.opCount);
    this.snapshots = snapshots;
    this.position = -1;
  }

  /** Set when the last update() was cancelled but kept progress for the text it parsed. */
  keptProgress = false;

  /** True once a pass has committed results (complete or partial) to resume from. */
  get hasState(): boolean {
    return this.set !== undefined;
  }

  /**
   * Applies records[i]. With `observe`, builds the OpInfo of an engine operation from the
   * events it recorded; without, only the state changes (queries run with recording off).
   */
  private apply(set: DomainSet, r: TraceRecord, i: number, opIndex: number, observe: boolean): OpInfo | undefined {
    if (r.kind === 'domain') { set.declare(r); return undefined; }
    if (!isEngineOp(r)) return undefined;
    const domain = (r as { domain: number }).domain;
    const p2m = set.get(domain);
    if (!observe) { set.lastStats.delete(domain); execRecord(p2m, r); return undefined; }
    const diag0 = p2m.diagnostics.length;
    const memAccess = p2m.memAccessEnabled;
    const before = set.lastStats.get(domain) ?? p2m.stats();
    const res = execRecord(p2m, r);
    const range = recordRange(r);
    const op: OpInfo = {
      index: opIndex, recordIndex: i, line: Math.max(0, r.loc.line - 1), domain, kind: r.kind,
      gfn: range.gfn, nr: range.nr, mfn: range.mfn, rc: res.rc, chunks: NONE, flushes: 0, flushCauses: NONE,
      tablesAllocated: 0, tablesFreed: 0, statDelta: [0, 0, 0, 0, 0, 0, 0, 0],
      diags: NONE, checkpoint: res.checkpoint,
    };
    if (r.kind === 'setEntry') op.chunks = chunkRuns(r.gfn, r.nr, r.mfn, memAccess);
    else if (r.kind === 'setAtOrder') op.chunks = [{ gfn: r.gfn, order: r.order, count: 1 }];
    const after = p2m.stats();
    set.lastStats.set(domain, after);
    fillEffects(op, before, after);
    const engineDiags = p2m.diagnostics;
    const diags: OpInfo['diags'] = [];
    for (let k = diag0; k < engineDiags.length; k++) {
      const d = engineDiags[k];
      if (d.code === 'rc-error' && res.rcDeclared) continue; // replaced by the rc= check
      diags.push({ code: d.code, severity: d.severity, message: d.message, gfn: d.gfn });
    }
    diags.push(...res.diags);
    if (diags.length > 0) op.diags = diags;
    return op;
  }

  diagnostics(lines: string[]): ReplayDiagnostic[] {
    return replayDiagnostics(this.ops, this.bbm, lines);
  }

  /** Op whose record is on `line` (first one when several). */
  opAtLine(line: number): OpInfo | undefined {
    const k = this.opsUpTo(line);
    const op = k > 0 ? this.ops[k - 1] : undefined;
    if (!op || op.line !== line) return undefined;
    let j = k - 1;
    while (j > 0 && this.ops[j - 1].line === line) j--;
    return this.ops[j];
  }

  /** Number of ops whose line is ≤ `line` (ops are in line order). */
  private opsUpTo(line: number): number {
    let lo = 0, hi = this.ops.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.ops[m].line <= line) lo = m + 1; else hi = m;
    }
    return lo;
  }

  /** First record index after every record on lines ≤ `line`. */
  private recordsUpTo(line: number): number {
    let lo = 0, hi = this.records.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.records[m].loc.line - 1 <= line) lo = m + 1; else hi = m;
    }
    return lo;
  }

  /** Moves the live engine state to "after every record on lines ≤ line"; the domain set. */
  private seek(line: number): DomainSet | undefined {
    const set = this.set;
    if (!set || !this.ready) return undefined;
    const target = this.recordsUpTo(line);
    if (this.position !== target) {
      let snap: Snapshot | undefined;
      for (let i = this.snapshots.length - 1; i >= 0; i--) {
        if (this.snapshots[i].recordIndex <= target) { snap = this.snapshots[i]; break; }
      }
      if (!snap) return undefined;
      let from = snap.recordIndex;
      // Running forward from where we are is cheaper than a restore when it is closer.
      if (this.position >= 0 && this.position <= target && this.position >= snap.recordIndex) from = this.position;
      else set.restore(snap.domains);
      for (let i = from; i < target; i++) this.apply(set, this.records[i], i, 0, false);
      this.position = target;
    }
    return set;
  }

  domainAtLine(line: number): number {
    const k = this.recordsUpTo(line);
    for (let i = k - 1; i >= 0 && i >= k - 10_000; i--) {
      const r = this.records[i] as { domain?: number };
      if (typeof r.domain === 'number') return r.domain;
    }
    return this.ops[0]?.domain ?? 1;
  }

  private p2mAt(line: number, domain: number | undefined): { set: DomainSet; p2m: P2m; domain: number } | undefined {
    const set = this.seek(line);
    if (!set) return undefined;
    const d = domain ?? this.domainAtLine(line);
    const p2m = set.p2ms.get(d);
    return p2m ? { set, p2m, domain: d } : undefined;
  }

  regionsAt(line: number, domain: number | undefined, limit: number, from = 0, to = Number.MAX_SAFE_INTEGER): RegionView[] {
    const at = this.p2mAt(line, domain);
    if (!at) return [];
    return at.p2m.regions(from, to).slice(0, limit).map(r => ({
      gfn: r.gfn, count: r.count, mfn: r.mfn, type: typeName(r.type), access: accessName(r.access), level: r.level,
    }));
  }

  lookupAt(line: number, domain: number | undefined, gfn: number): LookupView | undefined {
    if (line < 0) return { mfn: -1, type: 'invalid', access: 'rwx', order: 0, valid: false };
    const at = this.p2mAt(line, domain);
    if (!at) return this.ready ? { mfn: -1, type: 'invalid', access: 'rwx', order: 0, valid: false } : undefined;
    const e = at.p2m.lookup(gfn);
    return { mfn: e.mfn, type: typeName(e.type), access: accessName(e.access), order: e.order, valid: e.valid };
  }

  walkAt(line: number, domain: number | undefined, gfn: number): WalkStepView[] {
    const at = this.p2mAt(line, domain);
    if (!at) return [];
    return at.p2m.walk(gfn).map(s => ({ level: s.level, table: s.table, index: s.index, descriptor: s.descriptor, decoded: describeDescriptor(s.descriptor, s.level) }));
  }

  stateAt(line: number, domain: number | undefined): StateView | undefined {
    const at = this.p2mAt(line, domain);
    const k = this.opsUpTo(line);
    if (!at) {
      if (!this.ready) return undefined;
      const zero: [number, number, number, number] = [0, 0, 0, 0];
      return { domain: domain ?? this.domainAtLine(line), domains: this.set?.domains() ?? [], opIndex: k - 1, stats: { mappings: [...zero], shattered: [...zero] }, maxMappedGfn: 0, lowestMappedGfn: -1, tlbFlushes: 0, dumpInfo: '' };
    }
    const s = at.p2m.stats();
    const four = (a: number[]): [number, number, number, number] => [a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0];
    return {
      domain: at.domain, domains: at.set.domains(), opIndex: k - 1,
      stats: { mappings: four(s.mappings), shattered: four(s.shattered) },
      maxMappedGfn: s.maxMappedGfn, lowestMappedGfn: s.lowestMappedGfn, tlbFlushes: s.tlbFlushes, dumpInfo: at.p2m.dumpInfo(),
    };
  }

  /** The last operation before `line` that changed (or tried to change) `gfn`'s translation. */
  lastChangeBefore(line: number, domain: number, gfn: number): OpInfo | undefined {
    for (let k = this.opsUpTo(line - 1) - 1; k >= 0; k--) {
      const op = this.ops[k];
      if (op.domain !== domain) continue;
      if (op.kind === 'relinquish' || op.kind === 'invalidateRoot') return op;
      if (op.kind === 'setEntry' || op.kind === 'setAtOrder' || op.kind === 'memAccess' || op.kind === 'resolveFault') {
        if (gfn < op.gfn || gfn >= op.gfn + op.nr) continue;
        // (Where it stopped is not known without events, so a failed call counts as a whole.)
        return op;
      }
    }
    return undefined;
  }

  /** Every operation whose GFN range intersects [from, to), in document order. */
  opsTouching(domain: number | undefined, from: number, to: number): OpInfo[] {
    return this.ops.filter(op => (domain === undefined || op.domain === domain) && op.nr > 0 && op.gfn < to && op.gfn + op.nr > from);
  }

  /** Config the current results were computed with (tests, status). */
  get config(): TraceConfig | undefined {
    return this.set?.config;
  }
}


/** Diagnostics of replayed ops (and BBM findings), each on its operation's line. */
export function replayDiagnostics(ops: readonly OpInfo[], bbm: readonly BbmDiagnostic[], lines: readonly string[]): ReplayDiagnostic[] {
  const out: ReplayDiagnostic[] = [];
  const lineRange = (line: number): Range => {
    const text = (lines[line] ?? '').replace(/\r$/, '');
    const start = text.length - text.trimStart().length;
    const hash = text.indexOf('#', start);
    const end = (hash >= 0 ? text.slice(0, hash) : text).trimEnd().length;
    return { start: { line, character: start }, end: { line, character: Math.max(start, end) } };
  };
  for (const op of ops) {
    for (const d of op.diags) {
      // `expect` lines are the user's own assertions: their own group, apart from log checkpoints.
      const group = d.code === 'checkpoint-mismatch' && (op.kind === 'expect' || op.kind === 'resolveFault') ? 'expect' : groupOfCode(d.code);
      out.push({ range: lineRange(op.line), group, severity: fromEngineSeverity(d.severity), code: d.code, message: d.message });
    }
  }
  for (const b of bbm) {
    out.push({ range: lineRange(b.line), group: 'bbm', severity: b.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Information, code: b.code, message: b.message });
  }
  return out;
}
