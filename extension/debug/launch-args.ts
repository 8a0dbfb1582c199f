// Launch arguments of the `p2m` debug type (package.json `debuggers[].configurationAttributes`
// mirrors this) and their validation. Shared by the inline and the standalone adapter.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TraceFormat } from '../../engine/replay/load-trace';

export interface P2mLaunchArgs extends DebugProtocol.LaunchRequestArguments {
  /** Path of the trace file. */
  trace: string;
  format?: TraceFormat | 'auto';
  /** `arm`/`x86`: numbering of numeric p2m types in binary traces; `arm64`/`arm32`: the simulated CPU. */
  arch?: 'arm' | 'x86' | 'arm64' | 'arm32';
  ipaBits?: number;
  strategy?: string;
  stopOnEntry?: boolean;
  /** Domain whose thread is focused first (default: the first op's domain). */
  domain?: number;
  poolPages?: number | 'unlimited';
  /** Stay stopped at the end of the trace instead of terminating (time travel stays possible). */
  stopAtEnd?: boolean;
  snapshotInterval?: number;
  /** Run to the first operation on or after this 1-based line and stop there ("Debug from here"). */
  stopAtLine?: number;
  /** Base for a relative `trace` path (VS Code passes the workspace folder). */
  cwd?: string;
}

export function validateLaunchArgs(a: Partial<P2mLaunchArgs>): string | undefined {
  if (typeof a.trace !== 'string' || a.trace.trim() === '') return "launch: 'trace' (path of a trace file) is required";
  if (a.format !== undefined && !['auto', 'p2mtrace', 'xentrace', 'xenalyze', 'xen-console', 'jsonl'].includes(a.format)) return `launch: unknown format '${a.format}'`;
  if (a.arch !== undefined && !['arm', 'x86', 'arm64', 'arm32'].includes(a.arch)) return `launch: unknown arch '${a.arch}' (arm, x86, arm64, arm32)`;
  if (a.ipaBits !== undefined && ![32, 36, 40, 42, 44, 48].includes(a.ipaBits)) return `launch: ipaBits must be one of 32, 36, 40, 42, 44, 48`;
  return undefined;
}
