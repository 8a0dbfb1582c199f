// Session worker entry (bundled as dist/session-worker.js, run in a worker_threads Worker).
// Owns the loaded trace and its SessionCore; answers the typed requests of worker-protocol.ts
// one at a time. Everything heavy (reading, parsing, replay, filtering, plot sampling) happens
// here, so the extension host thread only forwards small paged answers.
// Never throws out of a request: failures become `{ok: false, error}` responses.

import { parentPort } from 'node:worker_threads';
import { loadSession, type LoadedSession } from './trace-loader';
import { loadIndexOnly, type IndexOnlyLoaded } from './index-only-loader';
import type { LoadProgress, ParamsOf, ResultOf, WorkerMessage, WorkerMethod, WorkerRequest } from './worker-protocol';

const port = parentPort;
let session: LoadedSession | IndexOnlyLoaded | undefined;

function post(m: WorkerMessage): void { port?.postMessage(m); }

function need(): LoadedSession | IndexOnlyLoaded {
  if (!session) throw new Error('no trace loaded');
  return session;
}

type Handlers = { [M in WorkerMethod]: (p: ParamsOf<M>, id: number) => ResultOf<M> };

const handlers: Handlers = {
  load: (p, id) => {
    session = undefined;
    const report = (progress: LoadProgress) => post({ type: 'progress', id, progress });
    session = p.mode === 'index' ? loadIndexOnly(p, report) : loadSession(p, report);
    return session.summary;
  },
  seek: p => need().core.seek(p.position),
  setDomain: p => need().core.setDomain(p.domain),
  treeRoots: () => need().core.treeRoots(),
  treeChildren: p => need().core.treeChildren(p.key),
  treePath: p => need().core.treePath(p.domain, p.gfn),
  regions: p => need().core.regions(p.domain, p.filter, p.limit),
  lookup: p => ({ text: need().core.lookupText(p.domain, p.gfn) }),
  logQuery: p => need().core.logQuery(p.filter),
  logPage: p => need().core.logPage(p.offset, p.count),
  logIndexOf: p => need().core.logIndexOf(p.op),
  microOps: p => need().core.microOps(p.op),
  plots: p => need().core.plots(p.buckets),
  dumpInfo: p => need().core.dumpInfo(p.domain),
  export: p => need().exportState(p.format),
  opForLine: p => need().core.positionForLine(p.line),
  compareStrategies: () => need().compareStrategies(),
};

function handle(req: WorkerRequest): void {
  try {
    const h = handlers[req.method] as (p: unknown, id: number) => unknown;
    if (!h) throw new Error(`unknown method '${String(req.method)}'`);
    post({ type: 'response', id: req.id, ok: true, result: h(req.params, req.id) });
  } catch (e) {
    post({ type: 'response', id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    if (e instanceof Error && !/no trace loaded/.test(e.message)) {
      post({ type: 'log', level: 'error', message: `${req.method}: ${e.stack ?? e.message}` });
    }
  }
}

port?.on('message', (m: unknown) => {
  if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'request') handle(m as WorkerRequest);
});
