// Tokenizer for the condition/watch language (see ast.ts).
// Numbers accept decimal, 0x hex and 0b binary with `_` separators; strings use ' or ".

import { ExprError, type Span } from './ast';

export type TokenKind = 'int' | 'str' | 'ident' | 'punct' | 'eof';
export interface Token { kind: TokenKind; text: string; value?: bigint; span: Span }

// Longest operators first so `<=` wins over `<`.
const PUNCT = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '(', ')', '[', ']', '.', ',', '?', ':',
  '<', '>', '!', '~', '+', '-', '*', '/', '%', '&', '|', '^'];

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const start = i;
    if (/[0-9]/.test(c)) {
      let j = i;
      const hex = src[j] === '0' && (src[j + 1] === 'x' || src[j + 1] === 'X');
      const bin = src[j] === '0' && (src[j + 1] === 'b' || src[j + 1] === 'B');
      if (hex || bin) j += 2;
      const digit = hex ? /[0-9a-fA-F_]/ : bin ? /[01_]/ : /[0-9_]/;
      while (j < src.length && digit.test(src[j])) j++;
      if (j < src.length && isIdentPart(src[j])) {
        throw new ExprError(`malformed number '${src.slice(i, j + 1)}'`, { start: i, end: j + 1 });
      }
      const text = src.slice(i, j);
      const digits = text.replace(/_/g, '');
      if ((hex || bin) && digits.length === 2) throw new ExprError(`malformed number '${text}'`, { start, end: j });
      out.push({ kind: 'int', text, value: BigInt(digits), span: { start, end: j } });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src[j])) j++;
      out.push({ kind: 'ident', text: src.slice(i, j), span: { start, end: j } });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) { s += src[j + 1]; j += 2; continue; }
        s += src[j++];
      }
      if (j >= src.length) throw new ExprError('unterminated string', { start, end: src.length });
      out.push({ kind: 'str', text: s, span: { start, end: j + 1 } });
      i = j + 1;
      continue;
    }
    const p = PUNCT.find(op => src.startsWith(op, i));
    if (!p) throw new ExprError(`unexpected character '${c}'`, { start, end: i + 1 });
    out.push({ kind: 'punct', text: p, span: { start, end: i + p.length } });
    i += p.length;
  }
  out.push({ kind: 'eof', text: '', span: { start: src.length, end: src.length } });
  return out;
}
