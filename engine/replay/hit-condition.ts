// Hit-count conditions as VS Code users type them: `5` (stop on the 5th hit), `>= 5`, `> 5`,
// `< 5`, `<= 5`, `== 5`, `% 5` (every 5th hit). Parsing never throws.

export type HitOp = '==' | '>=' | '>' | '<' | '<=' | '%';
export interface HitCondition { op: HitOp; n: number }
export type HitParse = { ok: true; cond: HitCondition } | { ok: false; message: string };

export function parseHitCondition(text: string): HitParse {
  const m = /^\s*(==|>=|<=|>|<|%|=)?\s*(0x[0-9a-fA-F]+|\d+)\s*$/.exec(text);
  if (!m) return { ok: false, message: `hit condition '${text}' is not one of: N, == N, >= N, > N, < N, <= N, % N` };
  const n = Number(m[2]);
  const op = (m[1] === undefined || m[1] === '=' ? '==' : m[1]) as HitOp;
  if (op === '%' && n === 0) return { ok: false, message: "hit condition '% 0' would divide by zero" };
  return { ok: true, cond: { op, n } };
}

/** Whether the `hits`-th hit (1-based, counted after the condition held) should stop. */
export function hitMatches(c: HitCondition, hits: number): boolean {
  switch (c.op) {
    case '==': return hits === c.n;
    case '>=': return hits >= c.n;
    case '>': return hits > c.n;
    case '<': return hits < c.n;
    case '<=': return hits <= c.n;
    case '%': return hits % c.n === 0;
  }
}
