// `p2m` command dispatch. Exported for in-process tests; engine/cli.ts is the program entry.
import { parseArgs } from './args';
import { cmdDump, cmdLookup, cmdReplay, type Io } from './commands';
import { cmdCompare } from './compare-command';
import { runConvert } from '../trace/cli-convert';

export type { Io };

export const USAGE = `usage: p2m <command> [options]
  replay <trace> [--format auto|p2mtrace|xentrace|xenalyze|xen-console] [--arch arm|x86]
         [--ipa-bits N] [--pool-pages N|unlimited] [--mem-access] [--json] [--leaves]
         [--strategy upstream|xen-4.8|legacy] [--rfc-missing-else]
  dump <trace> [--at N]
  lookup <trace> <gfn> [--at N]
  compare <trace> [--strategies a,b,c] [--json] [--rfc-missing-else] [--feat-bbm 0|1|2]
  convert <in> --to p2mtrace|xentrace|xenalyze|xen-console|jsonl [--out FILE] (see p2m convert --help)
Defaults: 40-bit IPA, unlimited pool, mem_access off (a trace's config line and the flags
override them; flags win). --at N stops after N operations.
`;

export function main(argv: string[], io: Io): number {
  if (argv.length === 0) { io.err(USAGE); return 2; }
  // convert has its own flag table (engine/trace/cli-convert.ts); dispatch before parsing.
  if (argv[0] === 'convert') return runConvert(argv.slice(1), io);
  if (argv.includes('--help') || argv[0] === 'help') { io.out(USAGE); return 0; }
  const args = parseArgs(argv);
  if ('error' in args) { io.err(`p2m: ${args.error}\n`); return 2; }
  try {
    switch (args.command) {
      case 'replay': return cmdReplay(args, io);
      case 'dump': return cmdDump(args, io);
      case 'lookup': return cmdLookup(args, io);
      case 'compare': return cmdCompare(args, io);
      default: io.err(`p2m: unknown command '${args.command}'\n${USAGE}`); return 2;
    }
  } catch (e) {
    io.err(`p2m: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  }
}
