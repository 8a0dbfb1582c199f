// AST and value model of the debugger's condition/watch language.
//
// The language is deliberately tiny and side-effect free: literals, names, member and index
// access, whitelisted function calls, unary/binary operators. It is parsed by parser.ts and
// evaluated by evaluator.ts over an environment; nothing here ever reaches `eval`/`Function`.

/** Every node carries the 0-based column range it was parsed from, for error messages. */
export interface Span { start: number; end: number }

export type BinaryOp =
  | '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '|' | '^' | '&' | '<<' | '>>'
  | '+' | '-' | '*' | '/' | '%';
export type UnaryOp = '!' | '-' | '~';

export type Expr =
  | { kind: 'int'; value: bigint; span: Span }
  | { kind: 'str'; value: string; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'member'; object: Expr; name: string; span: Span }
  | { kind: 'index'; object: Expr; index: Expr; span: Span }
  | { kind: 'call'; callee: string; args: Expr[]; span: Span }
  | { kind: 'unary'; op: UnaryOp; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; span: Span };

/**
 * Runtime values. All integers are bigint so 64-bit descriptors and GFN arithmetic are exact;
 * environments may hand out JS numbers, which `toValue` normalises.
 */
export type Value = bigint | string | boolean | null | readonly Value[] | ValueRecord;
export interface ValueRecord { readonly [key: string]: Value }

/** What an environment may return before normalisation. */
export type HostValue = Value | number | undefined | readonly HostValue[] | { readonly [key: string]: HostValue };

/** A parse or evaluation problem with its column range inside the expression text. */
export class ExprError extends Error {
  constructor(message: string, readonly span: Span) { super(message); }
}
