// The engine's one event stream: every side effect of a p2m operation, in Xen's order.
//
// Every consumer (trace log, tree refresh, BBM checker, TLB model, debugger stepping,
// language-server diagnostics, CLI) reads these events and the engine's query API only,
// never engine internals. Events are plain serializable data: 64-bit values (descriptors)
// are bigint here and cross JSON as hex strings through `eventToJson` (one place).
//
// On the hot path the engine does NOT allocate these objects: it appends to a columnar
// EventLog (typed arrays, see event-log.ts) and objects are materialised on demand by
// `EventLog.get(i)` for the views that page through them.

/** Why a TLB flush happened. Names follow p2m-model.md §5.1/§5.8 plus the legacy/low-level sources. */
export type FlushCause =
  | 'bbm-split'     // forced flush between break and make of a superpage split (§5.3 B)
  | 'bbm-replace'   // forced flush before replacing a hw-valid entry (§5.3 C)
  | 'pre-free'      // freeEntry found need_flush set before freeing a table (§5.6)
  | 'unlock'        // write-unlock with need_flush pending (§5.8)
  | 'init'          // p2m_alloc_table at domain creation
  | 'clear-root'    // p2m_clear_root_pages at teardown
  | 'legacy-end'    // legacy apply_p2m_changes: one flush at the end of the call (§6.1)
  | 'explicit';     // a low-level `tlb_flush` line in a .p2mtrace write trace

/** Simulated Xen call frames, so the debugger can show a call stack and step in/out. */
export type FrameName =
  | 'p2m_set_entry'
  | '__p2m_set_entry'
  | 'p2m_next_level'
  | 'p2m_create_table'
  | 'p2m_split_superpage'
  | 'p2m_free_entry'
  | 'p2m_get_entry'
  | 'p2m_invalidate_root'
  | 'p2m_invalidate_table'
  | 'p2m_resolve_translation_fault'
  | 'relinquish_p2m_mapping'
  | 'p2m_set_mem_access'
  | 'apply_p2m_changes'
  | 'apply_one_level'
  | 'p2m_shatter_page';

/** The operations a replay executes; one opBegin/opEnd pair each. */
export type OpKind =
  | 'set_entry'          // p2m_set_entry under the write lock (unlock flushes if needed)
  | 'set_at_order'       // one __p2m_set_entry chunk in its own locked section (xentrace default)
  | 'lookup'
  | 'invalidate_root'
  | 'resolve_fault'
  | 'relinquish'
  | 'mem_access'
  | 'write_pte'          // low-level write trace: a raw store into a table page
  | 'tlb_flush'
  | 'dsb'
  | 'checkpoint'         // p2m_dump_info / dump_p2m_lookup checkpoint from a console log
  | 'other';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * Diagnostic codes. `assert-*` are Xen ASSERT/BUG conditions (p2m-model.md §8 rows 1–15);
 * `sim-*` are simulator-only checks (rows 16–20, marked * in §8); the rest come from
 * checkers and trace readers.
 */
export type DiagnosticCode =
  | 'assert-order' | 'assert-locked' | 'assert-split' | 'assert-rewalk' | 'assert-level'
  | 'assert-mem-access-order' | 'assert-remove-access' | 'assert-mfn-range' | 'assert-type'
  | 'assert-create-table' | 'assert-free-entry' | 'assert-dump-level0' | 'assert-root'
  | 'assert-invalidate-shared' | 'assert-setup' | 'assert-relinquish'
  | 'sim-stats-negative' | 'sim-gfn-beyond-ipa' | 'sim-misaligned-leaf' | 'sim-need-flush-after-unlock'
  | 'sim-hw-valid-type0' | 'sim-reserved-bits' | 'sim-stats-drift'
  | 'sim-work-budget'      // a call over more chunks than the simulator's budget (config maxChunksPerCall)
  | 'rc-error'             // a p2m_set_entry call returned -ENOMEM/-ENOENT/-EINVAL/...
  | 'bbm-violation' | 'stale-tlb' | 'checkpoint-mismatch' | 'lost-records' | 'trace';

/** A diagnostic attached to the operation that produced it. */
export interface EngineDiagnostic {
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  message: string;
  /** Optional related GFN (for views); undefined when not meaningful. */
  gfn?: number;
}

/**
 * Table pages are identified by their MFN (a number: MFNs are < 2^36, exact in a double).
 * Root pages have MFNs too; `isRoot` on tableAlloc tells them apart.
 */
export type P2mEvent =
  | { kind: 'opBegin'; op: number; opKind: OpKind; domain: number }
  | { kind: 'opEnd'; op: number; rc: number }
  | { kind: 'frameEnter'; frame: FrameName; level: number; gfn: number }
  | { kind: 'frameLeave'; frame: FrameName; rc: number }
  /** A store into a table page. `live` = page reachable from the root at that moment;
   *  `raw` = a plain store that skips writePte's cache clean (split fill, §5.5). */
  | { kind: 'pteWrite'; table: number; index: number; level: number; old: bigint; new: bigint; live: boolean; raw: boolean }
  | { kind: 'pteClean'; table: number; index: number }
  | { kind: 'tlbFlush'; vmid: number; cause: FlushCause }
  | { kind: 'needFlushSet' }
  | { kind: 'tableAlloc'; table: number; level: number; why: 'table' | 'split' | 'root' }
  | { kind: 'tableZero'; table: number }
  | { kind: 'tableClean'; table: number }
  | { kind: 'tableFree'; table: number }
  | { kind: 'iommuFlush'; dfn: number; count: number; flags: number }
  | { kind: 'radixSet'; gfn: number; access: number }
  | { kind: 'radixDelete'; gfn: number }
  | { kind: 'stat'; field: 'mappings' | 'shattered'; level: number; delta: number }
  | { kind: 'mappedRange'; maxMappedGfn: number; lowestMappedGfn: number }
  | { kind: 'putPage'; mfn: number; count: number }
  | { kind: 'mapcacheInvalidate' }
  | { kind: 'xenheapGfnClear'; mfn: number }
  | { kind: 'diagnostic'; diag: EngineDiagnostic };

export type P2mEventKind = P2mEvent['kind'];

/** IOMMU flush flag bits (Xen's IOMMU_FLUSHF_*). */
export const IOMMU_FLUSHF_ADDED = 1;
export const IOMMU_FLUSHF_MODIFIED = 2;
