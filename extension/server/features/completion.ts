// Completion for .p2mtrace: statements (as snippets with their required keys), the keys a
// statement still lacks, fixed value lists (types, accesses, booleans, IPA sizes), and — once
// the replay has run — the GFNs already mapped at that point of the replay.
import { CompletionItem, CompletionItemKind, InsertTextFormat, Position } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { lexLine } from '../line-lexer';
import { formatPages, hex } from '../format';
import { KEY_DOCS, STATEMENTS, STATEMENT_DOCS, statementKeys, valueChoices } from '../vocabulary';

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

function statementSnippet(verb: string): string {
  const keys = statementKeys(verb);
  if (!keys) return verb;
  let n = 1;
  const parts = keys.required.map(k => `${k}=\${${n++}:${k === 'mfn' ? '0x0' : k === 'nr' ? '0x1' : k === 'order' ? '0' : '0x0'}}`);
  if (verb === 'p2m_set_entry' || verb === '__p2m_set_entry') parts.push(`t=\${${n++}:ram_rw}`, `a=\${${n++}:rwx}`);
  return [verb, ...parts].join(' ');
}

export function completions(a: DocAnalysis | undefined, lineText: string, pos: Position): CompletionItem[] {
  const lx = lexLine(lineText);
  const ch = pos.character;
  if (lx.comment && ch > lx.comment.start) return [];
  // Directive position: nothing typed yet, or the cursor is inside/after the first word.
  if (!lx.directive || ch <= lx.directive.end) {
    return STATEMENTS.map((verb, i) => ({
      label: verb, kind: verb === 'config' || verb === 'domain' || verb === 'begin' || verb === 'end' ? CompletionItemKind.Keyword : CompletionItemKind.Function,
      documentation: STATEMENT_DOCS[verb], insertText: statementSnippet(verb), insertTextFormat: InsertTextFormat.Snippet,
      sortText: String(i).padStart(3, '0'),
    }));
  }
  const keys = statementKeys(lx.directive.text);
  if (!keys) return [];
  const word = lx.args.find(w => ch >= w.start && ch <= w.end);
  if (word?.key && word.value && ch >= word.value.start) {
    return valueCompletions(a, word.key.text, pos.line, lx.directive.text);
  }
  const present = new Set(lx.args.map(w => w.key?.text).filter((k): k is string => k !== undefined));
  const out: CompletionItem[] = [];
  const all = [...keys.required.map(k => ({ k, req: true })), ...keys.optional.map(k => ({ k, req: false }))];
  for (const { k, req } of all) {
    if (present.has(k)) continue;
    out.push({
      label: `${k}=`, kind: CompletionItemKind.Property, detail: req ? 'required' : 'optional', documentation: KEY_DOCS[k],
      sortText: (req ? '0' : '1') + k, insertText: `${k}=`, command: RETRIGGER,
    });
  }
  return out;
}

function valueCompletions(a: DocAnalysis | undefined, key: string, line: number, verb: string): CompletionItem[] {
  const items: CompletionItem[] = valueChoices(key).map((v, i) => ({
    label: v, kind: CompletionItemKind.EnumMember, sortText: String(i).padStart(3, '0'),
  }));
  if ((key === 'gfn' || key === 'mfn') && a?.replay.ready && verb !== 'config') {
    // GFNs mapped at this point: the state after the operations above this line.
    const regions = a.replay.regionsAt(Math.max(0, line - 1), undefined, 200);
    for (const r of regions) {
      const value = key === 'gfn' ? r.gfn : r.mfn;
      items.push({
        label: hex(value), kind: CompletionItemKind.Value, sortText: `1${String(items.length).padStart(5, '0')}`,
        detail: key === 'gfn' ? `→ mfn ${hex(r.mfn)} · ${formatPages(r.count)} · ${r.type}` : `← gfn ${hex(r.gfn)} · ${formatPages(r.count)} · ${r.type}`,
      });
    }
  }
  return items;
}
