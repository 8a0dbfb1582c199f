// Quick fixes for malformed .p2mtrace lines. Fixes are derived from the line itself (lexed
// and checked against the parser's statement table), not from the wording of the diagnostic,
// so they stay right if messages are reworded: misspelt statements, keys, types and accesses
// ("did you mean"), hex numbers missing their 0x, missing required keys, stray words.
import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { lexLine, Word } from '../line-lexer';
import {
  ACCESS_NAMES, NUMERIC_KEYS, STATEMENTS, TYPE_NAMES, canonicalVerb, closest, statementKeys, valueChoices,
} from '../vocabulary';

function fix(uri: string, title: string, diag: Diagnostic, edits: TextEdit[], preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: preferred, edit: { changes: { [uri]: edits } } };
}

function replaceSpan(line: number, s: { start: number; end: number }, text: string): TextEdit {
  return { range: { start: { line, character: s.start }, end: { line, character: s.end } }, newText: text };
}

/** Remove a word and the blank before it. */
function removeWord(line: number, lineText: string, w: Word): TextEdit {
  let start = w.start;
  while (start > 0 && (lineText[start - 1] === ' ' || lineText[start - 1] === '\t')) start--;
  return replaceSpan(line, { start, end: w.end }, '');
}

function valueFixes(key: string, value: string): string[] {
  if (key === 't') return closest(value.replace(/^p2m_/, ''), TYPE_NAMES);
  if (key === 'a') return closest(value.replace(/^p2m_access_/, ''), ACCESS_NAMES);
  const out: string[] = [];
  if (NUMERIC_KEYS.has(key)) {
    if (/^[0-9a-fA-F]+$/.test(value) && /[a-fA-F]/.test(value)) out.push('0x' + value.toLowerCase());
    else if (/^[0-9a-fA-F]+[hH]$/.test(value)) out.push('0x' + value.slice(0, -1).toLowerCase());
    else if (/^0[xX]$/.test(value)) out.push('0x0');
    else if (/^(0x)?[0-9a-fA-F_]+$/i.test(value) && value.includes('_')) out.push(value.replace(/_/g, ''));
  }
  if (key === 'mfn' && /^(inval|INVAL|none|-1|~0)/.test(value)) out.push('invalid');
  const choices = valueChoices(key);
  if (choices.length > 0 && key !== 'mfn') out.push(...closest(value, choices));
  return out;
}

export function quickFixes(uri: string, line: number, lineText: string, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const lx = lexLine(lineText);
  if (!lx.directive) return out;
  for (const diag of diagnostics) {
    if (diag.source !== 'p2m' || diag.code !== 'parse' || diag.range.start.line !== line) continue;
    const at = diag.range.start.character;
    const verb = canonicalVerb(lx.directive.text);
    if (verb === undefined) {
      for (const [i, s] of closest(lx.directive.text, STATEMENTS).entries()) {
        out.push(fix(uri, `Change to '${s}'`, diag, [replaceSpan(line, lx.directive, s)], i === 0));
      }
      continue;
    }
    const keys = statementKeys(verb)!;
    const allowed = [...keys.required, ...keys.optional];
    const word = lx.args.find(w => at >= w.start && at < w.end);
    if (word && !word.key) {
      // A bare word: maybe a key whose '=' is missing (`gfn 0x10`) or junk.
      if (allowed.includes(word.text)) out.push(fix(uri, `Change to '${word.text}='`, diag, [replaceSpan(line, word, `${word.text}=`)], true));
      else if (verb !== 'domain' && verb !== 'mem_access') out.push(fix(uri, `Remove '${word.text}'`, diag, [removeWord(line, lineText, word)]));
      continue;
    }
    if (word?.key && at < word.key.end && !allowed.includes(word.key.text)) {
      for (const [i, k] of closest(word.key.text, allowed).entries()) {
        out.push(fix(uri, `Change '${word.key.text}' to '${k}'`, diag, [replaceSpan(line, word.key, k)], i === 0));
      }
      out.push(fix(uri, `Remove '${word.text}'`, diag, [removeWord(line, lineText, word)]));
      continue;
    }
    if (word?.key && word.value) {
      for (const [i, v] of valueFixes(word.key.text, word.value.text).entries()) {
        out.push(fix(uri, `Change '${word.value.text}' to '${v}'`, diag, [replaceSpan(line, word.value, v)], i === 0));
      }
      continue;
    }
    // Statement-wide diagnostic: add what is missing.
    const present = new Set(lx.args.map(w => w.key?.text));
    const missing = keys.required.filter(k => !present.has(k));
    if (missing.length > 0) {
      const lastEnd = lx.args.length > 0 ? lx.args[lx.args.length - 1].end : lx.directive.end;
      const text = missing.map(k => ` ${k}=${k === 'mfn' ? 'invalid' : '0x0'}`).join('');
      out.push(fix(uri, `Add ${missing.map(k => `${k}=`).join(' ')}`, diag, [replaceSpan(line, { start: lastEnd, end: lastEnd }, text)], true));
    }
  }
  return dedupe(out);
}

function dedupe(actions: CodeAction[]): CodeAction[] {
  const seen = new Set<string>();
  return actions.filter(a => (seen.has(a.title) ? false : (seen.add(a.title), true)));
}
