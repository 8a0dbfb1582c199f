// Checking console-log checkpoints against the engine. The replay calls these at the
// checkpoint's position with the engine's Xen counters / walk; every difference becomes one
// message naming both values (a `checkpoint-mismatch` diagnostic for the UI and CLI).
// Kept here, engine-independent, so the trace tests can exercise them without a replay.

import { CheckpointDumpInfoRecord, CheckpointLookupRecord } from './records';

export interface XenCounters {
  mappings: ArrayLike<number>;
  shattered: ArrayLike<number>;
  vmid?: number;
}

export interface WalkStep { level: number; index: number; descriptor: bigint }

const LEVEL_LABEL = ['0', '1G', '2M', '4K'];

export function compareDumpInfo(rec: CheckpointDumpInfoRecord, actual: XenCounters): string[] {
  const at = `p2m_dump_info for domain ${rec.domain} (${rec.loc.source}:${rec.loc.line})`;
  const out: string[] = [];
  if (actual.vmid !== undefined && actual.vmid !== rec.vmid) out.push(`${at}: vmid: log says ${rec.vmid}, engine has ${actual.vmid}`);
  for (let l = 1; l <= 3; l++) {
    if (rec.mappings[l] !== actual.mappings[l]) {
      out.push(`${at}: ${LEVEL_LABEL[l]} mappings: log says ${rec.mappings[l]}, engine has ${actual.mappings[l]}`);
    }
    if (l < 3 && rec.shattered[l] !== actual.shattered[l]) {
      out.push(`${at}: ${LEVEL_LABEL[l]} shattered: log says ${rec.shattered[l]}, engine has ${actual.shattered[l]}`);
    }
  }
  return out;
}

const hx = (v: bigint): string => '0x' + v.toString(16);

/** Compare a dump_p2m_lookup walk with the engine's walk for the same IPA (root level first). */
export function compareWalk(rec: CheckpointLookupRecord, actual: readonly WalkStep[]): string[] {
  const at = `dump_p2m_lookup of IPA ${hx(rec.ipa)} (${rec.loc.source}:${rec.loc.line})`;
  const out: string[] = [];
  const n = Math.max(rec.lines.length, actual.length);
  for (let k = 0; k < n; k++) {
    const a = rec.lines[k], b = actual[k];
    if (a === undefined) { out.push(`${at}: engine walks on to level ${b.level} [${b.index}] = ${hx(b.descriptor)}, the log stops`); continue; }
    if (b === undefined) { out.push(`${at}: log shows level ${a.level} [${a.index}] = ${hx(a.descriptor)}, the engine walk stops`); continue; }
    if (a.level !== b.level || a.index !== b.index) {
      out.push(`${at}: step ${k + 1}: log is level ${a.level} index ${a.index}, engine is level ${b.level} index ${b.index}`);
    } else if (a.descriptor !== b.descriptor) {
      out.push(`${at}: level ${a.level} [0x${a.index.toString(16)}]: log says ${hx(a.descriptor)}, engine has ${hx(b.descriptor)}`);
    }
  }
  return out;
}
