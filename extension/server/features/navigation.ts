// Navigation from the live replay: go to definition on a GFN (the operation that last
// changed its translation before this line), find references (every operation touching the
// range), and a workspace symbol search over all open traces.
import { Location, Position, SymbolInformation, SymbolKind } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { lexLine } from '../line-lexer';
import { hex, parseNumber } from '../format';
import { documentSymbols } from './outline';
import type { OpInfo } from '../replay/types';

/** The GFN range named at a position: `gfn=` value (with `nr=`/`order=` when on the same line). */
export function gfnRangeAt(lineText: string, pos: Position): { gfn: number; count: number; domain?: number } | undefined {
  const lx = lexLine(lineText);
  const w = lx.args.find(x => pos.character >= x.start && pos.character <= x.end);
  if (!w?.key || !w.value || w.key.text !== 'gfn') return undefined;
  const gfn = parseNumber(w.value.text);
  if (gfn === undefined) return undefined;
  const nr = parseNumber(lx.args.find(x => x.key?.text === 'nr')?.value?.text ?? '');
  const order = parseNumber(lx.args.find(x => x.key?.text === 'order')?.value?.text ?? '');
  const d = parseNumber(lx.args.find(x => x.key?.text === 'd')?.value?.text ?? '');
  return { gfn, count: nr ?? (order !== undefined && order <= 27 ? 2 ** order : 1), domain: d };
}

function opLocation(uri: string, a: DocAnalysis, op: OpInfo): Location {
  const len = (a.lines[op.line] ?? '').replace(/\r$/, '').length;
  return { uri, range: { start: { line: op.line, character: 0 }, end: { line: op.line, character: len } } };
}

export function definition(a: DocAnalysis, lineText: string, pos: Position): Location[] {
  const g = gfnRangeAt(lineText, pos);
  if (!g || !a.replay.ready) return [];
  const domain = g.domain ?? a.replay.domainAtLine(pos.line);
  const op = a.replay.lastChangeBefore(pos.line, domain, g.gfn);
  return op ? [opLocation(a.uri, a, op)] : [];
}

export function references(a: DocAnalysis, lineText: string, pos: Position, includeDeclaration: boolean): Location[] {
  const g = gfnRangeAt(lineText, pos);
  if (!g || !a.replay.ready) return [];
  const domain = g.domain ?? a.replay.domainAtLine(pos.line);
  return a.replay.opsTouching(domain, g.gfn, g.gfn + g.count)
    .filter(op => includeDeclaration || op.line !== pos.line)
    .map(op => opLocation(a.uri, a, op));
}

/** Outline symbols of every open trace, plus operations touching a GFN when the query is a number. */
export function workspaceSymbols(analyses: DocAnalysis[], query: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const q = query.trim().toLowerCase();
  const gfn = parseNumber(q);
  for (const a of analyses) {
    const walk = (syms: ReturnType<typeof documentSymbols>, container?: string) => {
      for (const s of syms) {
        if (q === '' || s.name.toLowerCase().includes(q)) out.push({ name: s.name, kind: s.kind, location: { uri: a.uri, range: s.range }, containerName: container });
        if (s.children) walk(s.children, s.name);
      }
    };
    walk(documentSymbols(a));
    if (gfn !== undefined && a.replay.ready) {
      const listed = new Set(out.filter(s => s.location.uri === a.uri).map(s => s.location.range.start.line));
      for (const op of a.replay.opsTouching(undefined, gfn, gfn + 1).slice(0, 200)) {
        if (listed.has(op.line)) continue; // already there as an outline symbol (checkpoint)
        out.push({ name: `#${op.index} ${op.kind} gfn=${hex(op.gfn)}`, kind: SymbolKind.Function, location: opLocation(a.uri, a, op), containerName: `domain ${op.domain}` });
      }
    }
    if (out.length > 5000) break;
  }
  return out;
}
