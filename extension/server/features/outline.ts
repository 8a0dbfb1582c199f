// Document symbols (outline) and folding ranges, both derived from the parsed records:
// config lines, domain sections, `begin`/`end` groups and checkpoints (expect lines and
// console `p2m_dump_info` / `dump_p2m_lookup` blocks). Comment blocks fold too.
import { DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind } from 'vscode-languageserver/node';
import type { TraceRecord } from '../../../engine/trace/records';
import type { DocAnalysis } from '../analysis';
import { hex } from '../format';

function lineRange(a: DocAnalysis, from: number, to: number) {
  const endLen = (a.lines[to] ?? '').replace(/\r$/, '').length;
  return { start: { line: from, character: 0 }, end: { line: to, character: endLen } };
}

function checkpointName(r: TraceRecord): string | undefined {
  switch (r.kind) {
    case 'expect': return `expect gfn=${hex(r.gfn)}`;
    case 'checkpointDumpInfo': return `p2m_dump_info d${r.domain} (vmid ${r.vmid})`;
    case 'checkpointLookup': return `dump_p2m_lookup d${r.domain} IPA ${'0x' + r.ipa.toString(16)}`;
    default: return undefined;
  }
}

/** Last line a record spans (lookup walks print one line per level). */
function recordEndLine(r: TraceRecord): number {
  if (r.kind === 'checkpointLookup' && r.lines.length > 0) return r.lines[r.lines.length - 1].loc.line - 1;
  if (r.kind === 'checkpointDumpInfo') return r.loc.line - 1 + 3; // header + three counter lines
  return r.loc.line - 1;
}

export function documentSymbols(a: DocAnalysis): DocumentSymbol[] {
  const top: DocumentSymbol[] = [];
  const lastLine = Math.max(0, a.lines.length - 1);
  let domainSym: DocumentSymbol | undefined;
  let group: { sym: DocumentSymbol; ops: number } | undefined;
  const container = (): DocumentSymbol[] => (group ? group.sym.children! : domainSym ? domainSym.children! : top);
  const closeDomain = (endLine: number) => {
    if (!domainSym) return;
    domainSym.range = lineRange(a, domainSym.range.start.line, Math.max(domainSym.range.start.line, endLine));
    domainSym = undefined;
  };
  for (const r of a.parsed.records) {
    const line = r.loc.line - 1;
    if (line < 0) continue;
    const range = lineRange(a, line, line);
    switch (r.kind) {
      case 'config':
        top.push({ name: 'config', detail: (a.lines[line] ?? '').trim(), kind: SymbolKind.Property, range, selectionRange: range });
        break;
      case 'domain': {
        closeDomain(line - 1);
        group = undefined;
        domainSym = { name: `domain ${r.domain}`, detail: r.vmid !== undefined ? `vmid ${r.vmid}` : undefined, kind: SymbolKind.Namespace, range, selectionRange: range, children: [] };
        top.push(domainSym);
        break;
      }
      case 'beginLock': {
        const sym: DocumentSymbol = { name: 'begin … end', kind: SymbolKind.Struct, range, selectionRange: range, children: [] };
        container().push(sym);
        group = { sym, ops: 0 };
        break;
      }
      case 'endLock':
        if (group) {
          group.sym.range = lineRange(a, group.sym.range.start.line, line);
          group.sym.detail = `${group.ops} statements`;
          group = undefined;
        }
        break;
      default: {
        if (group) group.ops++;
        const name = checkpointName(r);
        if (name !== undefined) {
          const end = Math.min(recordEndLine(r), lastLine);
          container().push({ name, kind: SymbolKind.Event, range: lineRange(a, line, end), selectionRange: range });
        }
      }
    }
  }
  closeDomain(lastLine);
  return top;
}

export function foldingRanges(a: DocAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  let begin = -1;
  let domainStart = -1;
  for (const r of a.parsed.records) {
    const line = r.loc.line - 1;
    if (line < 0) continue;
    if (r.kind === 'beginLock') begin = line;
    else if (r.kind === 'endLock' && begin >= 0) {
      if (line > begin) out.push({ startLine: begin, endLine: line, kind: FoldingRangeKind.Region });
      begin = -1;
    } else if (r.kind === 'domain') {
      if (domainStart >= 0 && line - 1 > domainStart) out.push({ startLine: domainStart, endLine: line - 1 });
      domainStart = line;
    } else {
      const end = recordEndLine(r);
      if (end > line) out.push({ startLine: line, endLine: end });
    }
  }
  let last = a.lines.length - 1;
  while (last > domainStart && (a.lines[last] ?? '').trim() === '') last--;
  if (domainStart >= 0 && last > domainStart) out.push({ startLine: domainStart, endLine: last });
  // Runs of two or more comment lines.
  let runStart = -1;
  for (let i = 0; i <= a.lines.length; i++) {
    const isComment = i < a.lines.length && a.lines[i].trimStart().startsWith('#');
    if (isComment && runStart < 0) runStart = i;
    if (!isComment && runStart >= 0) {
      if (i - 1 > runStart) out.push({ startLine: runStart, endLine: i - 1, kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  }
  return out;
}
