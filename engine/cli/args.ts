// Command-line parsing for `p2m`: positional arguments plus --flags with values. Errors
// are returned, never thrown, so main() can print them and exit 2.

export interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value (everything else is boolean). */
const VALUED = new Set(['--format', '--arch', '--ipa-bits', '--pool-pages', '--at', '--strategies', '--feat-bbm', '--to', '--strategy']);

export function parseArgs(argv: string[]): ParsedArgs | { error: string } {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (VALUED.has(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : rest[++i];
        if (v === undefined) return { error: `${name} needs a value` };
        flags.set(name, v);
      } else flags.set(name, true);
    } else positional.push(a);
  }
  return { command, positional, flags };
}

/** Integer in decimal or 0x-hex; undefined when malformed. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (/^0x[0-9a-f]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return undefined;
}
