// Precedence-climbing parser for the condition/watch language (C-like precedence, see BINARY_PREC).
// `parseExpr` never throws: it returns either an AST or an ExprError with the column range.

import { ExprError, type BinaryOp, type Expr, type Span } from './ast';
import { tokenize, type Token } from './tokenizer';

// Higher binds tighter. Comparison binds tighter than `&`/`|` (unlike C) because users write
// `pte & 3 == 3` meaning `(pte & 3) == 3` far more often than the C reading.
const BINARY_PREC: Record<BinaryOp, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: ExprError };

export function parseExpr(src: string): ParseResult {
  try {
    const p = new Parser(tokenize(src));
    const expr = p.ternary();
    p.expectEof();
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e };
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token { return this.toks[this.i]; }
  private next(): Token { return this.toks[this.i++]; }
  private isPunct(text: string): boolean { const t = this.peek(); return t.kind === 'punct' && t.text === text; }
  private expect(text: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw new ExprError(`expected '${text}' but found ${describe(t)}`, t.span);
    return t;
  }
  expectEof(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw new ExprError(`unexpected ${describe(t)} after the expression`, t.span);
  }

  ternary(): Expr {
    const test = this.binary(1);
    if (!this.isPunct('?')) return test;
    this.next();
    const then = this.ternary();
    this.expect(':');
    const otherwise = this.ternary();
    return { kind: 'cond', test, then, else: otherwise, span: join(test.span, otherwise.span) };
  }

  private binary(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'punct' ? BINARY_PREC[t.text as BinaryOp] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      const right = this.binary(prec + 1);
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, span: join(left.span, right.span) };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '!' || t.text === '-' || t.text === '~')) {
      this.next();
      const operand = this.unary();
      return { kind: 'unary', op: t.text, operand, span: join(t.span, operand.span) };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident' && name.kind !== 'int') throw new ExprError(`expected a field name after '.' but found ${describe(name)}`, name.span);
        e = { kind: 'member', object: e, name: name.text, span: join(e.span, name.span) };
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.ternary();
        const close = this.expect(']');
        e = { kind: 'index', object: e, index, span: join(e.span, close.span) };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'int': return { kind: 'int', value: t.value ?? 0n, span: t.span };
      case 'str': return { kind: 'str', value: t.text, span: t.span };
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true', span: t.span };
        if (t.text === 'null') return { kind: 'null', span: t.span };
        if (this.isPunct('(')) {
          this.next();
          const args: Expr[] = [];
          if (!this.isPunct(')')) {
            for (;;) {
              args.push(this.ternary());
              if (!this.isPunct(',')) break;
              this.next();
            }
          }
          const close = this.expect(')');
          return { kind: 'call', callee: t.text, args, span: join(t.span, close.span) };
        }
        return { kind: 'name', name: t.text, span: t.span };
      }
      case 'punct':
        if (t.text === '(') {
          const e = this.ternary();
          this.expect(')');
          return e;
        }
        throw new ExprError(`expected a value but found ${describe(t)}`, t.span);
      case 'eof':
        throw new ExprError('expected a value but the expression ended', t.span);
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the expression' : `'${t.text}'`;
}
function join(a: Span, b: Span): Span { return { start: a.start, end: b.end }; }
