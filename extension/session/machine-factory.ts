// The one seam between the UI session and the engine's replay machine: records + config in,
// a ReplayMachine (engine/replay/backend.ts) out. Kept to one function so the session can
// switch engines (or strategies) without touching the views.

import type { ReplayMachine } from '../../engine/replay/backend';
import type { TraceConfig, TraceRecord } from '../../engine/trace/records';

export interface MachineOptions extends TraceConfig {
  strategy?: string;
}

export function createMachine(records: readonly TraceRecord[], opts: MachineOptions): ReplayMachine {
  void records; void opts;
  throw new Error('the replay machine (engine/replay) is not available in this build yet');
}
