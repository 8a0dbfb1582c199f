// Debug-console commands: `lookup <gfn>`, `walk <gfn>`, `dump`, `stats`, `regions [from to]`,
// `diff <op-a> <op-b>`, `who <gfn>`, `help`. Arguments are expressions of the condition
// language, so `walk gfn` walks the current operation's GFN. Pure: returns text and, for
// `who`, where the cursor should go; the session sends the stop.

import { evaluateText } from './expr/evaluator';
import type { ReplayRuntime } from './runtime';
import type { Position } from './position';
import { describeLookup, describeRegion, describeStep, hex64, hexn } from './format';

export const CONSOLE_COMMANDS = ['lookup', 'walk', 'dump', 'stats', 'regions', 'diff', 'who', 'help'] as const;

export interface ConsoleResult { text: string; moveTo?: Position; error?: boolean }

const HELP = [
  'lookup <gfn>          p2m_get_entry result at the cursor',
  'walk <gfn>            descriptor per level, decoded',
  'dump                  p2m_dump_info text',
  'stats                 Xen counters, true leaf counts, flushes',
  'regions [from to]     coalesced GFN→MFN runs',
  'diff <op-a> <op-b>    regions that differ between the states before two operations',
  'who <gfn>             run back to the last change of a GFN\'s translation',
  'Anything else is evaluated as an expression, e.g. stats.mappings[3] < 0, lookup(0x40000).mfn',
].join('\n');

/** Run a console command, or return undefined when `line` is not one (then it is an expression). */
export function runConsoleCommand<S>(rt: ReplayRuntime<S>, line: string): ConsoleResult | undefined {
  const m = /^\s*([a-z]+)\b\s*(.*)$/.exec(line);
  if (!m || !(CONSOLE_COMMANDS as readonly string[]).includes(m[1])) return undefined;
  const cmd = m[1], rest = m[2].trim();
  // `lookup(0x1)` with parentheses is the expression function, not the command.
  if (rest.startsWith('(') || /^[=!<>&|+*/%^.[?-]/.test(rest)) return undefined;
  const num = (text: string): number | string => {
    const r = evaluateText(text, rt.env());
    if (!r.ok) return `${text}: ${r.error.message}`;
    if (typeof r.value !== 'bigint') return `${text}: expected an integer`;
    return Number(r.value);
  };
  const args = splitArgs(rest);
  const need = (n: number): string | undefined => (args.length < n ? `usage: ${HELP.split('\n').find(h => h.startsWith(cmd))}` : undefined);
  const st = () => rt.stateAt();
  switch (cmd) {
    case 'help': return { text: HELP };
    case 'lookup': case 'walk': case 'who': {
      const u = need(1); if (u) return { text: u, error: true };
      const g = num(args[0]); if (typeof g === 'string') return { text: g, error: true };
      if (cmd === 'lookup') return { text: describeLookup(g, st().lookup(g)) };
      if (cmd === 'walk') {
        const w = st().walk(g);
        return { text: w.length ? `walk of gfn ${hexn(g)} (domain ${rt.domainAt()}):\n` + w.map(describeStep).join('\n') : `gfn ${hexn(g)} is rejected by the root check (-EINVAL)` };
      }
      const who = rt.whoLastChanged(g);
      if (!who) return { text: `no earlier change of gfn ${hexn(g)}'s translation before ${posLabel(rt, rt.position)}` };
      const op = rt.timeline.ops[who.pos.op];
      return {
        text: `gfn ${hexn(g)} last changed by op ${who.pos.op} (line ${op.loc.line}: ${op.label}): ${hex64(who.change.before)} → ${hex64(who.change.after)}`,
        moveTo: who.pos,
      };
    }
    case 'dump': {
      const s = st();
      return { text: s.view.dumpInfo() + (s.overlay ? '(state before this operation; the current operation is half executed)\n' : '') };
    }
    case 'stats': {
      const s = st();
      const x = s.stats(), t = s.trueCounts();
      return {
        text: [`domain ${s.domain} vmid ${s.view.vmid}`,
          `Xen mappings  1G ${x.mappings[1]}  2M ${x.mappings[2]}  4K ${x.mappings[3]}   shattered 1G ${x.shattered[1]} 2M ${x.shattered[2]}`,
          `true leaves   1G ${t[1]}  2M ${t[2]}  4K ${t[3]}`,
          `max_mapped_gfn ${hexn(s.maxMappedGfn())}  lowest_mapped_gfn ${s.lowestMappedGfn() < 0 ? 'ULONG_MAX' : hexn(s.lowestMappedGfn())}  need_flush ${s.needFlush()}`,
          `pool: ${s.pool().free} free, ${s.pool().used} in use`].join('\n'),
      };
    }
    case 'regions': {
      let from = 0, to = Number.MAX_SAFE_INTEGER;
      if (args.length >= 1) { const f = num(args[0]); if (typeof f === 'string') return { text: f, error: true }; from = f; }
      if (args.length >= 2) { const t = num(args[1]); if (typeof t === 'string') return { text: t, error: true }; to = t; }
      const rs = st().view.regions(from, to, 201);
      const more = rs.length > 200 ? '\n… (first 200 shown)' : '';
      return { text: rs.length ? rs.slice(0, 200).map(describeRegion).join('\n') + more : 'no mappings in range' };
    }
    case 'diff': {
      const u = need(2); if (u) return { text: u, error: true };
      const a = num(args[0]), b = num(args[1]);
      if (typeof a === 'string') return { text: a, error: true };
      if (typeof b === 'string') return { text: b, error: true };
      const dom = rt.domainAt();
      const ra = rt.stateAt({ op: a, event: 0 }, dom).view.regions(0, Number.MAX_SAFE_INTEGER, 100000).map(describeRegion);
      const rb = rt.stateAt({ op: b, event: 0 }, dom).view.regions(0, Number.MAX_SAFE_INTEGER, 100000).map(describeRegion);
      const sa = new Set(ra), sb = new Set(rb);
      const lines = [...ra.filter(r => !sb.has(r)).map(r => `- ${r}`), ...rb.filter(r => !sa.has(r)).map(r => `+ ${r}`)];
      return { text: `regions of domain ${dom}, before op ${a} (-) vs before op ${b} (+):\n` + (lines.length ? lines.slice(0, 400).join('\n') : '(identical)') };
    }
  }
  return undefined;
}

function posLabel<S>(rt: ReplayRuntime<S>, p: Position): string {
  const op = rt.timeline.ops[p.op];
  return op ? `op ${p.op} (line ${op.loc.line})` : 'the end of the trace';
}

/** Split on spaces outside parentheses/brackets, so `regions gfn gfn+0x200` works. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (/\s/.test(c) && depth === 0) { if (cur) out.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}
