// The `p2m` command-line tool (dist/cli.js). Placeholder until the engine issue fills it.
const usage = `usage: p2m <command> [options]
  replay <trace> [--format auto|p2mtrace|xentrace|xenalyze|xen-console] [--arch arm|x86]
         [--ipa-bits N] [--pool-pages N|unlimited] [--mem-access] [--json] [--leaves]
  dump <trace> [--at N]
  lookup <trace> <gfn> [--at N]
`;
const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args[0] === 'help') {
  process.stdout.write(usage);
  process.exit(args.length === 0 ? 2 : 0);
}
process.stderr.write(`p2m: unknown command '${args[0]}'\n${usage}`);
process.exit(2);
