// One trace record → the engine calls it stands for, on its domain's P2m: the full replay
// machine and the UI's index-only session run records through this one function, so both
// record the same ops, compare the same checkpoints and report the same diagnostics.

import { P2M_ACCESS_NAMES, typeName, accessName } from '../arch/types';
import type { P2m } from '../p2m/p2m';
import type { TraceRecord } from '../trace/records';

const hex = (n: number) => (n < 0 ? 'invalid' : '0x' + n.toString(16));

/** Runs one op record on its domain's engine; returns the op's rc. */
export function runRecord(p: P2m, r: TraceRecord): number {
  switch (r.kind) {
    case 'setEntry': return p.setEntry(r.gfn, r.nr, r.mfn, r.type, r.access);
    case 'setAtOrder': return p.setAtOrder(r.gfn, r.order, r.mfn, r.type, r.access);
    case 'lookup': p.lookupOp(r.gfn); return 0;
    case 'invalidateRoot': p.invalidateRoot(); return 0;
    case 'resolveFault': return p.resolveTranslationFault(r.gfn) ? 1 : 0; // the op's rc is 1 when resolved
    case 'relinquish': p.setDying(true); return p.relinquish();
    case 'memAccess':
      if (r.gfn !== undefined && r.nr !== undefined && r.access !== undefined) return p.setMemAccess(r.gfn, r.nr, r.access);
      p.beginOtherOp(); if (r.enable) p.enableMemAccess(); p.endOtherOp(0); return 0;
    case 'expect': {
      p.beginOtherOp();
      const got = p.lookup(r.gfn);
      const bad: string[] = [];
      if (r.mfn !== undefined && r.mfn !== got.mfn) bad.push(`mfn expected ${hex(r.mfn)} got ${hex(got.mfn)}`);
      if (r.type !== undefined && r.type !== typeName(got.type)) bad.push(`type expected ${r.type} got ${typeName(got.type)}`);
      if (r.access !== undefined && P2M_ACCESS_NAMES.indexOf(r.access) !== got.access) bad.push(`access expected ${r.access} got ${accessName(got.access)}`);
      if (r.order !== undefined && r.order !== got.order) bad.push(`order expected ${r.order} got ${got.order}`);
      if (r.valid !== undefined && r.valid !== got.valid) bad.push(`valid expected ${r.valid} got ${got.valid}`);
      if (bad.length) p.core.diag('checkpoint-mismatch', 'error', `expect gfn=${hex(r.gfn)}: ${bad.join(', ')}`, r.gfn);
      p.endOtherOp(bad.length ? -1 : 0);
      return bad.length ? -1 : 0;
    }
    case 'checkpointDumpInfo': {
      p.beginOtherOp();
      const s = p.stats();
      const bad: string[] = [];
      for (const l of [1, 2, 3]) {
        if (s.mappings[l] !== r.mappings[l]) bad.push(`${['', '1G', '2M', '4K'][l]} mappings: trace ${r.mappings[l]}, replay ${s.mappings[l]}`);
        if (l < 3 && s.shattered[l] !== r.shattered[l]) bad.push(`${['', '1G', '2M'][l]} shattered: trace ${r.shattered[l]}, replay ${s.shattered[l]}`);
      }
      if (bad.length) p.core.diag('checkpoint-mismatch', 'error', `p2m_dump_info mismatch: ${bad.join('; ')}`);
      p.endOtherOp(bad.length ? -1 : 0);
      return bad.length ? -1 : 0;
    }
    case 'checkpointLookup': {
      p.beginOtherOp();
      const w = p.walk(Number(r.ipa >> 12n));
      const bad: string[] = [];
      for (const line of r.lines) {
        const step = w.find(s => s.level === line.level);
        if (!step || step.descriptor !== line.descriptor) bad.push(`L${line.level}[0x${line.index.toString(16)}]: trace 0x${line.descriptor.toString(16)}, replay ${step ? '0x' + step.descriptor.toString(16) : 'not walked'}`);
      }
      if (bad.length) p.core.diag('checkpoint-mismatch', 'error', `dump_p2m_lookup mismatch: ${bad.join('; ')}`);
      p.endOtherOp(bad.length ? -1 : 0);
      return bad.length ? -1 : 0;
    }
    case 'lostRecords':
      p.beginOtherOp();
      p.core.diag('lost-records', 'warning', `${r.count} trace records lost on CPU ${r.cpu}: the replay may diverge from the hypervisor here`);
      p.endOtherOp(0);
      return 0;
    default:
      // Low-level write traces have no engine entry point yet: keep the op (its line can hold
      // breakpoints) with an empty body.
      p.beginOtherOp(); p.endOtherOp(0);
      return 0;
  }
}
