// Host side of the session worker: spawns dist/session-worker.js in a worker_threads Worker
// and turns the message protocol into typed promises. Pending requests reject on timeout,
// on worker exit and on dispose, so a view never waits forever. No vscode import: the
// extension-host session and the unit tests both use it.

import { Worker } from 'node:worker_threads';
import type { LoadProgress, ParamsOf, ResultOf, WorkerMessage, WorkerMethod, WorkerRequest } from './worker-protocol';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  onProgress?: (p: LoadProgress) => void;
}

/**
 * Old-space cap of the session worker. Measured on the 1M-op bench session: ~650 MB JS heap after
 * load and 50 seeks; 1.5 GB leaves room for a second machine during "Compare Strategies" while a
 * runaway load stops the worker (not the extension host) well before 4 GB.
 */
export const WORKER_HEAP_MB = 1536;

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited = false;

  /** `heapLimitMb` exists for tests (a worker that runs out quickly); the UI uses the default. */
  constructor(scriptPath: string, private readonly log: (level: string, message: string) => void = () => {},
              private readonly heapLimitMb = WORKER_HEAP_MB) {
    this.worker = new Worker(scriptPath, { resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } });
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.worker.on('error', e => this.failAll(this.explain(e)));
    this.worker.on('exit', code => { this.exited = true; this.failAll(new Error(`session worker exited (code ${code})`)); });
  }

  request<M extends WorkerMethod>(method: M, params: ParamsOf<M>,
    opts: { timeoutMs?: number; onProgress?: (p: LoadProgress) => void } = {}): Promise<ResultOf<M>> {
    if (this.exited) return Promise.reject(new Error('session worker is not running'));
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const timer = timeoutMs > 0 ? setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`session worker: '${method}' timed out after ${timeoutMs} ms`));
      }, timeoutMs) : undefined;
      this.pending.set(id, { resolve: v => resolve(v as ResultOf<M>), reject, timer, onProgress: opts.onProgress });
      const msg = { type: 'request', id, method, params } as WorkerRequest;
      this.worker.postMessage(msg);
    });
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (p.timer) clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
        break;
      }
      case 'progress': this.pending.get(m.id)?.onProgress?.(m.progress); break;
      case 'log': this.log(m.level, m.message); break;
    }
  }

  /**
   * A worker past its heap limit is stopped by Node with ERR_WORKER_OUT_OF_MEMORY, whose own text
   * tells the user nothing about what to do: say which limit and which mode needs less memory.
   */
  private explain(e: unknown): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    if ((err as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') return err;
    return new Error(`the trace needs more memory than the session worker's ${this.heapLimitMb} MB heap; ` +
      `the session that was open is kept. Load .p2mtrace files this large in index-only mode ` +
      `(choose "Index only" when loading, or set p2m.largeTraceMode to "index")`);
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
      this.pending.delete(id);
    }
  }

  /** Stops the worker; in-flight requests (a load being cancelled, say) reject. */
  async dispose(): Promise<void> {
    this.failAll(new Error('session closed'));
    if (!this.exited) await this.worker.terminate();
  }
}
