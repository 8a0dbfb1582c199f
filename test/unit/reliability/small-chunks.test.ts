// Fuzz finding (seed 2026): long lines fed in small chunks made the streaming readers
// quadratic — every feed concatenated the buffered partial line with the new piece and
// searched the whole thing for a newline (V8 flattens the string each time). Now only the new
// piece is searched. The time bound below fails before the fix (seconds) and passes after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonlReader } from '../../../engine/trace/jsonl';
import { ConsoleReader } from '../../../engine/trace/console-reader';
import { P2mTraceParser } from '../../../engine/trace/p2mtrace';

function feedInPieces(sink: { feed(s: string): void }, text: string, piece: number): void {
  for (let p = 0; p < text.length; p += piece) sink.feed(text.slice(p, p + piece));
}

const LONG = ('{"kind":"dsb","domain":1,"x":"' + 'a'.repeat(60_000) + '"}\n').repeat(8) + '{"kind":"dsb","domain":1}\n';

for (const [name, make] of [
  ['jsonl', () => new JsonlReader('long.jsonl')],
  ['xen-console', () => new ConsoleReader('long.log')],
  ['p2mtrace', () => new P2mTraceParser('long.p2mtrace')],
] as const) {
  test(`${name}: 8 lines of 60k characters fed 7 characters at a time stay linear`, () => {
    const small = make();
    const t0 = performance.now();
    feedInPieces(small, LONG, 7);
    const a = small.end();
    const ms = performance.now() - t0;
    const whole = make();
    whole.feed(LONG);
    const b = whole.end();
    // Same result whatever the chunking.
    assert.deepEqual(JSON.parse(JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? String(v) : v))),
      JSON.parse(JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? String(v) : v))));
    assert.ok(ms < 300, `${name} took ${ms.toFixed(0)} ms`);
  });
}
