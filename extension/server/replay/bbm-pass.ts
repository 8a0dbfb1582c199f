// Break-before-make findings for the low-level write lines of a .p2mtrace (write_pte,
// tlb_flush, dsb, begin/end): those lines are fed, as events, to engine/tlb's BBM checker and
// each finding is placed on the line of the event where it was detected. The checker has no
// snapshot, so this runs over the whole document each pass; it only looks at low-level
// records, which are few compared to engine operations.
import { hiOf, loOf } from '../../../engine/arch/descriptor';
import { BbmChecker } from '../../../engine/tlb/bbm-checker';
import type { TraceRecord } from '../../../engine/trace/records';

export interface BbmDiagnostic {
  line: number;
  severity: 'error' | 'info';
  code: 'bbm-violation';
  message: string;
}

export function runBbmPass(records: readonly TraceRecord[]): BbmDiagnostic[] {
  let low = 0;
  for (const r of records) if (r.kind === 'writePte' || r.kind === 'tlbFlush') low++;
  if (low === 0) return [];
  const checker = new BbmChecker({ recordWaste: false });
  const eventLine: number[] = [];
  let ev = 0;
  let inLock = false;
  let op = 0;
  const emit = (line: number): number => { eventLine.push(line); return ev++; };
  for (const r of records) {
    const line = Math.max(0, r.loc.line - 1);
    switch (r.kind) {
      case 'beginLock':
        checker.onOpBegin(emit(line), op++, 'write_pte');
        inLock = true;
        break;
      case 'endLock':
        checker.onOpEnd(emit(line), op, 0);
        inLock = false;
        break;
      case 'writePte': {
        if (!inLock) checker.onOpBegin(emit(line), op++, 'write_pte');
        checker.onPteWrite(emit(line), r.table, r.index, r.level ?? -1, loOf(r.old), hiOf(r.old), loOf(r.new), hiOf(r.new), true, false);
        if (!inLock) checker.onOpEnd(emit(line), op, 0);
        break;
      }
      case 'tlbFlush':
        checker.onTlbFlush(emit(line), r.vmid ?? 0, 'explicit');
        break;
      default:
        break;
    }
  }
  checker.finish(emit(eventLine[eventLine.length - 1] ?? 0));
  return checker.findings.map(f => ({
    line: eventLine[f.events[f.events.length - 1]] ?? 0,
    severity: f.severity,
    code: 'bbm-violation' as const,
    message: `${f.rule}: ${f.message}`,
  }));
}
