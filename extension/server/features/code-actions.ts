// Code actions: quick fixes for malformed lines (quick-fixes.ts), "Insert expect line with
// the current state" on a .p2mtrace line naming a GFN, and "Convert this console log to
// .p2mtrace" on Xen console / xenalyze documents (runs a server command that creates the file).
import { CodeAction, CodeActionKind, CodeActionParams } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { LspCommands } from '../../lsp-protocol';
import { hex } from '../format';
import { lexLine } from '../line-lexer';
import { gfnRangeAt } from './navigation';
import { quickFixes } from './quick-fixes';

export function codeActions(a: DocAnalysis | undefined, languageId: string, lineText: string, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const line = params.range.start.line;
  const out: CodeAction[] = [];
  if (languageId === 'p2mtrace') {
    out.push(...quickFixes(uri, line, lineText, params.context.diagnostics));
    const expect = expectAction(a, uri, line, lineText, params.range.start.character);
    if (expect) out.push(expect);
  } else {
    out.push({
      title: 'Convert this console log to .p2mtrace', kind: CodeActionKind.RefactorRewrite,
      command: { title: 'Convert this console log to .p2mtrace', command: LspCommands.convertToP2mtrace, arguments: [uri] },
    });
  }
  const only = params.context.only;
  return only ? out.filter(x => only.some(k => x.kind === k || x.kind?.startsWith(k + '.'))) : out;
}

/** `expect gfn=… mfn=… t=… a=… order=…` with p2m_get_entry's answer after this line. */
function expectAction(a: DocAnalysis | undefined, uri: string, line: number, lineText: string, character: number): CodeAction | undefined {
  if (!a?.replay.ready) return undefined;
  const lx = lexLine(lineText);
  const gfnWord = lx.args.find(w => w.key?.text === 'gfn');
  if (!gfnWord) return undefined;
  const g = gfnRangeAt(lineText, { line, character: Math.max(character, gfnWord.value?.start ?? gfnWord.start) })
    ?? gfnRangeAt(lineText, { line, character: gfnWord.value?.start ?? gfnWord.start });
  if (!g) return undefined;
  const domain = g.domain ?? a.replay.domainAtLine(line);
  const r = a.replay.lookupAt(line, domain, g.gfn);
  if (!r) return undefined;
  const indent = lineText.slice(lx.prefixEnd, lx.directive?.start ?? lx.prefixEnd);
  const dPart = g.domain !== undefined ? ` d=${g.domain}` : '';
  const text = r.mfn < 0 || r.type === 'invalid'
    ? `expect gfn=${hex(g.gfn)} mfn=invalid order=${r.order}${dPart}`
    : `expect gfn=${hex(g.gfn)} mfn=${hex(r.mfn)} t=${r.type} a=${r.access} order=${r.order}${dPart}`;
  // On the last line there is no next line to insert before: append after a newline instead.
  const last = line >= a.lines.length - 1;
  const at = last ? { line, character: lineText.length } : { line: line + 1, character: 0 };
  return {
    title: 'Insert expect line with the current state', kind: CodeActionKind.RefactorInline,
    edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: last ? `\n${indent}${text}` : `${indent}${text}\n` }] } },
  };
}
