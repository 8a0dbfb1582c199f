// Shared helpers for the engine tests: run a setup and an "act" phase and measure what the
// act did (flushes by cause, pages allocated/freed), read entries by table MFN, and build
// the expected p2m_dump_info text from the golden table's numbers.
import assert from 'node:assert/strict';
import { P2m } from '../../../engine/p2m/p2m';
import type { P2mConfig } from '../../../engine/p2m/config';
import type { P2mEvent } from '../../../engine/p2m/events';
import type { TlbEventSink } from '../../../engine/tlb/event-sink';

export const R0 = 0x40000, R1 = 0x40001;
/** Pool page Pn's MFN with the default pool base. */
export const P = (n: number) => 0x80010 + n;
export const INVALID = -1;

export interface ActResult {
  p: P2m;
  rc: number[];
  F: number; P: number; U: number;
  allocated: number; freed: number;
  events: P2mEvent[];
}

export function scenario(cfg: Partial<P2mConfig>, setup: (p: P2m) => void, act: (p: P2m) => number[]): ActResult {
  const p = new P2m(cfg);
  setup(p);
  const s0 = p.stats(), e0 = p.log.length;
  const rc = act(p);
  const s1 = p.stats();
  const by = (k: 'bbm-split' | 'bbm-replace' | 'pre-free' | 'unlock') => s1.flushesByCause[k] - s0.flushesByCause[k];
  return {
    p, rc,
    F: by('bbm-split') + by('bbm-replace'), P: by('pre-free'), U: by('unlock'),
    allocated: s1.tablePages.allocated - s0.tablePages.allocated, freed: s1.tablePages.freed - s0.tablePages.freed,
    events: p.log.toArray(e0),
  };
}

/** The descriptor at (table MFN, index); 0n when empty. */
export function entry(p: P2m, table: number, index: number): bigint {
  const t = p.tablePage(table);
  assert.ok(t, `table 0x${table.toString(16)} exists`);
  return t.entries.find(e => e.index === index)?.descriptor ?? 0n;
}
export function entryCount(p: P2m, table: number): number {
  return p.tablePage(table)?.entries.length ?? 0;
}

export const tableDesc = (mfn: number) => 0x0080_0000_0000_07ffn | (BigInt(mfn) << 12n);
export const page4k = (mfn: number) => 0x0080_0000_0000_07ffn | (BigInt(mfn) << 12n);
export const block = (mfn: number) => 0x0080_0000_0000_07fdn | (BigInt(mfn) << 12n);

export function expectedDump(m1: number, s1: number, m2: number, s2: number, m3: number, dom = 1, vmid = 1): string {
  return `p2m mappings for domain ${dom} (vmid ${vmid}):\n  1G mappings: ${m1} (shattered ${s1})\n`
    + `  2M mappings: ${m2} (shattered ${s2})\n  4K mappings: ${m3}\n`;
}

/** Asserts Xen's counters [1G, 2M, 4K] and shattered [1G, 2M] and the matching dump text. */
export function assertStats(p: P2m, m: [number, number, number], sh: [number, number]): void {
  const s = p.stats();
  assert.deepEqual([s.mappings[1], s.mappings[2], s.mappings[3]], m, 'mappings 1G/2M/4K');
  assert.deepEqual([s.shattered[1], s.shattered[2]], sh, 'shattered 1G/2M');
  assert.equal(p.dumpInfo(), expectedDump(m[0], sh[0], m[1], sh[1], m[2]));
}

export function assertRange(p: P2m, max: number, lowest: number): void {
  assert.equal(p.maxMappedGfn, max, `max_mapped_gfn 0x${p.maxMappedGfn.toString(16)}`);
  assert.equal(p.lowestMappedGfn, lowest, `lowest_mapped_gfn 0x${p.lowestMappedGfn.toString(16)}`);
}

export function count(events: P2mEvent[], pred: (e: P2mEvent) => boolean): number {
  return events.filter(pred).length;
}

/**
 * A raw event sink that records every call as a string (feed vs dispatched objects). With
 * `scalars`, also the optional stat / mappedRange / radix methods, which dispatchEvent never calls.
 */
export function callRecorder(scalars = false): TlbEventSink & { calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => (...a: unknown[]) => { calls.push(`${name}(${a.map(String).join(',')})`); };
  const base = {
    calls,
    onOpBegin: rec('opBegin'), onOpEnd: rec('opEnd'), onPteWrite: rec('pteWrite'), onPteClean: rec('pteClean'),
    onTlbFlush: rec('tlbFlush'), onNeedFlushSet: rec('needFlushSet'), onTableAlloc: rec('tableAlloc'),
    onTableZero: rec('tableZero'), onTableClean: rec('tableClean'), onTableFree: rec('tableFree'), onFrameEnter: rec('frameEnter'),
  };
  return scalars
    ? { ...base, onStat: rec('stat'), onMappedRange: rec('mappedRange'), onRadixSet: rec('radixSet'), onRadixDelete: rec('radixDelete') }
    : base;
}
