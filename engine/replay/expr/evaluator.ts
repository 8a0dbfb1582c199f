// Evaluator for the condition/watch language over a typed, lazy environment.
//
// The environment answers names (`gfn`, `stats`, type names as symbols…) and whitelisted calls
// (`lookup(gfn)`); values are computed on demand so a condition that only mentions `gfn` never
// forces a table walk. Integer arithmetic is bigint (exact 64-bit descriptors); `>>` is logical
// because descriptors are unsigned.

import { ExprError, type Expr, type HostValue, type Span, type Value, type ValueRecord } from './ast';
import { parseExpr } from './parser';

export interface ExprEnv {
  /** Value of a free name, or undefined when the name is unknown. */
  lookup(name: string): HostValue;
  /** Whitelisted function call; undefined means "no such function". */
  call?(name: string, args: Value[]): HostValue;
}

export type EvalResult = { ok: true; value: Value } | { ok: false; error: ExprError };

/** Normalise what an environment returns (numbers become bigint). */
export function toValue(v: HostValue): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return Number.isInteger(v) ? BigInt(v) : BigInt(Math.trunc(v));
  }
  if (typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return (v as readonly HostValue[]).map(toValue);
  const rec: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v as { readonly [key: string]: HostValue })) rec[k] = toValue(x);
  return rec;
}

export function evaluate(expr: Expr, env: ExprEnv): EvalResult {
  try {
    return { ok: true, value: ev(expr, env) };
  } catch (e) {
    if (e instanceof ExprError) return { ok: false, error: e };
    if (e instanceof RangeError) return { ok: false, error: new ExprError(e.message, expr.span) };
    throw e;
  }
}

/** Parse and evaluate in one go (watch expressions, log-point fragments). */
export function evaluateText(text: string, env: ExprEnv): EvalResult {
  const p = parseExpr(text);
  return p.ok ? evaluate(p.expr, env) : p;
}

/** Truthiness used by conditions: non-zero integers, non-empty strings, true. */
export function isTruthy(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  return v !== null;
}

function ev(e: Expr, env: ExprEnv): Value {
  switch (e.kind) {
    case 'int': return e.value;
    case 'str': return e.value;
    case 'bool': return e.value;
    case 'null': return null;
    case 'name': {
      const v = env.lookup(e.name);
      if (v === undefined) throw new ExprError(`unknown name '${e.name}'`, e.span);
      return toValue(v);
    }
    case 'member': {
      const o = ev(e.object, env);
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ExprError(`cannot read field '${e.name}' of ${typeName(o)}`, e.span);
      const rec = o as ValueRecord;
      if (!Object.prototype.hasOwnProperty.call(rec, e.name)) throw new ExprError(`no field '${e.name}' (fields: ${Object.keys(rec).join(', ')})`, e.span);
      return rec[e.name];
    }
    case 'index': {
      const o = ev(e.object, env);
      const i = ev(e.index, env);
      if (Array.isArray(o)) {
        if (typeof i !== 'bigint') throw new ExprError('array index must be an integer', e.index.span);
        if (i < 0n || i >= BigInt(o.length)) throw new ExprError(`index ${i} out of range 0..${o.length - 1}`, e.index.span);
        return (o as readonly Value[])[Number(i)];
      }
      if (o !== null && typeof o === 'object' && typeof i === 'string') {
        const rec = o as ValueRecord;
        if (!Object.prototype.hasOwnProperty.call(rec, i)) throw new ExprError(`no field '${i}'`, e.index.span);
        return rec[i];
      }
      throw new ExprError(`cannot index ${typeName(o)}`, e.span);
    }
    case 'call': {
      const args = e.args.map(a => ev(a, env));
      const r = env.call?.(e.callee, args);
      if (r === undefined) throw new ExprError(`unknown function '${e.callee}'`, e.span);
      return toValue(r);
    }
    case 'unary': {
      const v = ev(e.operand, env);
      if (e.op === '!') return !isTruthy(v);
      const n = int(v, e.operand.span);
      return e.op === '-' ? -n : ~n;
    }
    case 'cond': return isTruthy(ev(e.test, env)) ? ev(e.then, env) : ev(e.else, env);
    case 'binary': {
      // Short-circuit so `x != null && x.mfn == 5`-style guards work.
      if (e.op === '&&') return isTruthy(ev(e.left, env)) && isTruthy(ev(e.right, env));
      if (e.op === '||') return isTruthy(ev(e.left, env)) || isTruthy(ev(e.right, env));
      const l = ev(e.left, env);
      const r = ev(e.right, env);
      if (e.op === '==' || e.op === '!=') { const eq = equal(l, r); return e.op === '==' ? eq : !eq; }
      if (e.op === '+' && (typeof l === 'string' || typeof r === 'string')) return display(l) + display(r);
      if ((e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') && typeof l === 'string' && typeof r === 'string') {
        return compare(e.op, l < r ? -1 : l > r ? 1 : 0);
      }
      const a = int(l, e.left.span);
      const b = int(r, e.right.span);
      switch (e.op) {
        case '<': case '<=': case '>': case '>=': return compare(e.op, a < b ? -1 : a > b ? 1 : 0);
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': if (b === 0n) throw new ExprError('division by zero', e.span); return a / b;
        case '%': if (b === 0n) throw new ExprError('division by zero', e.span); return a % b;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
        case '<<': if (b < 0n || b > 128n) throw new ExprError('shift count out of range', e.span); return a << b;
        case '>>': if (b < 0n || b > 128n) throw new ExprError('shift count out of range', e.span); return a >> b;
      }
    }
  }
}

function compare(op: '<' | '<=' | '>' | '>=', c: number): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function int(v: Value, span: Span): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new ExprError(`expected an integer but got ${typeName(v)}`, span);
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'boolean' && typeof b === 'bigint') return (a ? 1n : 0n) === b;
  if (typeof b === 'boolean' && typeof a === 'bigint') return (b ? 1n : 0n) === a;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return (a as readonly Value[]).every((x, i) => equal(x, (b as readonly Value[])[i]));
  }
  return a === b;
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'bigint': return 'an integer';
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    default: return 'a record';
  }
}

/** Human text for a value: integers in hex (the debugger's convention) unless small. */
export function display(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v < 0n ? `-0x${(-v).toString(16)}` : v < 10n ? v.toString() : `0x${v.toString(16)}`;
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${(v as readonly Value[]).map(display).join(', ')}]`;
  return `{${Object.entries(v as ValueRecord).map(([k, x]) => `${k}: ${display(x)}`).join(', ')}}`;
}
