// Breakpoint model of the replay core: source lines, function (frame or op-kind) names, data
// breakpoints on a GFN range, and exception filters. Each carries an optional condition,
// hit condition and log message, parsed once when set; problems come back as an unverified
// breakpoint with a message (never an exception), which the debug session shows in the UI.

import type { Expr } from './expr/ast';
import { parseExpr } from './expr/parser';
import { parseHitCondition, type HitCondition } from './hit-condition';
import { parseLogMessage, type LogPart } from './log-message';
import type { ChangeFilter } from './change-index';

export interface BreakpointOptions { condition?: string; hitCondition?: string; logMessage?: string }

interface Common {
  id: number;
  verified: boolean;
  message?: string;
  cond?: Expr;
  hit?: HitCondition;
  log?: LogPart[];
  /** Times the (structural + condition) match happened during forward runs. */
  hits: number;
}

export interface LineBreakpoint extends Common { kind: 'line'; source: string; line: number; requestedLine: number }
export interface FunctionBreakpoint extends Common { kind: 'function'; name: string }
export interface DataBreakpoint extends Common {
  kind: 'data';
  /** undefined = every domain. */
  domain?: number;
  from: number;
  /** exclusive */
  to: number;
  filter: ChangeFilter[];
  dataId: string;
}

// bbm-violation is off by default only for cost: enabling it runs the BBM checker over the
// whole recorded log once (about 1.5 µs per event), which a 1M-op trace would pay at launch.
export const EXCEPTION_FILTERS = [
  { id: 'bbm-violation', label: 'Break-before-make violation', default: false, description: 'A live descriptor was changed in a way the Arm ARM requires break-before-make for, without it.' },
  { id: 'stale-tlb', label: 'Stale TLB hazard', default: false, description: 'A translation may still be cached after a change (no TLB flush yet).' },
  { id: 'xen-assert', label: 'Xen ASSERT / diagnostic', default: true, description: 'A Xen ASSERT/BUG condition or simulator invariant check failed.' },
  { id: 'stats-drift', label: 'Stats drift', default: false, description: "Xen's mapping counters disagree with the true leaf counts." },
  { id: 'enomem', label: '-ENOMEM return', default: false, description: 'An operation returned -ENOMEM (split failed, or the domain is dying).' },
  { id: 'enoent', label: '-ENOENT return', default: false, description: 'An operation returned -ENOENT (table page allocation failed).' },
  { id: 'einval', label: '-EINVAL return', default: false, description: 'An operation returned -EINVAL (GFN rejected by the root check).' },
  { id: 'checkpoint-mismatch', label: 'Checkpoint mismatch', default: true, description: 'A p2m_dump_info / dump_p2m_lookup checkpoint disagrees with the replay.' },
  { id: 'lost-records', label: 'Lost trace records', default: false, description: 'The trace lost records here: the replay may diverge from the real hypervisor.' },
] as const;
export type ExceptionFilterId = (typeof EXCEPTION_FILTERS)[number]['id'];
export interface ExceptionBreakpoint { filter: ExceptionFilterId; cond?: Expr }

export function isExceptionFilterId(s: string): s is ExceptionFilterId {
  return EXCEPTION_FILTERS.some(f => f.id === s);
}

/** Parse condition / hit condition / log message; the first problem unverifies the breakpoint. */
export function parseOptions(id: number, o: BreakpointOptions): Common {
  const c: Common = { id, verified: true, hits: 0 };
  const fail = (m: string) => { if (c.verified) { c.verified = false; c.message = m; } };
  if (o.condition?.trim()) {
    const p = parseExpr(o.condition);
    if (p.ok) c.cond = p.expr; else fail(`condition: ${p.error.message} (column ${p.error.span.start + 1})`);
  }
  if (o.hitCondition?.trim()) {
    const h = parseHitCondition(o.hitCondition);
    if (h.ok) c.hit = h.cond; else fail(h.message);
  }
  if (o.logMessage !== undefined && o.logMessage !== '') {
    const l = parseLogMessage(o.logMessage);
    if (l.ok) c.log = l.parts; else fail(l.message);
  }
  return c;
}

export interface GfnRange { domain?: number; from: number; to: number; filter: ChangeFilter[] }

const FILTER_WORDS: readonly ChangeFilter[] = ['mfn', 'type', 'perms', 'split'];

/**
 * Data-breakpoint ids: `gfn:<domain|*>:<from hex>:<to hex, exclusive>[:filter,filter]`.
 * They round-trip through VS Code untouched, so the id is the whole description.
 */
export function formatDataId(r: GfnRange): string {
  const f = r.filter.length ? `:${r.filter.join(',')}` : '';
  return `gfn:${r.domain ?? '*'}:${r.from.toString(16)}:${r.to.toString(16)}${f}`;
}

export function parseDataId(id: string): GfnRange | undefined {
  const m = /^gfn:(\*|\d+):([0-9a-f]+):([0-9a-f]+)(?::([a-z,]+))?$/.exec(id);
  if (!m) return undefined;
  const filter = (m[4] ? m[4].split(',') : []) as ChangeFilter[];
  if (!filter.every(f => FILTER_WORDS.includes(f))) return undefined;
  const from = parseInt(m[2], 16), to = parseInt(m[3], 16);
  if (!(to > from)) return undefined;
  return { domain: m[1] === '*' ? undefined : Number(m[1]), from, to, filter };
}

/**
 * A GFN range typed by a user: `0x40000`, `0x40000+0x200`, `0x40000..0x401ff` (inclusive),
 * optionally followed by filter words (`mfn type perms split`, space or comma separated).
 */
export function parseGfnRangeText(text: string): GfnRange | { error: string } {
  const m = /^\s*(?:gfn\s*=?\s*)?(0x[0-9a-fA-F]+|\d+)\s*(?:(\+|\.\.)\s*(0x[0-9a-fA-F]+|\d+))?\s*([a-z,\s]*)$/.exec(text);
  if (!m) return { error: `'${text}' is not a GFN range (examples: 0x40000, 0x40000+0x200, 0x40000..0x401ff mfn,split)` };
  const from = Number(m[1]);
  const to = m[2] === '+' ? from + Number(m[3]) : m[2] === '..' ? Number(m[3]) + 1 : from + 1;
  const words = m[4].split(/[\s,]+/).filter(Boolean);
  const bad = words.find(w => !FILTER_WORDS.includes(w as ChangeFilter));
  if (bad) return { error: `unknown change filter '${bad}' (use mfn, type, perms, split)` };
  if (!(to > from)) return { error: `empty GFN range in '${text}'` };
  return { from, to, filter: words as ChangeFilter[] };
}

/** An IPA address + byte count (DAP `asAddress`/`bytes`) as the GFN range it covers. */
export function addressRange(address: string, bytes: number | undefined): GfnRange | { error: string } {
  let ipa: bigint;
  try { ipa = BigInt(address.trim()); } catch { return { error: `'${address}' is not an address` }; }
  if (ipa < 0n) return { error: 'negative address' };
  const len = BigInt(Math.max(1, bytes ?? 4096));
  const from = Number(ipa >> 12n);
  const to = Number((ipa + len + 4095n) >> 12n);
  return { from, to, filter: [] };
}
