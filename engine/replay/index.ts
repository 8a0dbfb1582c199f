// Public surface of the replay core (no vscode): load a trace, build a runtime over the
// engine, and drive it with debugger verbs. The debug session, the UI session and the
// language server import from here.
export type { ReplayMachine, MachineOp, DomainView, EventSource, ExternalFinding, LookupResult, Region, OpArgValue } from './backend';
export { EngineMachine, type EngineMachineOptions } from './engine-machine';
export { loadTraceFile, type LoadedTrace, type LoadResult } from './load-trace';
export { ReplayRuntime, DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_MAX_EVENTS_PER_SNAPSHOT, type StopInfo, type StopReason, type RunResult, type LogOutput, type LoadOptions } from './runtime';
export { Timeline, type TimelineBuild } from './timeline';
export { Seeker } from './seeker';
export { comparePos, samePos, posText, type Position, type Granularity } from './position';
export { frameStack, framesAhead, matchingLeave, opFrameName, type Frame } from './frames';
export { PositionState, buildOverlay, type WalkStep, type Overlay } from './position-state';
export { ChangeIndex, changeMatches, type TranslationChange, type ChangeFilter, type RootInfo } from './change-index';
export { EXCEPTION_FILTERS, formatDataId, parseDataId, parseGfnRangeText, addressRange, type ExceptionFilterId, type GfnRange } from './breakpoints';
export { runConsoleCommand, CONSOLE_COMMANDS, type ConsoleResult } from './console-commands';
export { makeEnv, ENV_NAMES, ENV_FUNCTIONS } from './expr-env';
export { parseExpr } from './expr/parser';
export { evaluate, evaluateText, isTruthy, display, type ExprEnv } from './expr/evaluator';
export { tlbModelAt, checkerFindings } from './tlb-view';
