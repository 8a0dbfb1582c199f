// Line lexer for .p2mtrace text, used by the editor features that need character ranges
// (semantic tokens, completion, hover targets, quick fixes). It is deliberately separate from
// the engine's parser: the parser decides what a line means, this only says where each word,
// key and value sits, and it never fails. An optional Xen console prefix (`(XEN) [ts] `) is
// recognised so pasted console output is tokenised like a plain line.
import { stripConsolePrefix } from '../../engine/trace/console-prefix';

export interface Span {
  /** 0-based character offsets in the line, end exclusive. */
  start: number;
  end: number;
  text: string;
}

/** One blank-separated word: either `key=value` or a bare word (`key` undefined). */
export interface Word extends Span {
  key?: Span;
  value?: Span;
}

export interface LexedLine {
  /** End of the console prefix (0 when there is none). */
  prefixEnd: number;
  /** First word after the prefix (the directive), if any. */
  directive?: Word;
  /** The words after the directive. */
  args: Word[];
  /** `#` comment to the end of the line. */
  comment?: Span;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

export function lexLine(line: string): LexedLine {
  const prefixEnd = stripConsolePrefix(line).end;
  const words: Word[] = [];
  let comment: Span | undefined;
  let i = prefixEnd;
  const n = line.length;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    if (line.charCodeAt(i) === 0x23 /* # */) {
      comment = { start: i, end: n, text: line.slice(i) };
      break;
    }
    const s = i;
    while (i < n && !isBlank(line.charCodeAt(i)) && line.charCodeAt(i) !== 0x23) i++;
    const text = line.slice(s, i);
    const w: Word = { start: s, end: i, text };
    const eq = text.indexOf('=');
    if (eq > 0) {
      w.key = { start: s, end: s + eq, text: text.slice(0, eq) };
      w.value = { start: s + eq + 1, end: i, text: text.slice(eq + 1) };
    } else if (eq === 0) {
      w.value = { start: s + 1, end: i, text: text.slice(1) };
    }
    words.push(w);
  }
  const [directive, ...args] = words;
  return { prefixEnd, directive, args, comment };
}

/** The word whose span contains `character` (end inclusive, so a cursor after a word hits it). */
export function wordAt(lexed: LexedLine, character: number): Word | undefined {
  if (lexed.directive && character >= lexed.directive.start && character <= lexed.directive.end) return lexed.directive;
  return lexed.args.find(w => character >= w.start && character <= w.end);
}

/** Value of `key=` among the args (first occurrence). */
export function argValue(lexed: LexedLine, key: string): Word | undefined {
  return lexed.args.find(w => w.key?.text === key);
}
