// Hover: on a statement, what the operation did in the replay; on a GFN or MFN value, the
// translation at that point of the replay; on a descriptor value (write_pte old/new, or any
// 64-bit hex), its decoded fields; on keys and statements without a replay, their docs.
import { Hover, MarkupKind, Position } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { lexLine } from '../line-lexer';
import { formatPages, hex, parseBig, parseNumber } from '../format';
import { describeDescriptor, describeOp, descriptorTable } from '../describe';
import { KEY_DOCS, STATEMENT_DOCS, canonicalVerb } from '../vocabulary';

function md(value: string, range?: Hover['range']): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

export function hover(a: DocAnalysis | undefined, lineText: string, pos: Position, languageId = 'p2mtrace'): Hover | null {
  const ch = pos.character;
  const line = pos.line;
  if (languageId !== 'p2mtrace') {
    // Console and xenalyze lines have their own shapes: describe the operation of the line.
    const op = a?.replay.ready ? a.replay.opAtLine(line) : undefined;
    return op ? md(describeOp(op)) : null;
  }
  const lx = lexLine(lineText);
  const span = (s: { start: number; end: number }) => ({ start: { line, character: s.start }, end: { line, character: s.end } });
  if (lx.directive && ch >= lx.directive.start && ch <= lx.directive.end) {
    const verb = canonicalVerb(lx.directive.text);
    const doc = verb ? STATEMENT_DOCS[verb] ?? '' : '';
    const op = a?.replay.ready ? a.replay.opAtLine(line) : undefined;
    if (!doc && !op) return null;
    return md([doc, op ? describeOp(op) : ''].filter(Boolean).join('\n\n'), span(lx.directive));
  }
  const w = lx.args.find(x => ch >= x.start && ch <= x.end);
  if (!w || !w.key) return null;
  const key = w.key.text;
  if (ch <= w.key.end) return KEY_DOCS[key] ? md(`\`${key}\`: ${KEY_DOCS[key]}`, span(w.key)) : null;
  const value = w.value?.text ?? '';
  const parts: string[] = [];
  if (key === 'old' || key === 'new') {
    const d = parseBig(value);
    if (d === undefined) return null;
    const level = parseNumber(lx.args.find(x => x.key?.text === 'level')?.value?.text ?? '');
    parts.push(`**Descriptor ${'0x' + d.toString(16).padStart(16, '0')}**`, describeDescriptor(d, level), descriptorTable(d));
    return md(parts.join('\n\n'), span(w));
  }
  const n = parseNumber(value);
  if (key === 'nr' && n !== undefined) return md(`${n} frames = ${formatPages(n)}`, span(w));
  if ((key === 'gfn' || key === 'mfn') && a?.replay.ready) {
    if (key === 'gfn' && n !== undefined) {
      const before = a.replay.lookupAt(line - 1, undefined, n);
      const after = a.replay.lookupAt(line, undefined, n);
      parts.push(`**GFN ${hex(n)}** (IPA ${hex(n * 4096)})`);
      const fmt = (l: typeof before) => !l ? 'unknown' : l.type === 'invalid' || l.mfn < 0
        ? `unmapped (hole order ${l.order})` : `mfn ${hex(l.mfn)} · ${l.type} · ${l.access} · order ${l.order}${l.valid ? '' : ' · hw-invalid'}`;
      parts.push(`- before this line: ${fmt(before)}`, `- after this line: ${fmt(after)}`);
      return md(parts.join('\n'), span(w));
    }
    if (key === 'mfn' && n !== undefined) {
      const hits = a.replay.regionsAt(line - 1, undefined, 10_000).filter(r => n >= r.mfn && n < r.mfn + r.count);
      parts.push(`**MFN ${hex(n)}** (PA ${hex(n * 4096)})`);
      if (hits.length === 0) parts.push('- not mapped by this domain before this line');
      for (const r of hits.slice(0, 5)) parts.push(`- mapped at gfn ${hex(r.gfn + (n - r.mfn))} (${r.type}, ${r.access})`);
      return md(parts.join('\n'), span(w));
    }
  }
  if (KEY_DOCS[key]) return md(`\`${key}\`: ${KEY_DOCS[key]}${n !== undefined ? ` — ${hex(n)} = ${n}` : ''}`, span(w));
  return null;
}
