// The engine config of one traced domain: the trace's `config` lines plus the domain's own
// (`domain` lines: vmid, pool, hardware domain). One place, so the full replay machine and the
// UI's index-only session build identical engines from the same trace.
import type { EventLog } from '../p2m/event-log';
import type { TableStore } from '../p2m/table-store';
import type { P2m } from '../p2m/p2m';
import { createP2m } from '../strategy/create-p2m';
import type { StrategyName } from '../strategy/registry';
import type { TraceConfig } from '../trace/records';

/** What a view engine reads instead of its own state (engine/replay/time-store.ts). */
export interface ViewState { store: TableStore; radix: Map<number, number> }

export interface DomainSpec { domain: number; vmid: number; poolPages?: number | 'unlimited'; hardwareDomain?: boolean }

/** A P2m for domain `s` under the trace config `cfg`, recording into `log`. */
export function createDomainP2m(cfg: TraceConfig, s: DomainSpec, log: EventLog, strategy: StrategyName, view?: ViewState): P2m {
  // `view`: a view engine's table store and radix (time-store.ts), handed to the core's optional hooks.
  return createP2m({
    ...view,
    strategy, domid: s.domain, vmid: s.vmid, log,
    arch: cfg.arch ?? 'arm64', ipaBits: cfg.ipaBits ?? 40,
    poolPages: s.poolPages ?? cfg.poolPages ?? 64, isHardwareDomain: s.hardwareDomain ?? false,
    memAccess: cfg.memAccess ?? false, cleanPte: cfg.cleanPte ?? false, iommuEnabled: cfg.iommu ?? false,
  });
}
