// What `activate` returns: a small, typed handle for the extension-host tests (and other
// extensions). Keep it narrow; tests should observe behaviour through it, not internals.
import type { GpaTreeProvider } from './gpa-tree';
import type { TraceLogPanel } from './trace-log-panel';
import type { TraceState } from './trace-state';

export interface P2mApi {
  readonly state: TraceState;
  readonly gpaTree: GpaTreeProvider;
  /** The open trace-log panel, if any. */
  traceLogPanel(): TraceLogPanel | undefined;
}
