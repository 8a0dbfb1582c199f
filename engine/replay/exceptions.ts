// Where the exception filters can fire, found once per loaded trace: diagnostic events
// (Xen ASSERTs, simulator checks, stats drift, checkpoint mismatches, lost records), error
// return codes at opEnd, and findings of checkers that watched the recording pass.

import type { DiagnosticCode } from '../p2m/events';
import { tableOf } from './op-table';
import type { EventSource, ExternalFinding } from './backend';
import type { ExceptionFilterId } from './breakpoints';
import type { Timeline } from './timeline';

export interface ExceptionSite {
  filter: ExceptionFilterId;
  /** Global event index the stop follows; -1 for an op-level site (stop at the op's line). */
  event: number;
  op: number;
  rule: string;
  message: string;
  evidence: readonly number[];
}

const ERRNO: Record<number, ExceptionFilterId> = { [-12]: 'enomem', [-2]: 'enoent', [-22]: 'einval' };
const ERRNO_NAME: Record<number, string> = { [-12]: '-ENOMEM', [-2]: '-ENOENT', [-22]: '-EINVAL' };

export function filterOfDiagnostic(code: DiagnosticCode): ExceptionFilterId | undefined {
  switch (code) {
    case 'bbm-violation': return 'bbm-violation';
    case 'stale-tlb': return 'stale-tlb';
    case 'checkpoint-mismatch': return 'checkpoint-mismatch';
    case 'lost-records': return 'lost-records';
    case 'sim-stats-drift': case 'sim-stats-negative': return 'stats-drift';
    case 'rc-error': case 'trace': return undefined;
    default: return code.startsWith('assert-') || code.startsWith('sim-') ? 'xen-assert' : undefined;
  }
}

export interface ExceptionScan {
  sites: ExceptionSite[];
  /** Return code of every op (0 when the op logged no opEnd). */
  rc: Int32Array;
}

export function scanExceptions(tl: Timeline, events: EventSource, external: readonly ExternalFinding[]): ExceptionScan {
  const sites: ExceptionSite[] = [];
  const rc = new Int32Array(tl.opCount);
  let op = 0;
  const opOf = (e: number) => { while (op + 1 < tl.opCount && tl.opStart[op + 1] <= e) op++; return op; };
  const onOpEnd = (e: number, r: number) => {
    const o = opOf(e);
    rc[o] = r;
    const f = ERRNO[r];
    if (f) sites.push({ filter: f, event: e, op: o, rule: ERRNO_NAME[r], message: `operation returned ${ERRNO_NAME[r]}`, evidence: [e] });
  };
  const onDiagnostic = (e: number) => {
    const ev = events.get(e);
    if (ev.kind !== 'diagnostic') return;
    const f = filterOfDiagnostic(ev.diag.code);
    // BBM/TLB diagnostics in the log and external findings describe the same thing; prefer the richer external one.
    if (f && !((f === 'bbm-violation' || f === 'stale-tlb') && external.length > 0)) {
      sites.push({ filter: f, event: e, op: opOf(e), rule: ev.diag.code, message: ev.diag.message, evidence: [e] });
    }
  };
  if (events.feed !== undefined) {
    // The engine's log: one raw pass (no object per event); only the non-rc diagnostics are
    // materialised (a compact rc-error never raises a filter: its opEnd does). Reading every
    // event with kindAt/get cost ~1 s of a 1M-op debug session's load.
    const none = () => {};
    events.feed({
      onOpBegin: none, onPteWrite: none, onPteClean: none, onTlbFlush: none, onNeedFlushSet: none,
      onTableAlloc: none, onTableZero: none, onTableClean: none, onTableFree: none,
      onOpEnd: (e, _op, r) => onOpEnd(e, r),
      onDiagnostic: (e, rcError) => { if (!rcError) onDiagnostic(e); },
    });
  } else {
    for (let e = 0; e < events.length; e++) {
      const k = events.kindAt(e);
      if (k === 'opEnd') { const ev = events.get(e); if (ev.kind === 'opEnd') onOpEnd(e, ev.rc); }
      else if (k === 'diagnostic') onDiagnostic(e);
    }
  }
  const t = tableOf(tl.ops);
  for (let i = 0; i < tl.opCount; i++) {
    if ((t ? t.kindOf(i) : tl.ops[i].kind) !== 'other') continue;
    const o = tl.ops[i];
    if (o.args.record === 'lostRecords') sites.push({ filter: 'lost-records', event: -1, op: i, rule: 'lost-records', message: o.label, evidence: [] });
  }
  for (const f of external) {
    if (f.event < 0 || f.event >= events.length) continue;
    sites.push({ filter: f.filter, event: f.event, op: tl.opOfEvent(f.event), rule: f.rule, message: f.message, evidence: f.evidence });
  }
  return { sites, rc };
}
