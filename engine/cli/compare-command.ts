// `p2m compare <trace> [--strategies a,b,c] [--json] [--rfc-missing-else] [--feat-bbm 0|1|2]`:
// replays one workload under several strategies (engine/compare). The JSON output is a
// contract (issue §4): {"strategies": {name: {...}}, "sameTranslation", "firstDifference"}.
import { compareRecords } from '../compare/compare';
import { formatCompare } from '../compare/format';
import type { WorkloadOptions } from '../compare/run-workload';
import { parseStrategyList, STRATEGY_NAMES, type StrategyName } from '../strategy/registry';
import type { TraceFormat } from '../trace/detect';
import { readTrace } from '../trace/index';
import type { TraceArch } from '../trace/types-map';
import { parseNumber, type ParsedArgs } from './args';

export interface CompareIo { out: (s: string) => void; err: (s: string) => void }

/** A valued flag; `true` (flag given without a value) is reported as missing. */
function valued(args: ParsedArgs, name: string, io: CompareIo): string | undefined | false {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) { io.err(`p2m compare: ${name} needs a value (${name}=...)\n`); return false; }
  return v;
}

export function cmdCompare(args: ParsedArgs, io: CompareIo): number {
  const file = args.positional[0];
  if (!file) { io.err('p2m compare: missing <trace>\n'); return 2; }
  let strategies: StrategyName[] = [...STRATEGY_NAMES];
  const list = valued(args, '--strategies', io);
  if (list === false) return 2;
  if (list !== undefined) {
    const p = parseStrategyList(list);
    if (p.unknown.length > 0 || p.strategies.length === 0) {
      io.err(`p2m compare: unknown strategy '${p.unknown.join(',') || list}' (expected ${STRATEGY_NAMES.join('|')})\n`);
      return 2;
    }
    strategies = p.strategies;
  }
  const opts: WorkloadOptions = {};
  const ipa = valued(args, '--ipa-bits', io);
  if (ipa === false) return 2;
  if (ipa !== undefined) {
    const n = parseNumber(ipa);
    if (n === undefined) { io.err(`p2m compare: --ipa-bits expects a number, got '${ipa}'\n`); return 2; }
    opts.ipaBits = n;
  }
  const pool = valued(args, '--pool-pages', io);
  if (pool === false) return 2;
  if (pool !== undefined) {
    const n = pool === 'unlimited' ? 'unlimited' : parseNumber(pool);
    if (n === undefined) { io.err(`p2m compare: --pool-pages expects a number or 'unlimited', got '${pool}'\n`); return 2; }
    opts.poolPages = n;
  }
  const feat = valued(args, '--feat-bbm', io);
  if (feat === false) return 2;
  if (feat !== undefined) {
    if (feat !== '0' && feat !== '1' && feat !== '2') { io.err(`p2m compare: --feat-bbm expects 0, 1 or 2\n`); return 2; }
    opts.featBbm = Number(feat) as 0 | 1 | 2;
  }
  if (args.flags.has('--mem-access')) opts.memAccess = true;
  if (args.flags.has('--rfc-missing-else')) opts.rfcMissingElse = true;
  const format = valued(args, '--format', io);
  if (format === false) return 2;
  const arch = valued(args, '--arch', io);
  if (arch === false) return 2;
  if (arch !== undefined && arch !== 'arm' && arch !== 'x86') { io.err(`p2m compare: --arch expects arm or x86, got '${arch}'\n`); return 2; }
  // Every trace format through the one reader (auto-detected unless --format), as `p2m replay`.
  const read = readTrace(file, { format: (format ?? 'auto') as TraceFormat | 'auto', arch: arch as TraceArch | undefined, source: file });
  const errors = read.diagnostics.filter(d => d.severity === 'error');
  if (errors.length > 0 || read.format === undefined) {
    for (const d of errors) io.err(`${file}:${d.line}: ${d.message}\n`);
    if (errors.length === 0) io.err(`${file}:0: cannot read this trace\n`);
    return 2;
  }
  for (const d of read.diagnostics) io.err(`${file}:${d.line}: ${d.severity}: ${d.message}\n`);
  opts.traceConfig = read.config;
  const records = [...read.store];
  const { json } = compareRecords(records, strategies, opts);
  if (args.flags.has('--json')) io.out(JSON.stringify(json, null, 2) + '\n');
  else io.out(formatCompare(json, file));
  return 0;
}
