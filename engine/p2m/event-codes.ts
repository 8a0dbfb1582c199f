// The event log's vocabulary, shared by its writer (event-log-writer.ts) and readers
// (event-log.ts): kind codes and header flags of the byte encoding, the name tables of flush
// causes, frames and op kinds, and the raw sink contract `feed` calls.
import type { EngineDiagnostic, FlushCause, FrameName, OpKind, P2mEventKind } from './events';
import { errnoName } from './config';

export const enum K {
  opBegin = 0, opEnd, frameEnter, frameLeave, pteWrite, pteClean, tlbFlush, needFlushSet,
  tableAlloc, tableZero, tableClean, tableFree, iommuFlush, radixSet, radixDelete, stat,
  mappedRange, putPage, mapcacheInvalidate, xenheapGfnClear, diagnostic,
  /** A pteWrite continuing the previous one's run (read back as a pteWrite; never a kind of its own). */
  pteRun,
}
export const KIND_NAMES: P2mEventKind[] = [
  'opBegin', 'opEnd', 'frameEnter', 'frameLeave', 'pteWrite', 'pteClean', 'tlbFlush', 'needFlushSet',
  'tableAlloc', 'tableZero', 'tableClean', 'tableFree', 'iommuFlush', 'radixSet', 'radixDelete', 'stat',
  'mappedRange', 'putPage', 'mapcacheInvalidate', 'xenheapGfnClear', 'diagnostic', 'pteWrite',
];
/** frameEnter frame byte bit 4: the GFN is a varint (≥ 2^32), not a u32. */
export const FE_BIG = 0x10;
/** Header bit 5: opEnd / frameLeave with rc 0, pteWrite live, stat 'shattered', rc-error diagnostic, no lowest mapped GFN. */
export const F5 = 0x20;
/** pteWrite header bits 6/7: the old / new descriptor is 0 and not stored (most stores have one zero side). */
export const OLD_ZERO = 0x40, NEW_ZERO = 0x80;
/** pteWrite 24-bit field: index (bits 0–8), level (9–10), these flags, old / new hi code (13–16 / 17–20). */
export const PW_RAW = 0x800, PW_SAME_TABLE = 0x1000;
/**
 * Run key of a pteWrite: index | level << 9 | raw (the 24-bit field's bits 0–11) | live (bit 12).
 * A pteRun event is the store whose key is the previous pteWrite's + 1 (next index, same flags);
 * after index 511 there is no next key (-1), so +1 never carries into the level bits.
 */
export const RUN_LIVE = 0x1000;
export function nextKey(key: number): number { return (key & 511) === 511 ? -1 : key + 1; }
/** The hi code meaning "the hi half follows" (dictionary full); codes below it index the dictionary. */
export const HI_LITERAL = 15;
/** Longest event in bytes (a pteWrite with two literal descriptors is 24); reserved before each append. */
export const MAX_EVENT = 32;
export const CHUNK = 1 << 20; // max bytes per chunk; addresses are chunk * CHUNK + offset
export const FIRST_CHUNK = 1 << 14;

export const FLUSH_CAUSES: FlushCause[] = ['bbm-split', 'bbm-replace', 'pre-free', 'unlock', 'init', 'clear-root', 'legacy-end', 'explicit'];
export const enum Cause { bbmSplit = 0, bbmReplace, preFree, unlock, init, clearRoot, legacyEnd, explicit }
export const FRAMES: FrameName[] = [
  'p2m_set_entry', '__p2m_set_entry', 'p2m_next_level', 'p2m_create_table', 'p2m_split_superpage',
  'p2m_free_entry', 'p2m_get_entry', 'p2m_invalidate_root', 'p2m_invalidate_table',
  'p2m_resolve_translation_fault', 'relinquish_p2m_mapping', 'p2m_set_mem_access', 'apply_p2m_changes',
  'apply_one_level', 'p2m_shatter_page',
];
export const enum Fr {
  setEntry = 0, setAtOrder, nextLevel, createTable, split, freeEntry, getEntry, invalidateRoot,
  invalidateTable, resolveFault, relinquish, setMemAccess, applyChanges, applyOneLevel, shatter,
}
export const OP_KINDS: OpKind[] = [
  'set_entry', 'set_at_order', 'lookup', 'invalidate_root', 'resolve_fault', 'relinquish', 'mem_access',
  'write_pte', 'tlb_flush', 'dsb', 'checkpoint', 'other',
];
export const WHY = ['table', 'split', 'root'] as const;


export type TableAllocWhy = 'table' | 'split' | 'root';

/**
 * What `EventLog.feed` calls, one method per kind, fields as numbers (descriptors as u32
 * halves). The TLB model and BBM checker implement it (engine/tlb calls it TlbEventSink), and
 * object streams reach it through engine/tlb `dispatchEvent`.
 */
export interface RawEventSink {
  onOpBegin(i: number, op: number, opKind: OpKind, domain?: number): void;
  onOpEnd(i: number, op: number, rc: number): void;
  /** `level` < 0 means unknown (write traces without `level=`): the sink infers it. */
  onPteWrite(i: number, table: number, index: number, level: number,
    oldLo: number, oldHi: number, newLo: number, newHi: number, live: boolean, raw: boolean): void;
  onPteClean(i: number, table: number, index: number): void;
  onTlbFlush(i: number, vmid: number, cause: FlushCause): void;
  onNeedFlushSet(i: number): void;
  onTableAlloc(i: number, table: number, level: number, why: TableAllocWhy): void;
  onTableZero(i: number, table: number): void;
  onTableClean(i: number, table: number): void;
  onTableFree(i: number, table: number): void;
  /** Optional: call frames (the TLB model takes a lookup's / fault's GFN as a guest access). */
  onFrameEnter?(i: number, frame: FrameName, level: number, gfn: number): void;
  /** Optional: the scalar-state kinds (a log-driven view engine moves counters with them). */
  onStat?(i: number, field: 0 | 1, level: number, delta: number): void;
  onMappedRange?(i: number, maxMappedGfn: number, lowestMappedGfn: number): void;
  onRadixSet?(i: number, gfn: number, access: number): void;
  onRadixDelete?(i: number, gfn: number): void;
  /** Optional: a diagnostic event's index (`get(i)` reads it); `rcError` for a compact rc-error. */
  onDiagnostic?(i: number, rcError: boolean): void;
}

/** The `rc-error` diagnostic of a failed call; the one wording for the compact and object forms. */
export function rcErrorDiagnostic(fn: string, rc: number, gfn: number): EngineDiagnostic {
  return { code: 'rc-error', severity: 'warning', message: `${fn} returned ${errnoName(rc)} (${rc}) at GFN 0x${gfn.toString(16)}`, gfn };
}
