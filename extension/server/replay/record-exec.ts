// Executes one trace record on the engine: the mapping from the record stream
// (engine/trace/records.ts) to P2m calls, plus the checks that belong to the replay rather
// than to Xen: non-zero return codes (rc-error), `expect`/`resolve_fault expect=` assertions
// and console checkpoints (p2m_dump_info counters, dump_p2m_lookup descriptors).
// Low-level write records (write_pte, tlb_flush, dsb, begin/end) are not engine operations:
// the BBM checker consumes them (bbm-pass.ts).
import type { P2m } from '../../../engine/p2m/p2m';
import type { EngineDiagnostic } from '../../../engine/p2m/events';
import { errnoName } from '../../../engine/p2m/config';
import { accessName, typeName } from '../../../engine/arch/types';
import type { TraceRecord } from '../../../engine/trace/records';
import { hex, hexBig } from '../format';
import { chunkRuns } from './op-observer';

export interface ExecResult {
  rc: number;
  /** Checks made by the replay itself (appended to the engine's diagnostics for this op). */
  diags: EngineDiagnostic[];
  checkpoint?: { ok: boolean; detail: string };
  /** The trace declared the return code (`rc=`): the replay's own check replaces the engine's rc-error. */
  rcDeclared?: boolean;
}

/** Record kinds that are operations on a domain's p2m (get an op index, lenses, hovers). */
export function isEngineOp(r: TraceRecord): boolean {
  switch (r.kind) {
    case 'setEntry': case 'setAtOrder': case 'lookup': case 'expect': case 'memAccess': case 'invalidateRoot':
    case 'resolveFault': case 'relinquish': case 'checkpointDumpInfo': case 'checkpointLookup':
      return true;
    default:
      return false;
  }
}

/** The engine reports every non-zero rc itself (rc-error); the replay adds the `rc=` check. */
function rcCheck(what: string, rc: number, expected: number | undefined, gfn: number, out: EngineDiagnostic[]): boolean {
  if (expected === undefined) return false;
  if (expected !== rc) out.push({ code: 'rc-error', severity: 'error', gfn, message: `${what} returned ${errnoName(rc)}, the trace says rc=${errnoName(expected)}` });
  return true;
}

/**
 * __p2m_set_entry calls one record may cost before the live replay refuses to run it. The
 * engine runs an op to completion, so `nr=0x1000000000` typed in the editor (2^36 chunks when
 * unaligned) would otherwise hang the server; the command-line replay has no such limit.
 */
export const MAX_CHUNKS_PER_OP = 1 << 22;

function tooLarge(p2m: P2m, r: TraceRecord): number {
  if (r.kind === 'setEntry') {
    let n = 0;
    for (const c of chunkRuns(r.gfn, r.nr, r.mfn, p2m.memAccessEnabled)) n += c.count;
    return n > MAX_CHUNKS_PER_OP ? n : 0;
  }
  if (r.kind === 'memAccess' && !r.enable) return (r.nr ?? 0) > MAX_CHUNKS_PER_OP ? r.nr ?? 0 : 0;
  return 0;
}

/**
 * Runs `r` on `p2m` (the record's domain); only for records where isEngineOp is true. Never
 * throws: an engine error (a broken invariant) becomes a diagnostic on the record and the
 * replay goes on, so one bad operation does not take the document's other results with it.
 */
export function execRecord(p2m: P2m, r: TraceRecord): ExecResult {
  try {
    return execRecordUnsafe(p2m, r);
  } catch (e) {
    return { rc: 0, diags: [{ code: 'trace', severity: 'error', message: `engine error while replaying this line: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

function execRecordUnsafe(p2m: P2m, r: TraceRecord): ExecResult {
  const diags: EngineDiagnostic[] = [];
  const cost = tooLarge(p2m, r);
  if (cost > 0) {
    diags.push({
      code: 'trace', severity: 'warning',
      message: `not replayed in the editor: ${cost} chunk operations exceed the live replay's limit of ${MAX_CHUNKS_PER_OP}; use \`p2m replay\` on the command line`,
    });
    return { rc: 0, diags };
  }
  switch (r.kind) {
    case 'setEntry': {
      const rc = p2m.setEntry(r.gfn, r.nr, r.mfn, r.type, r.access);
      return { rc, diags, rcDeclared: rcCheck('p2m_set_entry', rc, r.rc, r.gfn, diags) };
    }
    case 'setAtOrder': {
      return { rc: p2m.setAtOrder(r.gfn, r.order, r.mfn, r.type, r.access), diags };
    }
    case 'lookup':
      p2m.lookupOp(r.gfn);
      return { rc: 0, diags };
    case 'expect': {
      const e = p2m.lookupOp(r.gfn);
      const bad: string[] = [];
      const mfnName = (m: number) => (m < 0 ? 'invalid' : hex(m));
      if (r.mfn !== undefined && r.mfn !== e.mfn) bad.push(`mfn ${mfnName(e.mfn)} (expected ${mfnName(r.mfn)})`);
      if (r.type !== undefined && r.type !== typeName(e.type)) bad.push(`t ${typeName(e.type)} (expected ${r.type})`);
      if (r.access !== undefined && r.access !== accessName(e.access)) bad.push(`a ${accessName(e.access)} (expected ${r.access})`);
      if (r.order !== undefined && r.order !== e.order) bad.push(`order ${e.order} (expected ${r.order})`);
      if (r.valid !== undefined && r.valid !== e.valid) bad.push(`valid ${e.valid ? 1 : 0} (expected ${r.valid ? 1 : 0})`);
      const detail = bad.length ? `gfn ${hex(r.gfn)}: ${bad.join(', ')}` : `gfn ${hex(r.gfn)} → ${mfnName(e.mfn)} ${typeName(e.type)}`;
      if (bad.length) diags.push({ code: 'checkpoint-mismatch', severity: 'error', gfn: r.gfn, message: `expect failed: ${detail}` });
      return { rc: 0, diags, checkpoint: { ok: bad.length === 0, detail } };
    }
    case 'memAccess':
      if (r.enable) { p2m.enableMemAccess(); return { rc: 0, diags }; }
      return { rc: p2m.setMemAccess(r.gfn ?? 0, r.nr ?? 0, r.access ?? 'rwx'), diags };
    case 'invalidateRoot':
      p2m.invalidateRoot();
      return { rc: 0, diags };
    case 'resolveFault': {
      const ok = p2m.resolveTranslationFault(r.gfn);
      if (r.expect === undefined) return { rc: ok ? 1 : 0, diags };
      const match = ok === r.expect;
      const detail = `resolve_fault gfn ${hex(r.gfn)} returned ${ok}, expected ${r.expect}`;
      if (!match) diags.push({ code: 'checkpoint-mismatch', severity: 'error', gfn: r.gfn, message: detail });
      return { rc: ok ? 1 : 0, diags, checkpoint: { ok: match, detail } };
    }
    case 'relinquish':
      p2m.setDying(true);
      return { rc: p2m.relinquish(), diags };
    case 'checkpointDumpInfo': {
      p2m.beginOtherOp();
      const s = p2m.stats();
      const bad: string[] = [];
      const names = ['', '1G', '2M', '4K'];
      for (let l = 1; l <= 3; l++) {
        if (s.mappings[l] !== r.mappings[l]) bad.push(`${names[l]} mappings: log ${r.mappings[l]}, replay ${s.mappings[l]}`);
        if (l < 3 && s.shattered[l] !== r.shattered[l]) bad.push(`${names[l]} shattered: log ${r.shattered[l]}, replay ${s.shattered[l]}`);
      }
      p2m.endOtherOp(0);
      const detail = bad.length ? bad.join('; ') : 'counters match';
      if (bad.length) diags.push({ code: 'checkpoint-mismatch', severity: 'error', message: `p2m_dump_info checkpoint disagrees with the replay: ${detail}` });
      return { rc: 0, diags, checkpoint: { ok: bad.length === 0, detail } };
    }
    case 'checkpointLookup': {
      p2m.beginOtherOp();
      const gfn = Number(r.ipa >> 12n);
      const steps = p2m.walk(gfn);
      const bad: string[] = [];
      for (const l of r.lines) {
        const s = steps.find(x => x.level === l.level);
        if (!s) bad.push(`L${l.level}: log ${hexBig(l.descriptor)}, replay walk stops earlier`);
        else if (s.descriptor !== l.descriptor) bad.push(`L${l.level}[${l.index}]: log ${hexBig(l.descriptor)}, replay ${hexBig(s.descriptor)}`);
      }
      p2m.endOtherOp(0);
      const detail = bad.length ? bad.join('; ') : 'descriptors match';
      if (bad.length) diags.push({ code: 'checkpoint-mismatch', severity: 'error', gfn, message: `dump_p2m_lookup checkpoint disagrees with the replay: ${detail}` });
      return { rc: 0, diags, checkpoint: { ok: bad.length === 0, detail } };
    }
    default:
      return { rc: 0, diags };
  }
}

/** GFN range an op record covers ([gfn, gfn + nr)); nr 0 = no specific range. */
export function recordRange(r: TraceRecord): { gfn: number; nr: number; mfn: number } {
  switch (r.kind) {
    case 'setEntry': return { gfn: r.gfn, nr: r.nr, mfn: r.mfn };
    case 'setAtOrder': return { gfn: r.gfn, nr: 2 ** r.order, mfn: r.mfn };
    case 'lookup': case 'expect': case 'resolveFault': return { gfn: r.gfn, nr: 1, mfn: -1 };
    case 'memAccess': return { gfn: r.gfn ?? 0, nr: r.nr ?? 0, mfn: -1 };
    case 'checkpointLookup': return { gfn: Number(r.ipa >> 12n), nr: 1, mfn: -1 };
    default: return { gfn: 0, nr: 0, mfn: -1 };
  }
}
