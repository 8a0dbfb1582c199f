// Memory figures the seek and views cases share: the time index's size and the live memory
// split after a full GC (JS heap vs typed-array backing stores: records, log, index).

/**
 * The time index's size in MB (engine/replay/time-index.ts), 0 when the machine seeks otherwise
 * (any ReplayMachine: only the EngineMachine has an index).
 */
export function timeIndexMB(machine: object): number {
  const ix = (machine as { timeIndexBytes?: { histories: number; scalars: number } }).timeIndexBytes;
  return ix ? +((ix.histories + ix.scalars) / 2 ** 20).toFixed(1) : 0;
}

/** Live memory after a full GC (`gc`: run with `node --expose-gc`; without it, just the current figures). */
export function liveMemory(): { gc: boolean; heapMB: number; arrayBuffersMB: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return { gc: gc !== undefined, heapMB: Math.round(m.heapUsed / 2 ** 20), arrayBuffersMB: Math.round(m.arrayBuffers / 2 ** 20) };
}
