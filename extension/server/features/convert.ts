// "Convert this console log to .p2mtrace": writes the document's records as a .p2mtrace file
// beside the source (created through workspace/applyEdit, so it is undoable and opens in the
// editor). Records with no .p2mtrace statement (checkpoints, lost records, other MEM events)
// are kept as comments so nothing silently disappears.
import { Connection } from 'vscode-languageserver/node';
import type { TraceRecord } from '../../../engine/trace/records';
import type { DocAnalysis } from '../analysis';
import { hex, hexBig } from '../format';

function mfnText(mfn: number): string {
  return mfn < 0 ? 'invalid' : hex(mfn);
}

export function recordToLine(r: TraceRecord): string {
  switch (r.kind) {
    case 'config': {
      const f: string[] = [];
      if (r.ipaBits !== undefined) f.push(`ipa_bits=${r.ipaBits}`);
      if (r.memAccess !== undefined) f.push(`mem_access=${r.memAccess ? 1 : 0}`);
      if (r.poolPages !== undefined) f.push(`pool_pages=${r.poolPages}`);
      if (r.cleanPte !== undefined) f.push(`clean_pte=${r.cleanPte ? 1 : 0}`);
      if (r.iommu !== undefined) f.push(`iommu=${r.iommu ? 1 : 0}`);
      if (r.arch !== undefined) f.push(`arch=${r.arch}`);
      return ['config', ...f].join(' ');
    }
    case 'domain': return `domain ${r.domain}${r.vmid !== undefined ? ` vmid=${r.vmid}` : ''}`;
    case 'setEntry': return `p2m_set_entry gfn=${hex(r.gfn)} nr=${hex(r.nr)} mfn=${mfnText(r.mfn)} t=${r.type} a=${r.access} d=${r.domain}${r.rc !== undefined ? ` rc=${r.rc}` : ''}`;
    case 'setAtOrder': return `__p2m_set_entry gfn=${hex(r.gfn)} order=${r.order} mfn=${mfnText(r.mfn)} t=${r.type} a=${r.access} d=${r.domain}`;
    case 'lookup': return `lookup gfn=${hex(r.gfn)} d=${r.domain}`;
    case 'expect': return `expect gfn=${hex(r.gfn)}${r.mfn !== undefined ? ` mfn=${mfnText(r.mfn)}` : ''}${r.type ? ` t=${r.type}` : ''}${r.access ? ` a=${r.access}` : ''}${r.order !== undefined ? ` order=${r.order}` : ''} d=${r.domain}`;
    case 'memAccess': return r.enable ? `mem_access enable d=${r.domain}` : `mem_access gfn=${hex(r.gfn ?? 0)} nr=${hex(r.nr ?? 0)} a=${r.access ?? 'rwx'} d=${r.domain}`;
    case 'invalidateRoot': return `invalidate_root d=${r.domain}`;
    case 'resolveFault': return `resolve_fault gfn=${hex(r.gfn)} d=${r.domain}`;
    case 'relinquish': return `relinquish d=${r.domain}`;
    case 'writePte': return `write_pte table=${hex(r.table)} index=${r.index}${r.level !== undefined ? ` level=${r.level}` : ''} old=${hexBig(r.old)} new=${hexBig(r.new)} d=${r.domain}`;
    case 'tlbFlush': return `tlb_flush d=${r.domain}`;
    case 'dsb': return `dsb d=${r.domain}`;
    case 'beginLock': return `begin d=${r.domain}`;
    case 'endLock': return `end d=${r.domain}`;
    case 'checkpointDumpInfo': return `# p2m_dump_info d${r.domain} vmid ${r.vmid}: 1G ${r.mappings[1]} (shattered ${r.shattered[1]}), 2M ${r.mappings[2]} (shattered ${r.shattered[2]}), 4K ${r.mappings[3]}`;
    case 'checkpointLookup': return `# dump_p2m_lookup d${r.domain} IPA ${hexBig(r.ipa)}: ${r.lines.map(l => `L${l.level}[${l.index}]=${hexBig(l.descriptor)}`).join(' ')}`;
    case 'lostRecords': return `# lost ${r.count} records on cpu ${r.cpu}`;
    case 'otherMem': return `# ${r.event} d${r.domain}${r.gfn !== undefined ? ` gfn=${hex(r.gfn)}` : ''}${r.order !== undefined ? ` order=${r.order}` : ''}`;
    case 'opaque': return `# event ${hex(r.event)} [${r.words.map(w => hex(w)).join(' ')}]`;
  }
}

export function recordsToP2mtrace(records: readonly TraceRecord[], source: string): string {
  const body = records.map(r => `${recordToLine(r)}${r.loc.line > 0 ? `  # ${source.split('/').pop()}:${r.loc.line}` : ''}`);
  return [`# Converted from ${source} by the P2M language server`, ...body, ''].join('\n');
}

export async function convertToP2mtrace(connection: Connection, a: DocAnalysis): Promise<{ ok: boolean; uri?: string; message?: string }> {
  const target = a.uri.replace(/(\.[A-Za-z0-9]+)*$/, '') + '.p2mtrace';
  const text = recordsToP2mtrace(a.parsed.records, a.uri);
  const res = await connection.workspace.applyEdit({
    label: 'Convert to .p2mtrace',
    edit: {
      documentChanges: [
        { kind: 'create', uri: target, options: { overwrite: true } },
        { textDocument: { uri: target, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
      ],
    },
  });
  return res.applied ? { ok: true, uri: target } : { ok: false, message: res.failureReason ?? 'edit not applied' };
}
