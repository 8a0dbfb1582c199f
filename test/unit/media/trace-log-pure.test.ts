// Pure parts of the trace-log webview and its protocol: GFN range parsing, plot axis mapping,
// HTML escaping, and validation of untrusted webview messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGfnRange } from '../../../media/trace-log/filters';
import { opToX, stripMax, xToOp } from '../../../media/trace-log/plots';
import { escapeHtml } from '../../../media/trace-log/escape';
import { parseTraceLogMessage } from '../../../extension/protocol';

test('GFN range parsing', () => {
  assert.deepEqual(parseGfnRange('0x40000-0x7ffff'), { first: '0x40000', last: '0x7ffff' });
  assert.deepEqual(parseGfnRange(' 40201 '), { first: '0x40201', last: '0x40201' });
  assert.deepEqual(parseGfnRange('0x10..0x20'), { first: '0x10', last: '0x20' });
  assert.equal(parseGfnRange(''), undefined);
  assert.ok('error' in (parseGfnRange('0x20-0x10') ?? {}));
  assert.ok('error' in (parseGfnRange('gfn=1') ?? {}));
  // Beyond 2^53 stays exact (bigint parse).
  assert.deepEqual(parseGfnRange('0xffffffffffffffff'), { first: '0xffffffffffffffff', last: '0xffffffffffffffff' });
});

test('plot x ↔ op mapping is monotonic and clamped', () => {
  const w = 848, n = 1_000_000;
  let prev = -1;
  for (let x = 0; x <= w; x += 7) {
    const op = xToOp(x, w, n);
    assert.ok(op >= prev && op >= 0 && op < n);
    prev = op;
  }
  assert.equal(xToOp(-50, w, n), 0);
  assert.equal(xToOp(w + 50, w, n), n - 1);
  for (const op of [0, 1234, 999_999]) assert.equal(xToOp(opToX(op, w, n) + 0.0001, w, n), op);
  assert.equal(stripMax([{ id: 'flushes', label: '', values: [0, 0] }]), 1);
  assert.equal(stripMax([{ id: 'flushes', label: '', values: [3, 9, 2] }]), 9);
});

test('escapeHtml neutralises markup', () => {
  assert.equal(escapeHtml('<img src=x onerror="alert(1)">&\''), '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
});

test('webview messages are validated; unknown or malformed ones are rejected', () => {
  assert.deepEqual(parseTraceLogMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseTraceLogMessage({ type: 'seek', position: 5 }), { type: 'seek', position: 5 });
  assert.equal(parseTraceLogMessage({ type: 'seek', position: -1 }), undefined);
  assert.equal(parseTraceLogMessage({ type: 'seek', position: '5' }), undefined);
  assert.equal(parseTraceLogMessage({ type: 'page', gen: 1, offset: 0, count: 1e9 }), undefined, 'page size is bounded');
  assert.equal(parseTraceLogMessage({ type: 'evil' }), undefined);
  assert.equal(parseTraceLogMessage(null), undefined);
  assert.equal(parseTraceLogMessage('ready'), undefined);
  assert.equal(parseTraceLogMessage({ type: 'query', gen: 1, filter: { kinds: [1] } }), undefined);
  assert.deepEqual(parseTraceLogMessage({ type: 'query', gen: 2, filter: { kinds: ['set_entry'], onlyViolations: true } }),
    { type: 'query', gen: 2, filter: { kinds: ['set_entry'], onlyViolations: true } });
});
