// Semantic tokens for .p2mtrace: statements, keys, numbers, type/access names, comments and
// a pasted console prefix. Computed from the line lexer only, so they are correct while the
// replay is still running and even on lines the parser rejects.
import { SemanticTokensBuilder, SemanticTokensLegend } from 'vscode-languageserver/node';
import { lexLine, Span } from '../line-lexer';
import { ACCESS_NAMES, STRUCTURAL, TYPE_NAMES, canonicalVerb } from '../vocabulary';

export const TOKEN_TYPES = ['keyword', 'function', 'property', 'number', 'enumMember', 'comment', 'macro', 'string', 'operator'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary'] as const;
export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
const T = (t: TokenType): number => TOKEN_TYPES.indexOf(t);
const ENUMS = new Set<string>([...TYPE_NAMES, ...ACCESS_NAMES, 'invalid', 'unlimited', 'enable', 'arm64', 'arm32']);

function valueType(text: string): number {
  if (/^-?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return T('number');
  if (ENUMS.has(text) || ENUMS.has(text.replace(/^p2m_(access_)?/, ''))) return T('enumMember');
  return T('string');
}

export function semanticTokens(lines: readonly string[], fromLine = 0, toLine = lines.length - 1) {
  const b = new SemanticTokensBuilder();
  const push = (line: number, s: Span, type: number, mods = 0) => {
    if (s.end > s.start) b.push(line, s.start, s.end - s.start, type, mods);
  };
  for (let i = Math.max(0, fromLine); i <= Math.min(toLine, lines.length - 1); i++) {
    const text = lines[i];
    if (text.length === 0) continue;
    const lx = lexLine(text);
    if (lx.prefixEnd > 0) b.push(i, 0, lx.prefixEnd, T('macro'), 0);
    if (lx.directive) {
      const verb = canonicalVerb(lx.directive.text);
      if (verb !== undefined) push(i, lx.directive, STRUCTURAL.has(verb) ? T('keyword') : T('function'), verb === 'domain' ? 1 : 0);
      else push(i, lx.directive, T('string'));
    }
    for (const w of lx.args) {
      if (w.key) {
        push(i, w.key, T('property'));
        b.push(i, w.key.end, 1, T('operator'), 0);
      }
      if (w.value) push(i, w.value, valueType(w.value.text));
      else if (!w.key) push(i, w, valueType(w.text));
    }
    if (lx.comment) push(i, lx.comment, T('comment'));
  }
  return b.build();
}
