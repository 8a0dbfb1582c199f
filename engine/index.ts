// Public surface of the p2m engine (pure TypeScript, no vscode). Views, the debugger, the
// language server and the CLI use only this: the P2m facade (operations + queries), the
// event stream (events.ts types + the columnar EventLog), the descriptor codec, geometry,
// type/access enums and the dump formats.
export { P2m, type P2mStats, type NameOrValue } from './p2m/p2m';
export { DEFAULT_CONFIG, type P2mConfig, type Strategy, ENOENT, ENOMEM, EBUSY, EINVAL, EILSEQ, ERESTART, errnoName } from './p2m/config';
export { EventLog, type EventListener, FLUSH_CAUSES, FRAMES, OP_KINDS } from './p2m/event-log';
export type * from './p2m/events';
export { IOMMU_FLUSHF_ADDED, IOMMU_FLUSHF_MODIFIED } from './p2m/events';
export type { OpDiagnostic } from './p2m/core';
export type { GetEntryResult } from './p2m/get-entry';
export type { WalkStep, Region, Leaf, TablePageView, TableEntryView } from './p2m/queries';
export type { P2mSnapshot } from './p2m/snapshot';
export { VmidAllocator } from './p2m/vmid';
export * from './arch/descriptor';
export * from './arch/geometry';
export {
  INVALID_MFN, ULONG_MAX_GFN, P2M_TYPE_NAMES, LEGACY_P2M_TYPE_NAMES, P2M_ACCESS_NAMES, typeName, accessName,
  parseType, parseAccess, isRamType, isForeignType, isAnyRamType, typeRights, accessRestriction, typeMemAttr,
} from './arch/types';
// Strategies (upstream / xen-4.8 / legacy) and the strategy comparison (engine/strategy, engine/compare).
export { createP2m, strategyOf, type StrategyP2mConfig } from './strategy/create-p2m';
export { STRATEGY_NAMES, STRATEGIES, parseStrategy, parseStrategyList, type StrategyName, type StrategyInfo } from './strategy/registry';
export { compareRecords, compareRows, type CompareJson, type StrategyJson, type StrategyRow, type FirstDifference } from './compare/compare';
