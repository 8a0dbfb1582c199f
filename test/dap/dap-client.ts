// Shared helpers for the DAP tests: a DebugClient on dist/debug-adapter.js and the fixture.
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = process.env.P2M_ROOT ?? path.resolve(__dirname, '../..');
export const ADAPTER = path.join(ROOT, 'dist/debug-adapter.js');
export const SEED = path.join(ROOT, 'test/fixtures/replay/seed.p2mtrace');

/** Lines of the seed fixture (one operation each), named for readability. */
export const L = { map1G: 3, replace4K: 6, map2M: 7, remove205: 8, mmio: 9, einval: 10, remap: 11, remove1G: 12 };

export async function startClient(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'p2m');
  dc.defaultTimeout = 8000;
  await dc.start();
  return dc;
}

/**
 * Launch, run `configure` between `initialized` and configurationDone (breakpoints), and wait
 * for the first stop (or termination). Returns the first stopped event, or undefined when the
 * session terminated instead.
 */
export async function launch(dc: DebugClient, args: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => undefined): Promise<DebugProtocol.StoppedEvent | undefined> {
  const first = Promise.race([dc.waitForEvent('stopped'), dc.waitForEvent('terminated')]);
  await Promise.all([
    dc.waitForEvent('initialized').then(configure).then(() => dc.configurationDoneRequest()),
    dc.launch({ trace: SEED, ...args }),
  ]);
  const ev = await first;
  return ev.event === 'stopped' ? ev as DebugProtocol.StoppedEvent : undefined;
}

export async function topFrame(dc: DebugClient, threadId?: number): Promise<DebugProtocol.StackFrame> {
  const t = threadId ?? (await dc.threadsRequest()).body.threads[0].id;
  const st = await dc.stackTraceRequest({ threadId: t });
  return st.body.stackFrames[0];
}

/** Issue a request and wait for the stop it causes (the stop follows the response). */
export async function stopAfter(dc: DebugClient, req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped');
  await req();
  return await stopped as DebugProtocol.StoppedEvent;
}
