// Debounced, cancellable analysis per document. A newer edit cancels the pass in flight (the
// pass checks its token between chunks and stops), and passes of one document never overlap:
// the next pass waits until the cancelled one has returned, so analysis state has one writer.

export interface CancelToken {
  readonly cancelled: boolean;
}

class Token implements CancelToken {
  cancelled = false;
}

interface DocState {
  timer?: NodeJS.Timeout;
  token?: Token;
  running?: Promise<void>;
}

export type AnalysisRunner = (uri: string, token: CancelToken) => Promise<void>;

export class AnalysisScheduler {
  private readonly states = new Map<string, DocState>();

  constructor(private readonly runner: AnalysisRunner, private readonly debounceMs: () => number) {}

  /** Schedule a pass; `immediate` skips the debounce (document just opened). */
  schedule(uri: string, immediate = false): void {
    const st = this.states.get(uri) ?? {};
    this.states.set(uri, st);
    if (st.timer) clearTimeout(st.timer);
    // Stale work is cancelled as soon as the newer edit arrives, not when the debounce expires.
    if (st.token) st.token.cancelled = true;
    const token = new Token();
    st.token = token;
    st.timer = setTimeout(() => {
      st.timer = undefined;
      const previous = st.running ?? Promise.resolve();
      const run = previous.then(() => (token.cancelled ? undefined : this.runner(uri, token)))
        .catch(() => undefined); // the runner reports its own errors; never leave a rejected chain
      st.running = run;
      void run.finally(() => { if (st.running === run) st.running = undefined; });
    }, immediate ? 0 : this.debounceMs());
  }

  cancel(uri: string): void {
    const st = this.states.get(uri);
    if (!st) return;
    if (st.timer) clearTimeout(st.timer);
    if (st.token) st.token.cancelled = true;
    this.states.delete(uri);
  }

  /** Resolves when no pass for `uri` is queued or running (used by requests that need results). */
  async idle(uri: string): Promise<void> {
    for (;;) {
      const st = this.states.get(uri);
      if (!st || (!st.timer && !st.running)) return;
      if (st.running) await st.running;
      else await new Promise(r => setTimeout(r, 5));
    }
  }
}

/** Yield to the event loop so incoming notifications (newer edits, cancellations) are processed. */
export function yieldToLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
