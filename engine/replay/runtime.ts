// The replay runtime: a cursor over one loaded trace with the debugger's verbs.
//
// It knows nothing of DAP. The debug session translates requests into these calls and
// their typed results back into responses and events (vscode-mock-debug's split, with typed
// results instead of untyped emitter arguments). All verbs are synchronous and return where
// the cursor stopped; runs consult breakpoints through one sorted candidate set.

import type { FrameName } from '../p2m/events';
import type { ReplayMachine } from './backend';
import { drain } from './drain';
import { Timeline, type TimelineBuild } from './timeline';
import type { Seeker } from './seeker';
import { createSeeker, createSeekerSteps, firstPassOf, type FirstPassOptions } from './seek-setup';
import { comparePos, type Granularity, type Position } from './position';
import { frameStack, framesAhead, matchingLeave, type Frame } from './frames';
import { buildOverlay, PositionState } from './position-state';
import { makeEnv } from './expr-env';
import { evaluate, isTruthy, type ExprEnv } from './expr/evaluator';
import { hitMatches } from './hit-condition';
import { renderLogMessage } from './log-message';
import { CandidateSet, keyOf, positionOfKey } from './candidates';
import { ChangeIndex, changeMatches, type RootInfo, type TranslationChange } from './change-index';
import { scanExceptions, type ExceptionScan, type ExceptionSite } from './exceptions';
import { FrameIndex } from './frame-index';
import { FlushIndex } from './flush-index';
import {
  parseOptions, parseDataId, type BreakpointOptions, type DataBreakpoint, type ExceptionBreakpoint,
  type ExceptionFilterId, type FunctionBreakpoint, type LineBreakpoint, isExceptionFilterId,
} from './breakpoints';
import { parseExpr } from './expr/parser';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'goto' | 'pause' | 'end';

export interface StopInfo {
  reason: StopReason;
  pos: Position;
  description: string;
  hitBreakpointIds: number[];
  exception?: ExceptionSite;
  change?: TranslationChange;
}
export interface LogOutput { text: string; source: string; line: number }
export interface RunResult { stop: StopInfo; output: LogOutput[] }

export type LoadOptions = FirstPassOptions;

/** Candidates examined between two yields of `runSteps`. */
const RUN_SLICE = 256;
export { DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_MAX_EVENTS_PER_SNAPSHOT, DEFAULT_MAX_SNAPSHOTS } from './seek-setup';

export class ReplayRuntime<Snap = unknown> {
  readonly timeline: Timeline;
  readonly seeker: Seeker<Snap>;
  private cursor: Position = { op: 0, event: 0 };
  private nextId = 1;
  private lineBps = new Map<string, LineBreakpoint[]>();
  private fnBps: FunctionBreakpoint[] = [];
  private dataBps: DataBreakpoint[] = [];
  private excBps: ExceptionBreakpoint[] = [];
  private candidates = CandidateSet.empty();
  private exc: ExceptionScan;
  private changes?: ChangeIndex;
  private frameIdx?: FrameIndex;
  /** Load time split, for the report and the benchmark. */
  readonly loadMs: { record: number; scan: number };

  /** Records the whole trace synchronously; see `ReplayRuntime.load` to do it in slices. */
  constructor(readonly machine: ReplayMachine<Snap>, opts: LoadOptions = {}, built?: TimelineBuild<Snap> & { ms: number; seeker?: Seeker<Snap> }) {
    const fp = firstPassOf(machine, opts);
    const t0 = Date.now();
    const b = built ?? Timeline.build(machine, fp.passInterval, fp.maxEvents, fp.maxSnapshots);
    this.timeline = b.timeline;
    this.seeker = built?.seeker ?? createSeeker(machine, b, fp.interval);
    const t1 = Date.now();
    // Checker findings (BBM, TLB) are costly to compute on big traces: merged in on first need.
    this.exc = scanExceptions(b.timeline, machine.events, []);
    this.loadMs = { record: built ? built.ms : t1 - t0, scan: Date.now() - t1 };
    this.rebuildCandidates();
  }

  /**
   * Record the trace in ~`sliceMs` slices, yielding to the event loop in between (the inline
   * adapter runs in the extension host, which must not freeze on a big trace). `progress`
   * gets (ops done, ops total); `cancelled()` aborts with undefined.
   */
  static async load<S>(machine: ReplayMachine<S>, opts: LoadOptions = {}, progress?: (done: number, total: number) => void,
    cancelled: () => boolean = () => false, sliceMs = 40): Promise<ReplayRuntime<S> | undefined> {
    const fp = firstPassOf(machine, opts);
    const t0 = Date.now();
    const g = Timeline.buildSteps(machine, fp.passInterval, fp.maxEvents, 256, fp.maxSnapshots);
    let built: TimelineBuild<S> | undefined;
    for (;;) {
      const s0 = Date.now();
      let r = g.next();
      while (!r.done && Date.now() - s0 < sliceMs) r = g.next();
      if (r.done) { built = r.value; break; }
      progress?.(r.value, machine.ops.length);
      if (cancelled()) return undefined;
      await new Promise<void>(res => setImmediate(res));
    }
    // Seeking preparation (log-driven seeking applies the whole log once) in slices too.
    const sg = createSeekerSteps(machine, built, fp.interval);
    for (;;) {
      const s0 = Date.now();
      let r = sg.next();
      while (!r.done && Date.now() - s0 < sliceMs) r = sg.next();
      if (r.done) return new ReplayRuntime(machine, opts, { ...built, ms: Date.now() - t0, seeker: r.value });
      if (cancelled()) return undefined;
      await new Promise<void>(res => setImmediate(res));
    }
  }

  get position(): Position { return { ...this.cursor }; }
  get opCount(): number { return this.timeline.opCount; }
  get events() { return this.machine.events; }
  rcOf(op: number): number | undefined { return op < this.opCount ? this.exc.rc[op] : undefined; }
  exceptionSites(): readonly ExceptionSite[] { this.ensureFindings(); return this.exc.sites; }

  private findingsMerged = false;
  /** Run the machine's checkers (BBM checker) over the recorded log once, and add their sites. */
  private ensureFindings(): void {
    if (this.findingsMerged) return;
    this.findingsMerged = true;
    const f = this.machine.findings?.() ?? [];
    if (f.length === 0) return;
    const merged = scanExceptions(this.timeline, this.machine.events, f);
    this.exc = merged;
  }

  // ---- state at a position -----------------------------------------------------------

  /** State of `domain` (default: the op's domain) at `pos` (default: the cursor). */
  stateAt(pos: Position = this.cursor, domain?: number): PositionState {
    const op = Math.min(pos.op, this.opCount);
    const dom = domain ?? this.domainAt(pos);
    this.seeker.seek(op);
    return new PositionState(this.machine.view(dom), buildOverlay(this.timeline, this.machine.events, pos, dom));
  }

  domainAt(pos: Position = this.cursor): number {
    const op = this.timeline.ops[Math.min(pos.op, this.opCount - 1)];
    return op?.domain ?? this.machine.domains[0] ?? 0;
  }

  frames(pos: Position = this.cursor): Frame[] { return frameStack(this.timeline, this.machine.events, pos); }

  /** Frames the current op will still enter (DAP step-in targets). */
  stepInTargets(pos: Position = this.cursor): Frame[] { return framesAhead(this.timeline, this.machine.events, pos); }

  /** Global index of the last event executed at `pos`, or -1 at an op's line. */
  lastEventAt(pos: Position = this.cursor): number {
    return pos.event > 0 && pos.op < this.opCount ? this.timeline.opStart[pos.op] + pos.event - 1 : -1;
  }

  env(pos: Position = this.cursor, change?: TranslationChange): ExprEnv {
    let st: PositionState | undefined;
    return makeEnv({
      opIndex: pos.op,
      op: this.timeline.ops[pos.op],
      rc: this.rcOf(pos.op),
      state: () => st ??= this.stateAt(pos),
      lastEvent: () => { const e = this.lastEventAt(pos); return e >= 0 ? this.machine.events.get(e) : undefined; },
      frame: () => { const f = this.frames(pos); return f[f.length - 1] as { name: string; level?: number; gfn?: number } | undefined; },
      change,
    });
  }

  // ---- breakpoints ---------------------------------------------------------------------

  setLineBreakpoints(source: string, specs: ReadonlyArray<{ line: number } & BreakpointOptions>): LineBreakpoint[] {
    const lines = this.timeline.linesOf(source);
    const out = specs.map(s => {
      const bp: LineBreakpoint = { ...parseOptions(this.nextId++, s), kind: 'line', source, line: s.line, requestedLine: s.line };
      // Like code debuggers, a breakpoint on a line without an operation moves to the next one.
      const line = lines.find(l => l >= s.line);
      if (line === undefined) { bp.verified = false; bp.message ??= `no operation on or after line ${s.line}`; }
      else bp.line = line;
      return bp;
    });
    this.lineBps.set(source, out);
    this.rebuildCandidates();
    return out;
  }

  setFunctionBreakpoints(specs: ReadonlyArray<{ name: string } & BreakpointOptions>): FunctionBreakpoint[] {
    this.fnBps = specs.map(s => {
      const bp: FunctionBreakpoint = { ...parseOptions(this.nextId++, s), kind: 'function', name: s.name.trim() };
      if (!this.frameIndex().knows(bp.name)) {
        bp.verified = false;
        bp.message ??= `'${bp.name}' is not a simulated Xen function or operation kind (try ${FrameIndex.KNOWN.slice(0, 6).join(', ')}, …)`;
      }
      return bp;
    });
    this.rebuildCandidates();
    return this.fnBps;
  }

  setDataBreakpoints(specs: ReadonlyArray<{ dataId: string } & BreakpointOptions>): DataBreakpoint[] {
    this.dataBps = specs.map(s => {
      const r = parseDataId(s.dataId);
      const bp: DataBreakpoint = { ...parseOptions(this.nextId++, s), kind: 'data', dataId: s.dataId, from: r?.from ?? 0, to: r?.to ?? 0, domain: r?.domain, filter: r?.filter ?? [] };
      if (!r) { bp.verified = false; bp.message ??= `malformed data breakpoint id '${s.dataId}'`; }
      return bp;
    });
    this.rebuildCandidates();
    return this.dataBps;
  }

  setExceptionFilters(specs: ReadonlyArray<{ filterId: string; condition?: string }>): Array<{ verified: boolean; message?: string }> {
    const res: Array<{ verified: boolean; message?: string }> = [];
    this.excBps = [];
    for (const s of specs) {
      if (!isExceptionFilterId(s.filterId)) { res.push({ verified: false, message: `unknown exception filter '${s.filterId}'` }); continue; }
      const bp: ExceptionBreakpoint = { filter: s.filterId };
      if (s.condition?.trim()) {
        const p = parseExpr(s.condition);
        if (!p.ok) { res.push({ verified: false, message: `condition: ${p.error.message}` }); continue; }
        bp.cond = p.expr;
      }
      this.excBps.push(bp);
      res.push({ verified: true });
    }
    this.rebuildCandidates();
    return res;
  }

  changeIndex(): ChangeIndex {
    if (!this.changes) {
      const roots = new Map<number, RootInfo>();
      for (const d of this.machine.domains) { const v = this.machine.view(d); roots.set(d, { rootLevel: v.rootLevel, rootMfns: v.rootMfns }); }
      this.changes = ChangeIndex.build(this.timeline, this.machine.events, roots);
    }
    return this.changes;
  }

  private flushIdx?: FlushIndex;
  flushIndex(): FlushIndex { return this.flushIdx ??= new FlushIndex(this.machine.events); }

  /** Exception sites known without running the (costly) checkers. */
  knownSites(): readonly ExceptionSite[] { return this.exc.sites; }
  get findingsComputed(): boolean { return this.findingsMerged; }

  private frameIndex(): FrameIndex { return this.frameIdx ??= new FrameIndex(this.timeline, this.machine.events); }

  private rebuildCandidates(): void {
    const ops = new Set<number>();
    const evs: number[] = [];
    for (const bps of this.lineBps.values()) {
      for (const bp of bps) if (bp.verified) for (const op of this.timeline.opsOnLine(bp.source, bp.line)) ops.add(op);
    }
    for (const bp of this.fnBps) {
      if (!bp.verified) continue;
      for (const op of this.frameIndex().opsOfKind(bp.name)) ops.add(op);
      for (const e of this.frameIndex().entersOf(bp.name)) evs.push(e);
    }
    if (this.dataBps.some(b => b.verified)) {
      const ci = this.changeIndex();
      for (let r = 0; r < ci.size; r++) if (this.dataBps.some(b => b.verified && ci.overlaps(r, b.from, b.to))) evs.push(ci.eventAt(r));
    }
    const on = new Set(this.excBps.map(b => b.filter));
    if (on.has('bbm-violation') || on.has('stale-tlb')) this.ensureFindings();
    for (const s of this.exc.sites) if (on.has(s.filter)) { if (s.event < 0) ops.add(s.op); else evs.push(s.event); }
    this.candidates = CandidateSet.build(this.timeline, ops, evs);
  }

  // ---- verbs -----------------------------------------------------------------------------

  /** Put the cursor on op `op`'s line (goto / restart / stop on entry). */
  goto(op: number, reason: StopReason = 'goto'): StopInfo {
    this.cursor = { op: Math.max(0, Math.min(op, this.opCount)), event: 0 };
    return this.stopHere(reason, reason === 'entry' ? 'Paused on entry' : `Jumped to operation ${this.cursor.op}`);
  }

  /** Move to an exact position (tests, the UI's "move cursor here"). */
  moveTo(pos: Position, reason: StopReason = 'goto'): StopInfo {
    const op = Math.max(0, Math.min(pos.op, this.opCount));
    this.cursor = { op, event: Math.max(0, Math.min(pos.event, this.timeline.eventCountOf(op))) };
    return this.stopHere(reason, 'Moved');
  }

  /** Step over (operation), into (frame) or one event, forwards or backwards. */
  step(granularity: Granularity, reverse = false): StopInfo {
    const tl = this.timeline, p = this.cursor;
    if (!reverse) {
      if (p.op >= this.opCount) return this.stopHere('end', 'End of trace');
      if (granularity === 'event') {
        this.cursor = p.event < tl.eventCountOf(p.op) ? { op: p.op, event: p.event + 1 } : { op: p.op + 1, event: 0 };
      } else if (granularity === 'frame') {
        const next = framesAhead(tl, this.machine.events, p, 1)[0];
        this.cursor = next ? { op: p.op, event: next.enterEvent - tl.opStart[p.op] + 1 } : { op: p.op + 1, event: 0 };
      } else {
        this.cursor = { op: p.op + 1, event: 0 };
      }
    } else {
      if (p.op === 0 && p.event === 0) return this.stopHere('entry', 'Start of trace');
      if (granularity === 'event') {
        this.cursor = p.event > 0 ? { op: p.op, event: p.event - 1 } : { op: p.op - 1, event: tl.eventCountOf(p.op - 1) };
      } else if (granularity === 'frame') {
        // Back to where the innermost open frame was entered (its call site); at op level, the previous op.
        const fr = this.frames(p);
        const top = fr[fr.length - 1];
        const at = top && top.enterEvent >= 0 ? top.enterEvent - tl.opStart[p.op] : -1;
        this.cursor = at >= 0 && at < p.event ? { op: p.op, event: at } : p.event > 0 ? { op: p.op, event: 0 } : { op: Math.max(0, p.op - 1), event: 0 };
      } else {
        this.cursor = p.event > 0 ? { op: p.op, event: 0 } : { op: p.op - 1, event: 0 };
      }
    }
    return this.stopHere(this.cursor.op >= this.opCount ? 'end' : 'step', 'Step');
  }

  /** Step into a specific frame of the current op (a step-in target: its frameEnter event). */
  stepInto(enterEvent: number): StopInfo {
    const op = this.timeline.opOfEvent(enterEvent);
    if (op !== this.cursor.op) return this.step('frame');
    this.cursor = { op, event: enterEvent - this.timeline.opStart[op] + 1 };
    return this.stopHere('step', 'Step in');
  }

  stepOut(): StopInfo {
    const p = this.cursor, tl = this.timeline;
    if (p.op >= this.opCount) return this.stopHere('end', 'End of trace');
    const fr = this.frames(p);
    // The bottom frame is the operation itself: stepping out of it finishes the operation.
    const top = fr.length > 1 ? fr[fr.length - 1] : undefined;
    const leave = top ? matchingLeave(tl, this.machine.events, p.op, top.enterEvent) : -1;
    this.cursor = leave >= 0 ? { op: p.op, event: leave - tl.opStart[p.op] + 1 } : { op: p.op + 1, event: 0 };
    return this.stopHere(this.cursor.op >= this.opCount ? 'end' : 'step', 'Step out');
  }

  /** Restart a frame: back to just before its frameEnter, or to the op's line for the bottom frame. */
  restartFrame(depthFromBottom: number): StopInfo {
    const fr = this.frames();
    const f = fr[depthFromBottom];
    const start = this.timeline.opStart[Math.min(this.cursor.op, this.opCount - 1)] ?? 0;
    this.cursor = f && f.enterEvent >= 0 && depthFromBottom > 0 ? { op: this.cursor.op, event: f.enterEvent - start } : { op: this.cursor.op, event: 0 };
    return this.stopHere('goto', `Restarted ${f?.name ?? 'frame'}`);
  }

  /**
   * Run until a breakpoint (or the end / start of the trace); `target` adds a temporary stop.
   * `inclusive` also considers the cursor's own position (the first run after launch, so a
   * breakpoint on the first operation is hit). Synchronous: see `runSteps` for a run that
   * can be driven in slices and interrupted.
   */
  run(reverse = false, target?: Position, inclusive = false): RunResult {
    return drain(this.runSteps(reverse, target, inclusive));
  }

  /**
   * The same run as a generator that yields every RUN_SLICE candidates, so a caller can spread
   * a long run (conditions over a million operations) over event-loop turns and stop it:
   * `interrupt()` ends it at the last position examined with reason `pause`.
   */
  *runSteps(reverse = false, target?: Position, inclusive = false): Generator<void, RunResult> {
    this.interrupted = false;
    const output: LogOutput[] = [];
    const tl = this.timeline;
    let evaluated = 0;
    const pauseAt = (key: number): RunResult => {
      this.cursor = positionOfKey(tl, key).pos;
      return { stop: this.stopHere('pause', 'Paused (run interrupted)'), output };
    };
    if (reverse && !target) {
      // Conditions may need the state at each candidate, and seeking backwards candidate by
      // candidate would cost a restore each; so candidates are evaluated one snapshot interval
      // at a time, in forward order (incremental execution), keeping the last hit.
      let hi = keyOf(tl, this.cursor) + (inclusive ? 1 : 0); // exclusive upper bound
      for (;;) {
        const prev = this.candidates.before(hi);
        if (prev === undefined) { this.cursor = { op: 0, event: 0 }; return { stop: this.stopHere('entry', 'Start of trace'), output }; }
        const blockOp = this.seeker.intervalStart(positionOfKey(tl, prev).pos.op);
        const lo = keyOf(tl, { op: blockOp, event: 0 }) - 1; // exclusive lower bound
        let best: StopInfo | undefined;
        for (let k = this.candidates.after(lo); k !== undefined && k < hi; k = this.candidates.after(k)) {
          const at = positionOfKey(tl, k);
          const stop = this.evaluateCandidate(at.pos, at.event, true, output);
          if (stop) best = stop;
          if (++evaluated % RUN_SLICE === 0) { yield; if (this.interrupted) return pauseAt(best ? keyOf(tl, best.pos) : hi - 1); }
        }
        if (best) { this.cursor = { ...best.pos }; return { stop: best, output }; }
        hi = lo + 1;
      }
    }
    let key = keyOf(tl, this.cursor) + (inclusive ? (reverse ? 1 : -1) : 0);
    const targetKey = target ? keyOf(tl, target) : undefined;
    for (;;) {
      const next = reverse ? this.candidates.before(key) : this.candidates.after(key);
      if (targetKey !== undefined) {
        // The temporary target wins when it comes before the next candidate in run direction.
        const targetFirst = reverse
          ? targetKey < key && (next === undefined || targetKey > next)
          : targetKey > key && (next === undefined || targetKey < next);
        if (targetFirst) {
          this.cursor = positionOfKey(tl, targetKey).pos;
          return { stop: this.stopHere('step', 'Ran to target'), output };
        }
      }
      if (next === undefined) {
        if (reverse) { this.cursor = { op: 0, event: 0 }; return { stop: this.stopHere('entry', 'Start of trace'), output }; }
        this.cursor = { op: this.opCount, event: 0 };
        return { stop: this.stopHere('end', 'End of trace'), output };
      }
      const at = positionOfKey(tl, next);
      const stop = this.evaluateCandidate(at.pos, at.event, reverse, output);
      if (stop) { this.cursor = at.pos; return { stop, output }; }
      if (targetKey !== undefined && next === targetKey) { this.cursor = at.pos; return { stop: this.stopHere('step', 'Ran to target'), output }; }
      key = next;
      if (++evaluated % RUN_SLICE === 0) { yield; if (this.interrupted) return pauseAt(key); }
    }
  }

  private interrupted = false;
  /** Ask a run driven through `runSteps` to stop at its next slice boundary. */
  interrupt(): void { this.interrupted = true; }

  /** The last change of GFN `gfn`'s translation strictly before the cursor (or undefined). */
  whoLastChanged(gfn: number, domain = this.domainAt()): { pos: Position; change: TranslationChange } | undefined {
    const ci = this.changeIndex();
    const limit = keyOf(this.timeline, this.cursor);
    // Start at the last write before the cursor instead of the end of the log.
    for (let r = Math.min(ci.size, ci.lowerBound(Math.ceil(limit / 2))) - 1; r >= 0; r--) {
      const e = ci.eventAt(r);
      if (2 * (e + 1) >= limit || !ci.overlaps(r, gfn, gfn + 1)) continue;
      const op = this.timeline.opOfEvent(e);
      if (this.timeline.ops[op].domain !== domain) continue;
      const c = ci.classify(r);
      if (!c || c.split) continue;
      return { pos: { op, event: e - this.timeline.opStart[op] + 1 }, change: c };
    }
    return undefined;
  }

  // ---- internals ---------------------------------------------------------------------------

  private stopHere(reason: StopReason, description: string): StopInfo {
    return { reason, pos: { ...this.cursor }, description, hitBreakpointIds: [] };
  }

  private evaluateCandidate(pos: Position, event: number, reverse: boolean, output: LogOutput[]): StopInfo | undefined {
    const tl = this.timeline;
    const op = tl.ops[pos.op];
    if (!op) return undefined;
    const hits: number[] = [];
    let reason: StopReason | undefined;
    let exception: ExceptionSite | undefined;
    let change: TranslationChange | undefined;
    let env: ExprEnv | undefined;
    const envFor = (c?: TranslationChange) => c ? this.env(pos, c) : (env ??= this.env(pos));
    const accept = (bp: { id: number; cond?: import('./expr/ast').Expr; hit?: import('./hit-condition').HitCondition; log?: import('./log-message').LogPart[]; hits: number }, c?: TranslationChange): boolean => {
      if (bp.cond) {
        const r = evaluate(bp.cond, envFor(c));
        // A condition that cannot be evaluated stops, with the error shown, rather than silently never firing.
        if (!r.ok) { output.push({ text: `breakpoint ${bp.id}: condition error: ${r.error.message}\n`, source: op.loc.source, line: op.loc.line }); return true; }
        if (!isTruthy(r.value)) return false;
      }
      if (reverse) return !bp.log;
      bp.hits++;
      if (bp.hit && !hitMatches(bp.hit, bp.hits)) return false;
      if (bp.log) { output.push({ text: renderLogMessage(bp.log, envFor(c)) + '\n', source: op.loc.source, line: op.loc.line }); return false; }
      return true;
    };
    if (event < 0) {
      for (const bp of this.lineBps.get(op.loc.source) ?? []) {
        if (bp.verified && bp.line === op.loc.line && accept(bp)) { hits.push(bp.id); reason ??= 'breakpoint'; }
      }
      for (const bp of this.fnBps) {
        if (bp.verified && FrameIndex.opKindMatches(bp.name, op.kind) && accept(bp)) { hits.push(bp.id); reason ??= 'function breakpoint'; }
      }
    } else {
      const k = this.machine.events.kindAt(event);
      if (k === 'frameEnter' && this.fnBps.length) {
        const ev = this.machine.events.get(event);
        const name = ev.kind === 'frameEnter' ? ev.frame as FrameName : undefined;
        for (const bp of this.fnBps) if (bp.verified && bp.name === name && accept(bp)) { hits.push(bp.id); reason ??= 'function breakpoint'; }
      }
      if (k === 'pteWrite' && this.dataBps.length) {
        const ci = this.changeIndex();
        const r = ci.lowerBound(event);
        const c = r < ci.size && ci.eventAt(r) === event ? ci.classify(r) : undefined;
        if (c) {
          for (const bp of this.dataBps) {
            if (!bp.verified || (bp.domain !== undefined && bp.domain !== op.domain)) continue;
            if (c.gfn >= bp.to || c.gfn + c.count <= bp.from || !changeMatches(c, bp.filter)) continue;
            if (accept(bp, c)) { hits.push(bp.id); reason = 'data breakpoint'; change = c; }
          }
        }
      }
    }
    const on = new Map(this.excBps.map(b => [b.filter, b] as const));
    if (on.size) {
      for (const s of this.exc.sites) {
        if (s.event !== event || (event < 0 && s.op !== pos.op)) continue;
        const bp = on.get(s.filter);
        if (!bp) continue;
        if (bp.cond) { const r = evaluate(bp.cond, envFor()); if (r.ok && !isTruthy(r.value)) continue; }
        exception = s; reason = 'exception';
        break;
      }
    }
    if (!reason) return undefined;
    const description = exception ? `Paused on exception: ${exception.rule}`
      : reason === 'data breakpoint' && change ? `GFN 0x${change.gfn.toString(16)}+0x${change.count.toString(16)} changed`
      : reason === 'function breakpoint' ? 'Paused on function breakpoint' : 'Paused on breakpoint';
    return { reason, pos: { ...pos }, description, hitBreakpointIds: hits, exception, change };
  }
}

export function exceptionFilterOf(s: ExceptionSite): ExceptionFilterId { return s.filter; }
export { comparePos };
