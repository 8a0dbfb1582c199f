// Low-level write traces (.p2mtrace `write_pte` / `tlb_flush` / `dsb` / lock lines, e.g. from a
// modified Xen) turned into the engine's event stream, so the BBM checker and TLB model run on
// them exactly as on a replay. Each line outside a lock section is its own op (`write_pte`,
// `tlb_flush`, `dsb`); a `begin`…`end` lock section is one op ('other'), which is where the TLB model
// judges staleness. `live` is computed with the same reachability rules the checker uses.
// Other records (p2m_set_entry, …) are the engine's business and are skipped here.
import { hiOf, loOf } from '../arch/descriptor';
import type { P2mEvent } from '../p2m/events';
import type { TraceLoc, TraceRecord } from '../trace/records';
import { parseP2mTrace } from '../trace/p2mtrace';
import { BbmChecker, type BbmCheckerOptions } from './bbm-checker';
import { dispatchAll } from './event-sink';
import type { BbmFinding, TlbHazard } from './findings';
import { TableMirror } from './table-mirror';
import { TlbModel, type TlbModelOptions } from './tlb-model';

export interface WriteTraceEvents {
  events: P2mEvent[];
  /** Source location of the record behind each event (same index). */
  locs: TraceLoc[];
  /** Records that are not low-level writes (left to the engine). */
  skipped: number;
}

export function writeTraceToEvents(records: readonly TraceRecord[], opts: { vmid?: number } = {}): WriteTraceEvents {
  const events: P2mEvent[] = [];
  const locs: TraceLoc[] = [];
  const mirror = new TableMirror({ storeContents: false });
  let op = 0, inLock = false, skipped = 0;
  const emit = (e: P2mEvent, loc: TraceLoc) => { events.push(e); locs.push(loc); };
  const wrap = (kind: 'write_pte' | 'tlb_flush' | 'dsb', loc: TraceLoc, body: () => void) => {
    if (inLock) { body(); return; }
    emit({ kind: 'opBegin', op: ++op, opKind: kind, domain: 1 }, loc);
    body();
    emit({ kind: 'opEnd', op, rc: 0 }, loc);
  };
  for (const r of records) {
    switch (r.kind) {
      case 'writePte':
        wrap('write_pte', r.loc, () => {
          const id = mirror.ensurePage(r.table);
          let level = r.level ?? -1;
          if (level < 0 && id >= 0 && mirror.pageLevel[id] >= 0) level = mirror.pageLevel[id];
          if (id >= 0) mirror.notePage(id, level < 0 ? 3 : level);
          const live = mirror.isLive(id);
          if (id >= 0) mirror.write(id, r.index, level < 0 ? 3 : level, loOf(r.old), hiOf(r.old), loOf(r.new), hiOf(r.new));
          emit({ kind: 'pteWrite', table: r.table, index: r.index, level, old: r.old, new: r.new, live, raw: false }, r.loc);
        });
        break;
      case 'tlbFlush':
        wrap('tlb_flush', r.loc, () => emit({ kind: 'tlbFlush', vmid: r.vmid ?? opts.vmid ?? 1, cause: 'explicit' }, r.loc));
        break;
      case 'dsb':
        // No dsb event exists: outside a lock it is an op of kind 'dsb' (the TLB model completes
        // by-IPA sequences on it); inside a lock it orders nothing we model.
        if (!inLock) wrap('dsb', r.loc, () => { /* the op itself is the marker */ });
        break;
      case 'beginLock':
        if (!inLock) { emit({ kind: 'opBegin', op: ++op, opKind: 'other', domain: r.domain }, r.loc); inLock = true; }
        break;
      case 'endLock':
        if (inLock) { emit({ kind: 'opEnd', op, rc: 0 }, r.loc); inLock = false; }
        break;
      default:
        skipped++;
    }
  }
  if (inLock && locs.length > 0) emit({ kind: 'opEnd', op, rc: 0 }, locs[locs.length - 1]);
  return { events, locs, skipped };
}

export interface WriteTraceCheck {
  findings: BbmFinding[];
  hazards: TlbHazard[];
  checker: BbmChecker;
  tlb: TlbModel;
  stream: WriteTraceEvents;
  /** Parse diagnostics, passed through (file:line:col in each). */
  parseDiagnostics: ReturnType<typeof parseP2mTrace>['diagnostics'];
}

/**
 * Parse a .p2mtrace text and run the checker and TLB model over its low-level lines.
 * `clean_pte` defaults to the trace's `config clean_pte=`. Never throws on bad input.
 */
export function checkWriteTrace(text: string, source: string,
  opts: { checker?: BbmCheckerOptions; tlb?: TlbModelOptions } = {}): WriteTraceCheck {
  const parsed = parseP2mTrace(text, source);
  const stream = writeTraceToEvents(parsed.records);
  const checker = new BbmChecker({ cleanPte: parsed.config.cleanPte ?? false, ...opts.checker });
  const tlb = new TlbModel({ speculative: 'recent', walkAfterWrite: true, ...opts.tlb });
  dispatchAll(checker, stream.events);
  dispatchAll(tlb, stream.events);
  checker.finish(stream.events.length);
  tlb.finish(stream.events.length);
  return { findings: checker.findings, hazards: tlb.hazards, checker, tlb, stream, parseDiagnostics: parsed.diagnostics };
}

/** Source location of the event that completed a finding or hazard (for editors). */
export function locationOf(stream: WriteTraceEvents, f: { events: number[] }): TraceLoc | undefined {
  const i = f.events[f.events.length - 1];
  return i >= 0 && i < stream.locs.length ? stream.locs[i] : stream.locs[stream.locs.length - 1];
}
