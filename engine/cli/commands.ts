// The `p2m` subcommands: replay (JSON contract or summary), dump (table tree + regions after
// op N) and lookup (decoded walk path of one GFN after op N). Each returns an exit code and
// writes through the given streams, so tests can call them without spawning a process.
import { decode, hex64, type DescriptorFields } from '../arch/descriptor';
import { levelSize } from '../arch/geometry';
import { accessName, INVALID_MFN, typeName } from '../arch/types';
import type { P2m } from '../p2m/p2m';
import { readTrace } from '../trace/index';
import type { TraceFormat } from '../trace/detect';
import type { TraceArch } from '../trace/types-map';
import { parseStrategy, STRATEGY_NAMES } from '../strategy/registry';
import { parseNumber, type ParsedArgs } from './args';
import { gfnHex, replayJson, replaySummary, stringifyReplay } from './output';
import { type RunOptions, TraceRun } from './run-trace';

export interface Io { out: (s: string) => void; err: (s: string) => void }

const FORMATS = ['auto', 'p2mtrace', 'xentrace', 'xenalyze', 'xen-console', 'jsonl'];

/** Reads and replays a trace; returns the run or an exit code after printing `file:line: message`. */
function loadAndRun(file: string, args: ParsedArgs, io: Io, stopAfterOps?: number): TraceRun | number {
  const format = (args.flags.get('--format') as string | undefined) ?? 'auto';
  if (!FORMATS.includes(format)) { io.err(`p2m: unknown --format '${format}' (expected ${FORMATS.join('|')})\n`); return 2; }
  const arch = args.flags.get('--arch');
  if (arch !== undefined && arch !== 'arm' && arch !== 'x86') { io.err(`p2m: --arch expects arm or x86, got '${String(arch)}'\n`); return 2; }
  const opts: RunOptions = { stopAfterOps };
  const ipa = args.flags.get('--ipa-bits');
  if (typeof ipa === 'string') {
    const n = parseNumber(ipa);
    if (n === undefined) { io.err(`p2m: --ipa-bits expects a number, got '${ipa}'\n`); return 2; }
    opts.ipaBits = n;
  }
  const pool = args.flags.get('--pool-pages');
  if (typeof pool === 'string') {
    const n = pool === 'unlimited' ? 'unlimited' : parseNumber(pool);
    if (n === undefined) { io.err(`p2m: --pool-pages expects a number or 'unlimited', got '${pool}'\n`); return 2; }
    opts.poolPages = n;
  }
  if (args.flags.has('--mem-access')) opts.memAccess = true;
  const strategy = args.flags.get('--strategy');
  if (strategy !== undefined) {
    const s = typeof strategy === 'string' ? parseStrategy(strategy) : undefined;
    if (s === undefined) { io.err(`p2m: --strategy expects ${STRATEGY_NAMES.join('|')}, got '${String(strategy)}'\n`); return 2; }
    opts.strategy = s;
  }
  if (args.flags.has('--rfc-missing-else')) opts.rfcMissingElse = true;
  // One front door for every format (auto-detected from the first bytes unless --format).
  const read = readTrace(file, { format: format as TraceFormat | 'auto', arch: arch as TraceArch | undefined, source: file });
  const errors = read.diagnostics.filter(d => d.severity === 'error');
  if (errors.length > 0 || read.format === undefined) {
    for (const d of errors) io.err(`${file}:${d.line}: ${d.message}\n`);
    if (errors.length === 0) io.err(`${file}:0: cannot read this trace\n`);
    return 2;
  }
  const run = new TraceRun(read.config, opts);
  const store = read.store;
  for (let i = 0; i < store.length && !run.done; i++) run.apply(store.get(i));
  for (const d of read.diagnostics) if (d.severity !== 'error') io.err(`${file}:${d.line}: ${d.severity}: ${d.message}\n`);
  return run;
}

function atFlag(args: ParsedArgs, io: Io): number | undefined | false {
  const at = args.flags.get('--at');
  if (at === undefined) return undefined;
  const n = typeof at === 'string' ? parseNumber(at) : undefined;
  if (n === undefined) { io.err(`p2m: --at expects an operation count\n`); return false; }
  return n;
}

export function cmdReplay(args: ParsedArgs, io: Io): number {
  const file = args.positional[0];
  if (!file) { io.err('p2m replay: missing <trace>\n'); return 2; }
  const run = loadAndRun(file, args, io);
  if (typeof run === 'number') return run;
  if (args.flags.has('--json')) io.out(stringifyReplay(replayJson(run, args.flags.has('--leaves'))));
  else {
    io.out(replaySummary(run, file));
    if (args.flags.has('--leaves')) {
      for (const l of run.primary().leaves()) io.out(`  gfn ${gfnHex(l.gfn)} L${l.level} ${hex64(BigInt(l.hi) << 32n | BigInt(l.lo))}\n`);
    }
  }
  return 0;
}

export function cmdDump(args: ParsedArgs, io: Io): number {
  const file = args.positional[0];
  if (!file) { io.err('p2m dump: missing <trace>\n'); return 2; }
  const at = atFlag(args, io);
  if (at === false) return 2;
  const run = loadAndRun(file, args, io, at);
  if (typeof run === 'number') return run;
  io.out(`after ${run.opsApplied} operations\n`);
  for (const [dom, p] of run.domains) {
    io.out(`domain ${dom} (vmid ${p.config.vmid})\n`);
    for (const root of p.rootTables()) dumpTable(p, root, 1, io, undefined);
    io.out('regions:\n');
    for (const r of p.regions()) {
      io.out(`  gfn ${gfnHex(r.gfn)}-${gfnHex(r.gfn + r.count - 1)} → mfn 0x${r.mfn.toString(16)} ${typeName(r.type)} ${accessName(r.access)} ${LEVEL_SIZE[r.level]}${r.valid ? '' : ' (bit0 clear)'}\n`);
    }
    io.out(p.dumpInfo());
  }
  return 0;
}

const LEVEL_SIZE = ['512G', '1G', '2M', '4K'];

function describe(f: DescriptorFields, level: number): string {
  if (f.type === 0 && !f.valid) return 'invalid';
  const kind = level < 3 && f.table ? `table → 0x${f.base.toString(16)}` : level < 3 ? `${LEVEL_SIZE[level]} block mfn 0x${f.base.toString(16)}` : `4K page mfn 0x${f.base.toString(16)}`;
  const perms = `${f.read ? 'r' : '-'}${f.write ? 'w' : '-'}${f.xn ? '-' : 'x'}`;
  const isTable = level < 3 && f.table;
  return `${kind}${isTable ? '' : ` ${typeName(f.type)} ${perms} mattr 0x${f.mattr.toString(16)} sh ${f.sh}`}${f.valid ? '' : ' [bit0 clear]'}`;
}

function dumpTable(p: P2m, mfn: number, depth: number, io: Io, baseGfn: number | undefined): void {
  const t = p.tablePage(mfn);
  if (!t) return;
  const pad = '  '.repeat(depth);
  io.out(`${pad}table 0x${mfn.toString(16)} L${t.level}${t.isRoot ? ' (root)' : ''}: ${t.entries.length} entries\n`);
  for (const e of t.entries) {
    const gfn = baseGfn === undefined ? e.gfn : baseGfn + e.index * levelSize(t.level);
    io.out(`${pad}  [${e.index.toString(16).padStart(3, '0')}] gfn ${gfnHex(gfn)} ${hex64(e.descriptor)} ${describe(decode(e.descriptor), t.level)}\n`);
    if (e.child !== undefined) dumpTable(p, e.child, depth + 2, io, gfn);
  }
}

export function cmdLookup(args: ParsedArgs, io: Io): number {
  const [file, gfnText] = args.positional;
  if (!file || !gfnText) { io.err('p2m lookup: usage: p2m lookup <trace> <gfn> [--at N]\n'); return 2; }
  const gfn = parseNumber(gfnText);
  if (gfn === undefined) { io.err(`p2m lookup: bad gfn '${gfnText}'\n`); return 2; }
  const at = atFlag(args, io);
  if (at === false) return 2;
  const run = loadAndRun(file, args, io, at);
  if (typeof run === 'number') return run;
  const p = run.primary();
  io.out(`gfn ${gfnHex(gfn)} after ${run.opsApplied} operations (domain ${p.config.domid})\n`);
  for (const s of p.walk(gfn)) {
    io.out(`  L${s.level} table 0x${s.table.toString(16)}[${s.index}] = ${hex64(s.descriptor)}  ${describe(s.fields, s.level)}\n`);
  }
  const e = p.lookup(gfn);
  io.out(`p2m_get_entry: mfn ${e.mfn === INVALID_MFN ? 'INVALID' : '0x' + e.mfn.toString(16)} type ${typeName(e.type)} access ${accessName(e.access)} order ${e.order} valid ${e.valid}\n`);
  for (const l of p.dumpLookup(BigInt(gfn) << 12n)) io.out(l + '\n');
  return 0;
}
