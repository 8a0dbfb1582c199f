// The `p2m` debug session: translates DAP requests into ReplayRuntime verbs and runtime
// results into responses and events. It holds no replay logic of its own (vscode-mock-debug's
// split). Stop events are sent after the response to the request that caused them. Lines are
// converted between client and debugger bases only here. Runs in the extension host
// (inline) or standalone over stdio (debug-adapter-main.ts); it never imports `vscode`.

import * as path from 'node:path';
import {
  Breakpoint, DebugSession, Event, InitializedEvent, OutputEvent, ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent,
  Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineMachine } from '../../engine/replay/engine-machine';
import { loadTraceFile } from '../../engine/replay/load-trace';
import { ReplayRuntime, type RunResult, type StopInfo } from '../../engine/replay/runtime';
import { EXCEPTION_FILTERS, addressRange, formatDataId, parseGfnRangeText, type GfnRange } from '../../engine/replay/breakpoints';
import { runConsoleCommand, CONSOLE_COMMANDS } from '../../engine/replay/console-commands';
import { evaluateText } from '../../engine/replay/expr/evaluator';
import { ENV_FUNCTIONS, ENV_NAMES } from '../../engine/replay/expr-env';
import { describeLookup, hexn } from '../../engine/replay/format';
import { P2M_ACCESS_NAMES, P2M_TYPE_NAMES } from '../../engine/arch/types';
import type { Position } from '../../engine/replay/position';
import type { Frame } from '../../engine/replay/frames';
import { buildScopes, parseTableMemoryRef, VariableStore } from './variables';
import { validateLaunchArgs, type P2mLaunchArgs } from './launch-args';

/** Custom event the extension forwards to the tree view and trace log ("follow the cursor"). */
export const CURSOR_EVENT = 'p2m.cursor';
export interface CursorEventBody { op: number; event: number; domain: number; source?: string; line?: number; opCount: number }
/** Custom request the UI sends to move the cursor (click in the trace log). */
export const MOVE_CURSOR_REQUEST = 'p2m.moveCursor';

const CONFIG_DONE_TIMEOUT_MS = 2000;

export class P2mDebugSession extends DebugSession {
  private rt?: ReplayRuntime;
  private args?: P2mLaunchArgs;
  private readonly vars = new VariableStore();
  private lastStop?: StopInfo;
  private configDone!: () => void;
  private readonly configDonePromise = new Promise<void>(r => { this.configDone = r; });
  private tracePath = '';

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientProgress = args.supportsProgressReporting === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsSteppingGranularity: true,
      supportsStepInTargetsRequest: true,
      supportsGotoTargetsRequest: true,
      supportsRestartFrame: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map(f => ({
        filter: f.id, label: f.label, description: f.description, default: f.default,
        supportsCondition: true, conditionDescription: 'e.g. gfn >= 0x80000',
      })),
      supportsExceptionOptions: true,
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsReadMemoryRequest: true,
      supportsEvaluateForHovers: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', ' '],
      supportsCancelRequest: true,
      supportsBreakpointLocationsRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsValueFormattingOptions: true,
      supportsDelayedStackTraceLoading: false,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: P2mLaunchArgs): Promise<void> {
    // `program` is what most debuggers call it: accept it as an alias of `trace`.
    const program = (args as { program?: unknown }).program;
    if (args.trace === undefined && typeof program === 'string') args = { ...args, trace: program };
    const bad = validateLaunchArgs(args);
    if (bad) { this.sendErrorResponse(response, { id: 1001, format: bad, showUser: true }); return; }
    this.args = args;
    this.tracePath = path.resolve(args.cwd && !path.isAbsolute(args.trace) ? path.join(String(args.cwd), args.trace) : args.trace);
    const typeArch = args.arch === 'x86' ? 'x86' : 'arm';
    const loaded = loadTraceFile(this.tracePath, args.format ?? 'auto', typeArch);
    if (!loaded.ok) { this.sendErrorResponse(response, { id: 1002, format: loaded.error, showUser: true }); return; }
    for (const d of loaded.trace.diagnostics.slice(0, 50)) {
      this.sendEvent(new OutputEvent(`${path.basename(d.source)}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`, 'stderr'));
    }
    const machine = new EngineMachine(loaded.trace.records, {
      arch: args.arch === 'arm64' || args.arch === 'arm32' ? args.arch : undefined,
      ipaBits: args.ipaBits, poolPages: args.poolPages, strategy: args.strategy, override: true,
    });
    for (const n of machine.notes) this.sendEvent(new OutputEvent(`p2m: ${n}\n`, 'console'));
    // Record the trace in slices so the (inline) extension host stays responsive; progress
    // shows in VS Code's UI and can be cancelled.
    const progressId = `p2m-load-${Date.now()}`;
    const showProgress = this.clientProgress && machine.ops.length > 20000;
    if (showProgress) {
      const start = new ProgressStartEvent(progressId, 'P2M: recording trace', `${machine.ops.length} operations`) as DebugProtocol.ProgressStartEvent;
      start.body.cancellable = true;
      start.body.percentage = 0;
      this.sendEvent(start);
    }
    this.loadProgressId = progressId;
    let last = 0;
    const rt = await ReplayRuntime.load(machine, { snapshotInterval: args.snapshotInterval }, (done, total) => {
      const pct = Math.floor((done / total) * 100);
      if (showProgress && pct !== last) {
        last = pct;
        const u = new ProgressUpdateEvent(progressId, `${done} / ${total}`) as DebugProtocol.ProgressUpdateEvent;
        u.body.percentage = pct;
        this.sendEvent(u);
      }
    }, () => this.loadCancelled);
    if (showProgress) this.sendEvent(new ProgressEndEvent(progressId));
    if (!rt) { this.sendErrorResponse(response, { id: 1009, format: 'loading cancelled' }); return; }
    this.rt = rt;
    this.traceFormat = loaded.trace.format;
    this.sendEvent(new OutputEvent(`p2m: loaded ${rt.opCount} operations, ${rt.events.length} events from ${path.basename(this.tracePath)} (${loaded.trace.format}) in ${rt.loadMs.record + rt.loadMs.scan} ms\n`, 'console'));
    // Breakpoints can only be verified against a loaded trace, so `initialized` comes now.
    this.sendEvent(new InitializedEvent());
    this.sendResponse(response);
    void Promise.race([this.configDonePromise, new Promise(r => setTimeout(r, CONFIG_DONE_TIMEOUT_MS))]).then(() => this.startExecution());
  }

  private clientProgress = false;
  private traceFormat = '';
  private loadCancelled = false;
  private loadProgressId = '';

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configDone();
  }

  private started = false;
  private startExecution(): void {
    if (this.started || !this.rt) return;
    this.started = true;
    const at = this.args?.stopAtLine;
    if (at !== undefined) {
      const line = this.rt.timeline.linesOf(this.traceSourceKey()).find(l => l >= at);
      const op = line === undefined ? undefined : this.rt.timeline.opsOnLine(this.traceSourceKey(), line)[0];
      if (op !== undefined) { this.runInSlices(undefined, rt => rt.runSteps(false, { op, event: 0 }, true)); return; }
    }
    if (this.args?.noDebug) {
      // Run without debugging: replay to the end, ignoring breakpoints.
      this.rt.setLineBreakpoints(this.traceSourceKey(), []);
      this.rt.setFunctionBreakpoints([]); this.rt.setDataBreakpoints([]); this.rt.setExceptionFilters([]);
      this.runInSlices(undefined, rt => rt.runSteps(false));
      return;
    }
    if (this.args?.stopOnEntry) {
      const first = this.args.domain === undefined ? 0 : Math.max(0, this.rt.timeline.ops.findIndex(o => o.domain === this.args!.domain));
      this.report(this.rt.goto(first, 'entry'));
    } else {
      this.runInSlices(undefined, rt => rt.runSteps(false, undefined, true));
    }
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.sendResponse(response);
    if (this.rt) this.report(this.rt.goto(0, 'entry'));
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.loadCancelled = true;
    this.rt?.interrupt();
    this.sendResponse(response);
  }
  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  // ---- stops -------------------------------------------------------------------------------

  private report(stop: StopInfo): void {
    this.vars.reset();
    this.lastStop = stop;
    const rt = this.rt!;
    if (stop.reason === 'end' && !this.args?.stopAtEnd) { this.sendEvent(new TerminatedEvent()); return; }
    const dom = rt.domainAt(stop.pos);
    const reason = stop.reason === 'end' ? 'pause' : stop.reason === 'function breakpoint' ? 'function breakpoint' : stop.reason;
    const ev = new StoppedEvent(reason, dom + 1, stop.exception ? stop.exception.message : undefined) as DebugProtocol.StoppedEvent;
    ev.body.description = stop.description;
    ev.body.allThreadsStopped = true;
    if (stop.hitBreakpointIds.length) ev.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(ev);
    const op = rt.timeline.ops[stop.pos.op];
    const body: CursorEventBody = { op: stop.pos.op, event: stop.pos.event, domain: dom, source: op?.loc.source, line: op?.loc.line, opCount: rt.opCount };
    this.sendEvent(new Event(CURSOR_EVENT, body));
  }

  private reportRun(r: RunResult): void {
    for (const o of r.output) {
      const e = new OutputEvent(o.text, 'console') as DebugProtocol.OutputEvent;
      if (o.line > 0) { e.body.source = this.source(); e.body.line = this.convertDebuggerLineToClient(o.line); }
      this.sendEvent(e);
    }
    this.report(r.stop);
  }

  /** Respond first, then move (stop events follow the response). */
  private verb(response: DebugProtocol.Response, act: (rt: ReplayRuntime) => StopInfo | RunResult): void {
    const rt = this.rt;
    if (!rt) { this.sendErrorResponse(response, { id: 1003, format: 'no trace loaded' }); return; }
    if (this.running) { this.sendErrorResponse(response, { id: 1008, format: 'a run is in progress (pause it first)' }); return; }
    this.sendResponse(response);
    const r = act(rt);
    if ('stop' in r) this.reportRun(r); else this.report(r);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.runInSlices(response, rt => rt.runSteps(false));
  }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.runInSlices(response, rt => rt.runSteps(true));
  }

  private running = false;
  /**
   * Runs can examine millions of candidates when conditions are involved: drive them in
   * ~30 ms slices so pause and cancel requests get through, then report the stop.
   */
  private runInSlices(response: DebugProtocol.Response | undefined, start: (rt: ReplayRuntime) => Generator<void, RunResult>): void {
    const rt = this.rt;
    if (!rt) { if (response) this.sendErrorResponse(response, { id: 1003, format: 'no trace loaded' }); return; }
    if (this.running) { if (response) this.sendErrorResponse(response, { id: 1008, format: 'a run is already in progress' }); return; }
    if (response) this.sendResponse(response);
    this.running = true;
    const g = start(rt);
    const slice = (): void => {
      const t0 = Date.now();
      for (;;) {
        const r = g.next();
        if (r.done) { this.running = false; this.reportRun(r.value); return; }
        if (Date.now() - t0 > 30) { setImmediate(slice); return; }
      }
    };
    slice();
  }
  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.verb(response, rt => rt.step(args.granularity === 'instruction' ? 'event' : 'operation'));
  }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.verb(response, rt => rt.step(args.granularity === 'instruction' ? 'event' : 'operation', true));
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.verb(response, rt => args.targetId !== undefined ? rt.stepInto(args.targetId - 1) : rt.step(args.granularity === 'instruction' ? 'event' : 'frame'));
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.verb(response, rt => rt.stepOut());
  }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // A run in progress stops at its next slice (and reports reason `pause` itself).
    if (this.running) { this.rt?.interrupt(); this.sendResponse(response); return; }
    this.verb(response, rt => ({ reason: 'pause', pos: rt.position, description: 'Paused', hitBreakpointIds: [] } as StopInfo));
  }
  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const rt = this.rt;
    const line = this.convertClientLineToDebugger(args.line);
    const ops = rt ? this.opsAtOrAfter(args.source.path, line) : [];
    response.body = { targets: ops.map(op => ({ id: op + 1, label: `op ${op}: ${rt!.timeline.ops[op].label}`, line: this.convertDebuggerLineToClient(rt!.timeline.ops[op].loc.line) })) };
    this.sendResponse(response);
  }
  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.verb(response, rt => rt.goto(args.targetId - 1, 'goto'));
  }
  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): void {
    this.verb(response, rt => {
      // Frame ids are the depth from the bottom + 1 (see stackTraceRequest).
      const s = rt.restartFrame(Math.max(0, args.frameId - 1));
      return { ...s, reason: 'goto' };
    });
  }
  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse): void {
    const rt = this.rt;
    const ahead = rt ? framesAheadOf(rt) : [];
    response.body = { targets: ahead.map(f => ({ id: f.enterEvent + 1, label: `${f.name}${f.level !== undefined ? ` L${f.level}` : ''}${f.gfn !== undefined ? ` gfn ${hexn(f.gfn)}` : ''} (event #${f.enterEvent})` })) };
    this.sendResponse(response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === MOVE_CURSOR_REQUEST && this.rt) {
      const a = (args ?? {}) as Partial<Position>;
      this.verb(response, rt => rt.moveTo({ op: Number(a.op ?? 0), event: Number(a.event ?? 0) }));
      return;
    }
    super.customRequest(command, response, args);
  }

  // ---- breakpoints -----------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const rt = this.rt;
    const src = args.source.path ? path.resolve(args.source.path) : '';
    const specs = (args.breakpoints ?? (args.lines ?? []).map(line => ({ line }))).map(b => ({ ...b, line: this.convertClientLineToDebugger(b.line) }));
    if (!rt || !this.sameFile(src, this.tracePath)) {
      response.body = { breakpoints: specs.map(s => ({ verified: false, line: this.convertDebuggerLineToClient(s.line), message: rt ? 'not the trace being debugged' : 'no trace loaded' })) };
      this.sendResponse(response);
      return;
    }
    const bps = rt.setLineBreakpoints(this.traceSourceKey(), specs);
    response.body = {
      breakpoints: bps.map(b => {
        const bp = new Breakpoint(b.verified, this.convertDebuggerLineToClient(b.line), undefined, this.source()) as DebugProtocol.Breakpoint;
        bp.id = b.id;
        if (b.message) bp.message = b.message;
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const rt = this.rt;
    const from = this.convertClientLineToDebugger(args.line), to = args.endLine !== undefined ? this.convertClientLineToDebugger(args.endLine) : from;
    const lines = rt && this.sameFile(args.source.path ?? '', this.tracePath) ? rt.timeline.linesOf(this.traceSourceKey()).filter(l => l >= from && l <= to) : [];
    response.body = { breakpoints: lines.map(l => ({ line: this.convertDebuggerLineToClient(l) })) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const bps = this.rt?.setFunctionBreakpoints(args.breakpoints) ?? [];
    response.body = { breakpoints: bps.map(b => ({ id: b.id, verified: b.verified, message: b.message })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    let range: GfnRange | { error: string } | undefined;
    if (args.variablesReference !== undefined && args.variablesReference !== 0) {
      range = this.vars.dataRanges.get(`${args.variablesReference}/${args.name}`) ?? { error: `variable '${args.name}' is not a GFN` };
    } else if (args.asAddress || args.bytes !== undefined) {
      range = addressRange(args.name, args.bytes);
    } else {
      range = parseGfnRangeText(args.name);
      if ('error' in range) {
        // An expression such as `gfn` or `lookup(x).mfn`: its value is the GFN.
        const r = this.rt ? evaluateText(args.name, this.rt.env()) : undefined;
        if (r?.ok && typeof r.value === 'bigint') range = { from: Number(r.value), to: Number(r.value) + 1, filter: [] };
      }
    }
    if (!range || 'error' in range) {
      response.body = { dataId: null, description: range && 'error' in range ? range.error : 'not a GFN range' };
    } else {
      const dataId = formatDataId(range);
      const f = range.filter.length ? ` (only ${range.filter.join('/')} changes)` : '';
      response.body = { dataId, description: `GFN ${hexn(range.from)}..${hexn(range.to - 1)}${f}`, accessTypes: ['write'], canPersist: true };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const bps = this.rt?.setDataBreakpoints(args.breakpoints) ?? [];
    response.body = { breakpoints: bps.map(b => ({ id: b.id, verified: b.verified, message: b.message, description: b.verified ? `GFN ${hexn(b.from)}..${hexn(b.to - 1)}` : undefined })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const specs: Array<{ filterId: string; condition?: string }> = [];
    for (const f of args.filters ?? []) specs.push({ filterId: f });
    for (const o of args.filterOptions ?? []) specs.push({ filterId: o.filterId, condition: o.condition });
    for (const o of args.exceptionOptions ?? []) {
      if (o.breakMode === 'never') continue;
      for (const seg of o.path ?? []) for (const n of seg.names) if (!seg.negate) specs.push({ filterId: n });
    }
    const res = this.rt?.setExceptionFilters(specs) ?? specs.map(() => ({ verified: false, message: 'no trace loaded' }));
    response.body = { breakpoints: res };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const s = this.lastStop?.exception;
    const rt = this.rt;
    if (!s || !rt) { this.sendErrorResponse(response, { id: 1004, format: 'not stopped on an exception' }); return; }
    const evidence = s.evidence.slice(-12).map(e => `#${e} op ${rt.timeline.opOfEvent(e)}: ${JSON.stringify(rt.events.get(e), (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
    response.body = {
      exceptionId: s.filter,
      description: `${s.rule}: ${s.message}`,
      breakMode: 'always',
      details: { message: s.message, typeName: s.rule, fullTypeName: `${s.filter}/${s.rule}`, stackTrace: evidence.join('\n') },
    };
    this.sendResponse(response);
  }

  // ---- views -------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const m = this.rt?.machine;
    response.body = { threads: (m?.domains ?? [1]).map(d => new Thread(d + 1, `d${d}${m ? ` (vmid ${m.view(d).vmid})` : ''}`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const rt = this.rt;
    if (!rt) { response.body = { stackFrames: [], totalFrames: 0 }; this.sendResponse(response); return; }
    const pos = rt.position;
    const dom = rt.domainAt(pos);
    const opIdx = Math.min(pos.op, rt.opCount - 1);
    const op = rt.timeline.ops[opIdx];
    if (args.threadId !== dom + 1 || !op) {
      const f = new StackFrame(1_000_000 + args.threadId, `idle (operation ${pos.op} is in d${dom})`);
      (f as DebugProtocol.StackFrame).presentationHint = 'subtle';
      response.body = { stackFrames: [f], totalFrames: 1 };
      this.sendResponse(response);
      return;
    }
    // At the end of the trace nothing is open: show the last operation as a finished frame.
    const frames = pos.op >= rt.opCount ? [{ name: 'end of trace', enterEvent: -1 }] : rt.frames(pos);
    const line = this.convertDebuggerLineToClient(op.loc.line > 0 ? op.loc.line : 1);
    // Top of stack first; frame ids are the depth from the bottom + 1, stable within a stop.
    const out: DebugProtocol.StackFrame[] = frames.map((f, i) => {
      const label = `${f.name}${f.level !== undefined ? ` L${f.level}` : ''}${f.gfn !== undefined ? ` gfn=${hexn(f.gfn)}` : ''}`;
      const sf = new StackFrame(i + 1, label, op.loc.line > 0 ? this.source() : undefined, line, 1) as DebugProtocol.StackFrame;
      if (op.loc.line <= 0) sf.name += ` @ byte ${op.loc.byteOffset}`;
      sf.canRestart = true;
      return sf;
    }).reverse();
    const start = args.startFrame ?? 0, levels = args.levels || out.length;
    response.body = { stackFrames: out.slice(start, start + levels), totalFrames: out.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    const rt = this.rt;
    response.body = { scopes: rt ? buildScopes(rt, this.vars, rt.position).map(s => Object.assign(new Scope(s.name, s.variablesReference, s.expensive), s)) : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    let vars = this.vars.get(args.variablesReference);
    if (args.filter === 'indexed' && args.start !== undefined) vars = vars.slice(args.start, args.start + (args.count ?? vars.length));
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.rt;
    if (!rt) { this.sendErrorResponse(response, { id: 1005, format: 'no trace loaded' }); return; }
    const expr = args.expression.trim();
    if (args.context === 'repl' || args.context === undefined) {
      const c = runConsoleCommand(rt, expr);
      if (c) {
        response.body = { result: c.text, variablesReference: 0 };
        this.sendResponse(response);
        if (c.moveTo) this.report({ ...rt.moveTo(c.moveTo), reason: 'step', description: `who: ${c.text.split('\n')[0]}` });
        return;
      }
    }
    // Hovering a bare number in a trace shows its translation at the cursor.
    // (xenalyze and console dumps print frame numbers as bare hex.)
    const bareHex = this.traceFormat === 'xenalyze' || this.traceFormat === 'xen-console' ? /^[0-9a-fA-F]+$/.test(expr) : false;
    if (args.context === 'hover' && (/^(0x[0-9a-fA-F]+|\d+)$/.test(expr) || bareHex)) {
      const g = bareHex ? parseInt(expr, 16) : Number(expr);
      response.body = { result: describeLookup(g, rt.stateAt().lookup(g)), variablesReference: 0 };
      this.sendResponse(response);
      return;
    }
    const r = evaluateText(expr, rt.env());
    if (!r.ok) {
      if (args.context === 'hover') { this.sendErrorResponse(response, { id: 1006, format: r.error.message }); return; }
      response.body = { result: `error: ${r.error.message} (column ${r.error.span.start + 1})`, variablesReference: 0 };
      this.sendResponse(response);
      return;
    }
    const v = this.vars.valueVar(expr, r.value, expr);
    response.body = { result: v.value, variablesReference: v.variablesReference, type: typeof r.value === 'bigint' ? 'integer' : undefined };
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const col = Math.max(0, (args.column ?? args.text.length + 1) - 1);
    const before = args.text.slice(0, col);
    const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
    const atStart = before.trim() === word;
    const pool = [...(atStart ? CONSOLE_COMMANDS : []), ...ENV_NAMES, ...ENV_FUNCTIONS, ...P2M_TYPE_NAMES, ...P2M_ACCESS_NAMES, 'mappings', 'shattered'];
    const uniq = [...new Set(pool)].filter(n => n.startsWith(word) && n !== word);
    response.body = {
      targets: uniq.map(label => ({
        label, type: (CONSOLE_COMMANDS as readonly string[]).includes(label) ? 'keyword' : ENV_FUNCTIONS.includes(label) ? 'function' : 'variable',
        start: col - word.length, length: word.length,
      })),
    };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const rt = this.rt;
    const ref = parseTableMemoryRef(args.memoryReference);
    if (!rt || !ref) { this.sendErrorResponse(response, { id: 1007, format: `unknown memory reference '${args.memoryReference}'` }); return; }
    const st = rt.stateAt(rt.position, ref.domain);
    const page = st.tableBytes(ref.mfn);
    const off = Math.max(0, args.offset ?? 0);
    const end = Math.min(4096, off + args.count);
    const bytes = off < 4096 ? page.subarray(off, end) : new Uint8Array(0);
    response.body = {
      address: '0x' + (ref.mfn * 4096 + off).toString(16),
      data: Buffer.from(bytes).toString('base64'),
      unreadableBytes: Math.max(0, args.count - bytes.length),
    };
    this.sendResponse(response);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.rt ? [this.source()] : [] };
    this.sendResponse(response);
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    // Long work outlives its request: loading (a progress) and runs (continue/reverseContinue
    // answer at once and run in slices). Cancelling stops those; everything else is done already.
    if (args.progressId !== undefined && args.progressId === this.loadProgressId) this.loadCancelled = true;
    if (this.running) this.rt?.interrupt();
    this.sendResponse(response);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private source(): Source { return new Source(path.basename(this.tracePath), this.convertDebuggerPathToClient(this.tracePath)); }
  /** Records carry the path they were loaded from. */
  private traceSourceKey(): string { return this.tracePath; }
  private sameFile(a: string, b: string): boolean {
    if (!a) return false;
    const x = path.resolve(a), y = path.resolve(b);
    return process.platform === 'win32' || process.platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
  }
  private opsAtOrAfter(p: string | undefined, line: number): number[] {
    const rt = this.rt;
    if (!rt || !p || !this.sameFile(p, this.tracePath)) return [];
    const l = rt.timeline.linesOf(this.traceSourceKey()).find(x => x >= line);
    return l === undefined ? [] : [...rt.timeline.opsOnLine(this.traceSourceKey(), l)];
  }
}

function framesAheadOf(rt: ReplayRuntime): Frame[] {
  return rt.stepInTargets();
}
