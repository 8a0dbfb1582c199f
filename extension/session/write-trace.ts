// Low-level write traces (`write_pte` / `tlb_flush` / `dsb` lines): the replay machine does not
// turn them into engine events, so the session checks them here with the BBM checker
// (engine/tlb) fed straight from the records, and supplies the per-op violation counts,
// messages and micro-op rows the trace log shows. One checker per domain.

import { hiOf, loOf } from '../../engine/arch/descriptor';
import type { MachineOp } from '../../engine/replay/backend';
import { BbmChecker } from '../../engine/tlb/bbm-checker';
import { formatStatement } from '../../engine/trace/p2mtrace-writer';
import type { TraceRecord } from '../../engine/trace/records';
import type { BbmPhase, MicroOpRow } from './view-data';

export interface WriteTraceOverlay {
  violations: Uint32Array;
  flushes: Uint32Array;
  messages: Map<number, string[]>;
  rows: Map<number, MicroOpRow[]>;
  /** Row summaries: the record as a .p2mtrace statement (the machine's label says nothing). */
  labels: Map<number, string>;
}

const LEVELS = ['0TH', '1ST', '2ND', '3RD'];
const hex = (n: number) => '0x' + n.toString(16);
const desc = (d: bigint) => '0x' + d.toString(16).padStart(16, '0');

/** Undefined when the trace has no low-level records (the common case: nothing to add). */
export function analyzeWriteTrace(ops: readonly MachineOp[], records: readonly TraceRecord[]): WriteTraceOverlay | undefined {
  type LowLevel = Extract<TraceRecord, { kind: 'writePte' | 'tlbFlush' | 'dsb' }>;
  const byLoc = new Map<string, LowLevel>();
  for (const r of records) {
    if (r.kind === 'writePte' || r.kind === 'tlbFlush' || r.kind === 'dsb') byLoc.set(`${r.loc.source}:${r.loc.byteOffset}`, r);
  }
  if (byLoc.size === 0) return undefined;
  const n = ops.length;
  const o: WriteTraceOverlay = { violations: new Uint32Array(n), flushes: new Uint32Array(n), messages: new Map(), rows: new Map(), labels: new Map() };
  const checkers = new Map<number, BbmChecker>();
  for (let i = 0; i < n; i++) {
    const r = byLoc.get(`${ops[i].loc.source}:${ops[i].loc.byteOffset}`);
    if (!r) continue;
    let c = checkers.get(r.domain);
    if (!c) checkers.set(r.domain, c = new BbmChecker({ recordWaste: false }));
    const before = c.findings.length;
    const label = formatStatement(r);
    if (label) o.labels.set(i, label);
    let row: MicroOpRow;
    if (r.kind === 'writePte') {
      // The event index the checker sees is the op index: one record = one op here.
      c.onPteWrite(i, r.table, r.index, r.level ?? -1, loOf(r.old), hiOf(r.old), loOf(r.new), hiOf(r.new), true, false);
      const oldV = (r.old & 1n) !== 0n, newV = (r.new & 1n) !== 0n;
      const phase: BbmPhase = oldV && !newV ? 'break' : newV ? 'make' : 'none';
      row = { event: i, kind: 'pteWrite', depth: 0, phase, old: desc(r.old), new: desc(r.new),
        text: `${r.level !== undefined ? LEVELS[r.level] : 'L?'}[${hex(r.index)}] of table ${hex(r.table)} (write trace)` };
    } else if (r.kind === 'tlbFlush') {
      c.onTlbFlush(i, r.vmid ?? 0, 'explicit');
      o.flushes[i] = 1;
      row = { event: i, kind: 'tlbFlush', depth: 0, phase: 'flush', text: 'TLB flush (explicit, write trace)' };
    } else {
      row = { event: i, kind: 'dsb', depth: 0, phase: 'none', text: 'DSB (write trace)' };
    }
    const rows = [row];
    for (const f of c.findings.slice(before)) {
      if (f.severity !== 'error') continue;
      o.violations[i]++;
      const m = `[bbm-violation] ${f.rule}: ${f.message}`;
      let ms = o.messages.get(i);
      if (!ms) o.messages.set(i, ms = []);
      ms.push(m);
      rows.push({ event: i, kind: 'diagnostic', depth: 0, phase: 'violation', text: `error ${m} — ${f.armRef}` });
    }
    if (o.violations[i] > 0) row.phase = 'violation';
    o.rows.set(i, rows);
  }
  return o;
}
