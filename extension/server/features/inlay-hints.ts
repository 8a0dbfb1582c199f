// Inlay hints: decoded sizes after `nr=`/`order=` values (`nr=0x40000` → "1 GiB"), and once the
// replay has run, the running operation index before each operation and the chunk
// decomposition p2m_set_entry chose after it ("1G×1 + 4K×2").
import { InlayHint, InlayHintKind, Range } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { lexLine } from '../line-lexer';
import { formatPages, orderName, parseNumber } from '../format';

/** Group a chunk list into "1G×1 + 2M×3 + 4K×5" in the order they were first used. */
export function chunkSummary(chunks: ReadonlyArray<{ order: number; count: number }>): string {
  const counts = new Map<number, number>();
  for (const c of chunks) counts.set(c.order, (counts.get(c.order) ?? 0) + c.count);
  return [...counts].map(([o, n]) => `${orderName(o)}×${n}`).join(' + ');
}

export function inlayHints(a: DocAnalysis, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  const from = Math.max(0, range.start.line);
  const to = Math.min(range.end.line, a.lines.length - 1);
  for (let line = from; line <= to; line++) {
    const text = a.lines[line].replace(/\r$/, '');
    if (text.length === 0) continue;
    const lx = lexLine(text);
    if (!lx.directive) continue;
    const op = a.replay.ready ? a.replay.opAtLine(line) : undefined;
    if (op) {
      out.push({ position: { line, character: lx.directive.start }, label: `#${op.index}`, kind: InlayHintKind.Parameter, paddingRight: true, tooltip: `operation ${op.index} of ${a.replay.opCount}` });
    }
    for (const w of lx.args) {
      if (!w.key || !w.value) continue;
      if (w.key.text === 'nr') {
        const n = parseNumber(w.value.text);
        if (n !== undefined && n > 0) out.push({ position: { line, character: w.end }, label: formatPages(n), kind: InlayHintKind.Type, paddingLeft: true });
      } else if (w.key.text === 'order') {
        const n = parseNumber(w.value.text);
        if (n !== undefined && n <= 27) out.push({ position: { line, character: w.end }, label: formatPages(2 ** n), kind: InlayHintKind.Type, paddingLeft: true });
      }
    }
    if (op && op.chunks.length > 0) {
      const end = lx.comment ? lx.comment.start : text.length;
      out.push({ position: { line, character: end }, label: `→ ${chunkSummary(op.chunks)}`, kind: InlayHintKind.Type, paddingLeft: true, tooltip: 'chunks chosen by p2m_set_entry' });
    }
  }
  return out;
}
