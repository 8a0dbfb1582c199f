// Cursor positions and stepping granularities.
//
// A position is (op, event): `event` events of operation `op` have executed. (op, 0) is the
// operation's line, "about to execute": the state is the state before it. (op, count) is
// "just returned" and shows the same state as (op + 1, 0); it exists so that a stop on the
// operation's return code or last event still shows that operation. op == opCount is the end.

export interface Position { op: number; event: number }

/** `operation` = DAP statement/line, `frame` = step in/out, `event` = DAP instruction. */
export type Granularity = 'operation' | 'frame' | 'event';

export function comparePos(a: Position, b: Position): number {
  return a.op !== b.op ? a.op - b.op : a.event - b.event;
}
export function samePos(a: Position, b: Position): boolean { return a.op === b.op && a.event === b.event; }
export function posText(p: Position): string { return `op ${p.op}${p.event ? ` +${p.event} events` : ''}`; }
