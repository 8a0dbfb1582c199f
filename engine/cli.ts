// The `p2m` command-line tool (dist/cli.js): replay / dump / lookup over a trace.
// Dispatch lives in cli/main.ts so tests can run it in-process.
import { main } from './cli/main';

const chunks: string[] = [];
const code = main(process.argv.slice(2), {
  out: s => { chunks.push(s); if (chunks.length > 256) process.stdout.write(chunks.splice(0).join('')); },
  err: s => process.stderr.write(s),
});
process.stdout.write(chunks.join(''), () => process.exit(code));
