// Memory figures the seek, views and session-load cases share: the time index's size and the
// live memory split after a full GC (JS heap vs typed-array backing stores: records, log, index).

/**
 * The time index's size in MB (engine/replay/time-index.ts), 0 when the machine seeks otherwise
 * (any ReplayMachine: only the EngineMachine has an index).
 */
export function timeIndexMB(machine: object): number {
  const ix = (machine as { timeIndexBytes?: { histories: number; scalars: number } }).timeIndexBytes;
  return ix ? +((ix.histories + ix.scalars) / 2 ** 20).toFixed(1) : 0;
}

/**
 * Live memory once the heap has settled (`gc`: run with `node --expose-gc`; without it, just
 * the current figures). Array-buffer backing stores are freed by the GC's finalisation after a
 * collection, so one gc() right after a load can still count the load's garbage as live (B
 * measured ±30 MB swings): collect three times with a pause between.
 */
export async function liveMemory(): Promise<{ gc: boolean; heapMB: number; arrayBuffersMB: number; rssMB: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) for (let k = 0; k < 3; k++) { gc(); await new Promise(r => setTimeout(r, 150)); }
  const m = process.memoryUsage();
  const mb = (b: number) => Math.round(b / 2 ** 20);
  return { gc: gc !== undefined, heapMB: mb(m.heapUsed), arrayBuffersMB: mb(m.arrayBuffers), rssMB: mb(m.rss) };
}
