// Formats engine events as trace-log micro-operation rows, with their break-before-make
// phase (p2m-model.md §7): a live store of 0 over a hw-valid entry is a *break*, the TLB
// flush that follows is the *flush*, a live store of a valid entry is a *make*, stores into
// pages not yet linked are *prepare*, and BBM/stale-TLB diagnostics are *violations*.
// Pure: used by the session worker and unit tests.

import type { P2mEvent } from '../../engine/p2m/events';
import type { BbmPhase, MicroOpRow } from './view-data';

const hex = (n: number) => '0x' + n.toString(16);
const desc = (d: bigint) => '0x' + d.toString(16).padStart(16, '0');
const LEVEL_NAMES = ['0TH', '1ST', '2ND', '3RD'];

export const VIOLATION_CODES = new Set(['bbm-violation', 'stale-tlb']);

export function eventPhase(e: P2mEvent): BbmPhase {
  switch (e.kind) {
    case 'pteWrite': {
      if (!e.live) return 'prepare';
      const oldValid = (e.old & 1n) !== 0n;
      const newValid = (e.new & 1n) !== 0n;
      if (oldValid && !newValid) return 'break';
      if (newValid) return 'make';
      return 'none';
    }
    case 'tlbFlush': return 'flush';
    case 'diagnostic': return VIOLATION_CODES.has(e.diag.code) ? 'violation' : 'none';
    default: return 'none';
  }
}

export function eventText(e: P2mEvent): string {
  switch (e.kind) {
    case 'opBegin': return `begin op ${e.op + 1} ${e.opKind} (d${e.domain})`;
    case 'opEnd': return `end op ${e.op + 1}, rc ${e.rc}`;
    case 'frameEnter': return `→ ${e.frame} L${e.level} gfn ${hex(e.gfn)}`;
    case 'frameLeave': return `← ${e.frame} rc ${e.rc}`;
    case 'pteWrite':
      return `${LEVEL_NAMES[e.level] ?? 'L' + e.level}[${hex(e.index)}] of table ${hex(e.table)}` +
        `${e.live ? ' (live)' : ' (not yet linked)'}${e.raw ? ' raw' : ''}`;
    case 'pteClean': return `clean PTE ${hex(e.table)}[${hex(e.index)}]`;
    case 'tlbFlush': return `TLB flush vmid ${e.vmid} (${e.cause})`;
    case 'needFlushSet': return 'need_flush = true (deferred)';
    case 'tableAlloc': return `alloc table page ${hex(e.table)} L${e.level} (${e.why})`;
    case 'tableZero': return `zero table page ${hex(e.table)}`;
    case 'tableClean': return `clean table page ${hex(e.table)}`;
    case 'tableFree': return `free table page ${hex(e.table)}`;
    case 'iommuFlush': return `IOMMU flush dfn ${hex(e.dfn)} ×${e.count} flags ${e.flags}`;
    case 'radixSet': return `radix[${hex(e.gfn)}] = access ${e.access}`;
    case 'radixDelete': return `radix delete ${hex(e.gfn)}`;
    case 'stat': return `stats.${e.field}[${e.level}] ${e.delta >= 0 ? '+' : ''}${e.delta}`;
    case 'mappedRange': return `max_mapped_gfn ${hex(e.maxMappedGfn)}, lowest_mapped_gfn ${e.lowestMappedGfn < 0 ? 'ULONG_MAX' : hex(e.lowestMappedGfn)}`;
    case 'putPage': return `put_page mfn ${hex(e.mfn)} ×${e.count}`;
    case 'mapcacheInvalidate': return 'mapcache invalidate';
    case 'xenheapGfnClear': return `xenheap page ${hex(e.mfn)}: clear GFN`;
    case 'diagnostic': return `${e.diag.severity} [${e.diag.code}] ${e.diag.message}`;
  }
}

/** Micro-op rows for events [from, to) of one op, indented by call-frame depth. */
export function microOpRows(get: (i: number) => P2mEvent, from: number, to: number, limit = 5000): MicroOpRow[] {
  const rows: MicroOpRow[] = [];
  let depth = 0;
  for (let i = from; i < to && rows.length < limit; i++) {
    const e = get(i);
    if (e.kind === 'frameLeave') depth = Math.max(0, depth - 1);
    const row: MicroOpRow = { event: i, kind: e.kind, depth, text: eventText(e), phase: eventPhase(e) };
    if (e.kind === 'pteWrite') { row.old = desc(e.old); row.new = desc(e.new); }
    rows.push(row);
    if (e.kind === 'frameEnter') depth++;
  }
  if (to - from > limit) {
    rows.push({ event: from + limit, kind: 'truncated', depth: 0, text: `… ${to - from - limit} more events`, phase: 'none' });
  }
  return rows;
}
