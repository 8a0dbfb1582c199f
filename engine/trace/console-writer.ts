// Xen console log writer: what an instrumented Arm Xen would print (docs/capture-on-arm.md)
// plus `p2m_dump_info` / `dump_p2m_lookup` blocks for checkpoints. Used by tests, fixtures
// and samples. Operation lines use numeric t=/a= like the printk does.

import { DiagnosticList, TraceDiagnostic } from './diagnostics';
import { CheckpointDumpInfoRecord, CheckpointLookupRecord, TraceRecord, TraceRecordKind } from './records';
import { formatStatement } from './p2mtrace-writer';

export interface ConsoleWriteOptions {
  /** Timestamp style after the prefix (console_timestamps=); boot uses loc.time. */
  timestamps?: 'none' | 'boot';
  source?: string;
}

const LEVEL_NAMES = ['0TH', '1ST', '2ND', '3RD'];
const CONSOLE_KINDS = new Set<TraceRecordKind>([
  'setEntry', 'setAtOrder', 'writePte', 'tlbFlush', 'dsb', 'invalidateRoot', 'resolveFault', 'relinquish', 'memAccess',
  'beginLock', 'endLock', 'lookup', 'expect',
]);

/** The four `p2m_dump_info` lines (without prefix), as Xen prints them (p2m-model §5.13). */
export function dumpInfoLines(r: Pick<CheckpointDumpInfoRecord, 'domain' | 'vmid' | 'mappings' | 'shattered'>): string[] {
  return [
    `p2m mappings for domain ${r.domain} (vmid ${r.vmid}):`,
    `  1G mappings: ${r.mappings[1]} (shattered ${r.shattered[1]})`,
    `  2M mappings: ${r.mappings[2]} (shattered ${r.shattered[2]})`,
    `  4K mappings: ${r.mappings[3]}`,
  ];
}

/** `dump_p2m_lookup` lines in the 4.18+ style (3-digit index, unpadded descriptor). */
export function dumpLookupLines(r: CheckpointLookupRecord): string[] {
  const out = [`dom${r.domain} IPA 0x${r.ipa.toString(16).padStart(16, '0')}`];
  if (r.rootMfn !== undefined) out.push(`P2M @ ${'0'.repeat(16)} mfn:0x${r.rootMfn.toString(16).padStart(3, '0')}`);
  if (r.concatenatedRoot !== undefined) out.push(`Using concatenated root table ${r.concatenatedRoot}`);
  if (r.invalidRootOffset) out.push('Invalid root table offset');
  for (const l of r.lines) out.push(`${LEVEL_NAMES[l.level]}[0x${l.index.toString(16).padStart(3, '0')}] = 0x${l.descriptor.toString(16)}`);
  return out;
}

export function writeConsole(records: Iterable<TraceRecord>, o: ConsoleWriteOptions = {}): { text: string; diagnostics: TraceDiagnostic[] } {
  const diags = new DiagnosticList(o.source ?? '<console-writer>');
  const out: string[] = [];
  const skipped = new Map<TraceRecordKind, number>();
  for (const r of records) {
    let prefix = '(XEN) ';
    if (o.timestamps === 'boot') {
      const us = Math.round((r.loc.time ?? 0) * 1e6);
      prefix += `[${String(Math.floor(us / 1e6)).padStart(5)}.${String(us % 1e6).padStart(6, '0')}] `;
    }
    let lines: string[] | undefined;
    if (r.kind === 'checkpointDumpInfo') lines = dumpInfoLines(r);
    else if (r.kind === 'checkpointLookup') lines = dumpLookupLines(r);
    else if (CONSOLE_KINDS.has(r.kind)) {
      const s = formatStatement(r, { numeric: true, alwaysDomain: true });
      if (s !== undefined) lines = [s];
    }
    if (lines === undefined) { skipped.set(r.kind, (skipped.get(r.kind) ?? 0) + 1); continue; }
    for (const l of lines) out.push(prefix + l);
  }
  for (const [k, n] of skipped) diags.add({ line: 0, column: 0, severity: 'info', message: `${n} ${k} record(s) have no console form: skipped` });
  return { text: out.join('\n') + (out.length ? '\n' : ''), diagnostics: diags.finish() };
}
