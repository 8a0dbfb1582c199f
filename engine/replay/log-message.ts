// Log-point messages: literal text with `{expression}` holes evaluated by the condition language.
// `{{` and `}}` are literal braces. Parsing reports the first malformed hole; it never throws.

import { parseExpr } from './expr/parser';
import { evaluate, display, type ExprEnv } from './expr/evaluator';
import type { Expr } from './expr/ast';

export type LogPart = { text: string } | { expr: Expr; source: string };
export type LogParse = { ok: true; parts: LogPart[] } | { ok: false; message: string };

export function parseLogMessage(msg: string): LogParse {
  const parts: LogPart[] = [];
  let text = '';
  let i = 0;
  while (i < msg.length) {
    const c = msg[i];
    if (c === '{' && msg[i + 1] === '{') { text += '{'; i += 2; continue; }
    if (c === '}' && msg[i + 1] === '}') { text += '}'; i += 2; continue; }
    if (c === '{') {
      const close = msg.indexOf('}', i + 1);
      if (close < 0) return { ok: false, message: `log message: '{' at column ${i + 1} has no matching '}'` };
      const source = msg.slice(i + 1, close);
      const p = parseExpr(source);
      if (!p.ok) return { ok: false, message: `log message: {${source}}: ${p.error.message} (column ${i + 2 + p.error.span.start})` };
      if (text) parts.push({ text });
      text = '';
      parts.push({ expr: p.expr, source });
      i = close + 1;
      continue;
    }
    text += c;
    i++;
  }
  if (text) parts.push({ text });
  return { ok: true, parts };
}

/** Render a parsed message; a hole that fails to evaluate shows `<error: …>` instead of throwing. */
export function renderLogMessage(parts: readonly LogPart[], env: ExprEnv): string {
  return parts.map(p => {
    if ('text' in p) return p.text;
    const r = evaluate(p.expr, env);
    return r.ok ? display(r.value) : `<error: ${r.error.message}>`;
  }).join('');
}
