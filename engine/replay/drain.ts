// Runs a step generator to its end in one go. The replay's long passes are written as
// generators (so the extension can slice them across event-loop turns); their synchronous
// forms just drain them.

/** Steps `g` until it finishes and returns its result; the yielded values are dropped. */
export function drain<R>(g: Generator<unknown, R>): R {
  for (;;) { const r = g.next(); if (r.done) return r.value; }
}
