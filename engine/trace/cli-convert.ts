// `p2m convert <in> --to <format>`: self-contained so the CLI only dispatches to it
// (engine/cli owns the command table). Also the one-line diagnostic form the CLI prints,
// `file:line: message`, shared by replay and convert.

import { TraceDiagnostic } from './diagnostics';
import { TRACE_FORMAT_NAMES, TraceFormat } from './detect';
import { convertTrace } from './index';
import { TscMode } from './xentrace-writer';
import { writeFileAtomic } from '../util/atomic-write';

export interface ConvertIo { out: (s: string) => void; err: (s: string) => void }

export const CONVERT_USAGE = `usage: p2m convert <in> --to p2mtrace|xentrace|xenalyze|xen-console|jsonl
         [--format auto|p2mtrace|xentrace|xenalyze|xen-console|jsonl] [--arch arm|x86]
         [--arm-numbering 4.12|4.8] [--group] [--tsc records|window-pad|none] [--cpu-hz HZ] [--out FILE]
`;

/** `file:line: message` for text locations, `file:0: @0xOFFSET cpu N: message` for binary. */
export function cliDiagnosticLine(d: TraceDiagnostic): string {
  const sev = d.severity === 'error' ? '' : `${d.severity}: `;
  if (d.line > 0) return `${d.source}:${d.line}: ${sev}${d.message}`;
  const where = d.byteOffset !== undefined ? `@0x${d.byteOffset.toString(16)}${d.cpu !== undefined ? ` cpu ${d.cpu}` : ''}: ` : '';
  return `${d.source}:0: ${where}${sev}${d.message}`;
}

const VALUED = new Set(['--to', '--format', '--arch', '--arm-numbering', '--tsc', '--cpu-hz', '--out', '-o']);

/** Returns the exit code: 0 done, 1 written with errors in the input, 2 usage/unreadable. */
export function runConvert(argv: string[], io: ConvertIo): number {
  const flags = new Map<string, string | true>();
  const pos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (VALUED.has(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) { io.err(`p2m convert: ${name} needs a value\n${CONVERT_USAGE}`); return 2; }
        flags.set(name, v);
      } else flags.set(name, true);
    } else pos.push(a);
  }
  const to = flags.get('--to');
  const input = pos[0];
  if (input === undefined || typeof to !== 'string' || !TRACE_FORMAT_NAMES.includes(to as TraceFormat)) {
    io.err(CONVERT_USAGE);
    return 2;
  }
  const format = (flags.get('--format') ?? 'auto') as string;
  if (format !== 'auto' && !TRACE_FORMAT_NAMES.includes(format as TraceFormat)) { io.err(`p2m convert: unknown --format '${format}'\n`); return 2; }
  const arch = flags.get('--arch') ?? 'arm';
  if (arch !== 'arm' && arch !== 'x86') { io.err(`p2m convert: --arch expects arm or x86, got '${String(arch)}'\n`); return 2; }
  const numbering = flags.get('--arm-numbering') ?? '4.12';
  if (numbering !== '4.12' && numbering !== '4.8') { io.err(`p2m convert: --arm-numbering expects 4.12 or 4.8\n`); return 2; }
  const tsc = flags.get('--tsc') ?? 'records';
  if (tsc !== 'records' && tsc !== 'window-pad' && tsc !== 'none') { io.err('p2m convert: --tsc expects records, window-pad or none\n'); return 2; }
  const hzText = flags.get('--cpu-hz');
  let cpuHz: number | undefined;
  if (typeof hzText === 'string') {
    // Same suffixes as xenalyze: G, M, K.
    const m = /^([0-9]+(?:\.[0-9]+)?)([GMK]?)$/i.exec(hzText);
    if (!m) { io.err(`p2m convert: --cpu-hz expects a frequency such as 100M or 2.4G, got '${hzText}'\n`); return 2; }
    cpuHz = Number(m[1]) * ({ g: 1e9, m: 1e6, k: 1e3, '': 1 } as Record<string, number>)[m[2].toLowerCase()];
  }
  const outPath = (flags.get('--out') ?? flags.get('-o')) as string | undefined;
  if (to === 'xentrace' && outPath === undefined) { io.err('p2m convert: xentrace output is binary: give --out FILE\n'); return 2; }

  const r = convertTrace(input, {
    to: to as TraceFormat, format: format as TraceFormat | 'auto', arch, armNumbering: numbering, group: flags.has('--group'), tsc: tsc as TscMode, cpuHz,
  });
  for (const d of r.diagnostics) io.err(cliDiagnosticLine(d) + '\n');
  if (r.output === undefined) return 2;
  if (outPath !== undefined) {
    try { writeFileAtomic(outPath, r.output); } catch (e) {
      io.err(`p2m convert: cannot write ${outPath}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  } else io.out(r.output as string);
  return r.diagnostics.some(d => d.severity === 'error') ? 1 : 0;
}
