import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../engine/replay/expr/parser';
import { evaluateText, isTruthy, display, type ExprEnv } from '../../../engine/replay/expr/evaluator';
import type { HostValue, Value } from '../../../engine/replay/expr/ast';
import { parseHitCondition, hitMatches } from '../../../engine/replay/hit-condition';
import { parseLogMessage, renderLogMessage } from '../../../engine/replay/log-message';

function env(vars: Record<string, HostValue>): ExprEnv {
  return {
    // Own properties only: a plain-object env must not leak Object.prototype members.
    lookup: name => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined),
    call: (name, args: Value[]) => name === 'double' && typeof args[0] === 'bigint' ? args[0] * 2n : undefined,
  };
}
const opEnv = env({
  gfn: 0x80200, order: 9, type: 'mmio_direct_dev', mmio_direct_dev: 'mmio_direct_dev', ram_rw: 'ram_rw',
  stats: { mappings: [0, 0, 511, -1], shattered: [0, 1, 1, 0] },
  pte: 0x00800001000007fdn,
});
const ev = (s: string) => { const r = evaluateText(s, opEnv); if (!r.ok) throw r.error; return r.value; };

test('issue examples evaluate against the environment', () => {
  assert.equal(ev('gfn >= 0x80000 && order == 9'), true);
  assert.equal(ev('gfn >= 0x80300 && order == 9'), false);
  assert.equal(ev('type == mmio_direct_dev'), true);
  assert.equal(ev('type == ram_rw'), false);
  assert.equal(ev('stats.mappings[3] < 0'), true);
  assert.equal(ev('stats.mappings[2] < 0'), false);
});

test('64-bit arithmetic is exact and precedence is C-like except comparisons bind before &', () => {
  assert.equal(ev('(pte >> 12) & 0xfffffffff'), 0x100000n);
  assert.equal(ev('pte & 3 == 1'), true); // (pte & 3) == 1 : a block descriptor
  assert.equal(ev('1 + 2 * 3'), 7n);
  assert.equal(ev('(1 + 2) * 3'), 9n);
  assert.equal(ev('-gfn + 0x80201'), 1n);
  assert.equal(ev('~0 & 0xff'), 0xffn);
  assert.equal(ev('order == 9 ? "2M" : "other"'), '2M');
  assert.equal(ev('0b1010_1010'), 0xaan);
  assert.equal(ev('double(gfn)'), 0x100400n);
  assert.equal(ev('!(gfn == 0)'), true);
  assert.equal(ev('stats["shattered"][1]'), 1n);
});

test('errors carry spans and never throw out of the API', () => {
  for (const [src, msg] of [
    ['gfn >=', 'expected a value'], ['foo == 1', "unknown name 'foo'"], ['gfn / 0', 'division by zero'],
    ['stats.nope', "no field 'nope'"], ['stats.mappings[9]', 'out of range'], ['gfn @ 1', "unexpected character '@'"],
    ['(gfn', "expected ')'"], ['nofn(1)', "unknown function 'nofn'"], ['"abc', 'unterminated'], ['0xZ', 'malformed'],
    ['type + 1 < 0', 'expected an integer'],
  ] as const) {
    const r = evaluateText(src, opEnv);
    assert.equal(r.ok, false, src);
    if (!r.ok) {
      assert.match(r.error.message, new RegExp(msg.replace(/[()[\]]/g, '\\$&')), src);
      assert.ok(r.error.span.start >= 0 && r.error.span.end <= src.length, `${src}: span ${JSON.stringify(r.error.span)}`);
    }
  }
  const p = parseExpr('gfn == 1 )');
  assert.equal(p.ok, false);
  if (!p.ok) assert.equal(p.error.span.start, 9);
});

test('the evaluator never reaches JavaScript globals', () => {
  for (const src of ['constructor', 'process', 'globalThis', 'stats.constructor', 'stats["__proto__"]', 'eval("1")']) {
    assert.equal(evaluateText(src, opEnv).ok, false, src);
  }
});

test('truthiness and display', () => {
  assert.equal(isTruthy(0n), false);
  assert.equal(isTruthy(''), false);
  assert.equal(isTruthy(null), false);
  assert.equal(isTruthy(5n), true);
  assert.equal(display(0x80000n), '0x80000');
  assert.equal(display(-1n), '-0x1');
  assert.equal(display([1n, 2n]), '[1, 2]');
});

test('hit conditions: every VS Code form', () => {
  const hits = (s: string) => {
    const p = parseHitCondition(s);
    assert.ok(p.ok, s);
    return [1, 2, 3, 4, 5, 6].filter(h => p.ok && hitMatches(p.cond, h));
  };
  assert.deepEqual(hits('3'), [3]);
  assert.deepEqual(hits('== 3'), [3]);
  assert.deepEqual(hits('>= 5'), [5, 6]);
  assert.deepEqual(hits('> 5'), [6]);
  assert.deepEqual(hits('< 3'), [1, 2]);
  assert.deepEqual(hits('<=2'), [1, 2]);
  assert.deepEqual(hits('% 2'), [2, 4, 6]);
  assert.equal(parseHitCondition('often').ok, false);
  assert.equal(parseHitCondition('% 0').ok, false);
});

test('log messages interpolate expressions and keep literal braces', () => {
  const p = parseLogMessage('map {gfn} o{order} {{literal}} {type}');
  assert.ok(p.ok);
  if (p.ok) assert.equal(renderLogMessage(p.parts, opEnv), 'map 0x80200 o9 {literal} mmio_direct_dev');
  const bad = parseLogMessage('x {gfn >=}');
  assert.equal(bad.ok, false);
  assert.equal(parseLogMessage('x {gfn').ok, false);
  const q = parseLogMessage('{nope}');
  assert.ok(q.ok);
  if (q.ok) assert.match(renderLogMessage(q.parts, opEnv), /<error: unknown name 'nope'>/);
});
