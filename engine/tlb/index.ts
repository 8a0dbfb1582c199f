// Public surface of the TLB model and break-before-make checker (issue 4 §1–2). Both are pure
// consumers of the engine's event stream: drive them with `dispatchEvent`/`dispatchAll` on
// P2mEvent objects, or call their `on*` methods with numbers from a columnar log.
export { BbmChecker, type BbmCheckerOptions, type BbmCounts } from './bbm-checker';
export {
  ARM_ARM_BBM, ARM_ARM_COHERENCY, ARM_ARM_TLB, BBM_RULES, bbmReasons, type BbmReason, type BbmRule, reasonNames,
} from './bbm-rules';
export { dispatchAll, dispatchEvent, type EventSource, feedLog, SINK_KINDS, type TableAllocWhy, type TlbEventSink } from './event-sink';
export {
  type BbmFinding, describeEntry, type FindingEntry, findingEvent, findingToDiagnostic, hazardEvent, hazardToDiagnostic,
  type TlbHazard, type TlbHazardKind,
} from './findings';
export { PerDomainSinks } from './per-domain';
export { type BbmSummary, summarize } from './summary';
export { type MirrorOptions, TableMirror } from './table-mirror';
export { TlbModel, type TlbCounts, type TlbModelOptions } from './tlb-model';
export { checkWriteTrace, locationOf, type WriteTraceCheck, type WriteTraceEvents, writeTraceToEvents } from './write-trace';
