// The one seam between the UI session and the engine's replay machine: records + options in,
// a ReplayMachine (engine/replay/backend.ts) out. Kept to one function so the session can
// switch engines (or strategies) without touching the views.

import type { ReplayMachine } from '../../engine/replay/backend';
import { EngineMachine } from '../../engine/replay/engine-machine';
import type { RecordInput } from '../../engine/replay/op-table';

export interface MachineOptions {
  arch?: 'arm64' | 'arm32';
  ipaBits?: number;
  strategy?: string;
  /** When true, options win over the trace's own `config` lines (strategy comparison). */
  override?: boolean;
}

export interface CreatedMachine {
  machine: ReplayMachine;
  /** Problems mapping records to operations, e.g. an unavailable strategy. */
  notes: readonly string[];
}

/** `records`: the reader's RecordStore (used in place) or records in memory. */
export function createMachine(records: RecordInput, opts: MachineOptions): CreatedMachine {
  const m = new EngineMachine(records, opts);
  return { machine: m, notes: m.notes };
}
