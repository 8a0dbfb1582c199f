// The names and functions conditions, watches, hovers and log points can use at a position.
//
// Operation arguments (`gfn`, `nr`, `mfn`, `order`, `type`, `access`, `kind`, `rc`, `op`, `line`,
// `domain`), p2m state (`max_mapped_gfn`, `lowest_mapped_gfn`, `need_flush`, `stats`,
// `true_counts`, `pool`, `vmid`), the event just executed (`event`), the innermost frame
// (`frame`), a data breakpoint's `change`, and type/access names as symbols so
// `type == mmio_direct_dev` reads naturally. Everything is computed on first use.

import { P2M_ACCESS_NAMES, P2M_TYPE_NAMES } from '../arch/types';
import type { HostValue, Value } from './expr/ast';
import type { ExprEnv } from './expr/evaluator';
import type { MachineOp } from './backend';
import type { PositionState } from './position-state';
import type { P2mEvent } from '../p2m/events';
import type { TranslationChange } from './change-index';

export interface EnvContext {
  opIndex: number;
  op: MachineOp | undefined;
  rc: number | undefined;
  state: () => PositionState;
  lastEvent?: () => P2mEvent | undefined;
  frame?: () => { name: string; level?: number; gfn?: number } | undefined;
  change?: TranslationChange;
}

const SYMBOLS = new Set<string>([...P2M_TYPE_NAMES, ...P2M_ACCESS_NAMES]);

export const ENV_NAMES = ['gfn', 'nr', 'mfn', 'order', 'type', 'access', 'kind', 'rc', 'op', 'line', 'domain',
  'max_mapped_gfn', 'lowest_mapped_gfn', 'need_flush', 'stats', 'true_counts', 'pool', 'vmid', 'event', 'frame', 'change'];
export const ENV_FUNCTIONS = ['lookup', 'walk'];

export function eventValue(ev: P2mEvent): HostValue {
  switch (ev.kind) {
    case 'diagnostic': return { kind: ev.kind, code: ev.diag.code, severity: ev.diag.severity, message: ev.diag.message };
    default: {
      const rec: Record<string, HostValue> = {};
      for (const [k, v] of Object.entries(ev)) rec[k] = v as HostValue;
      return rec;
    }
  }
}

export function makeEnv(ctx: EnvContext): ExprEnv {
  const args = ctx.op?.args ?? {};
  const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  return {
    lookup(name: string): HostValue {
      if (own(args, name)) return args[name];
      switch (name) {
        case 'kind': return ctx.op?.kind;
        case 'rc': return ctx.rc ?? null;
        case 'op': return ctx.opIndex;
        case 'line': return ctx.op?.loc.line;
        case 'domain': return ctx.op?.domain;
        case 'max_mapped_gfn': return ctx.state().maxMappedGfn();
        case 'lowest_mapped_gfn': { const v = ctx.state().lowestMappedGfn(); return v < 0 ? 0xffff_ffff_ffff_ffffn : v; }
        case 'need_flush': return ctx.state().needFlush();
        case 'stats': return ctx.state().stats();
        case 'true_counts': return ctx.state().trueCounts();
        case 'pool': return { ...ctx.state().pool() };
        case 'vmid': return ctx.state().view.vmid;
        case 'event': { const e = ctx.lastEvent?.(); return e ? eventValue(e) : null; }
        case 'frame': { const f = ctx.frame?.(); return f ? { name: f.name, level: f.level, gfn: f.gfn } : null; }
        case 'change': return ctx.change ? { ...ctx.change } : null;
      }
      // Type and access names evaluate to themselves, so `type == ram_rw` and `access == rwx` work.
      if (SYMBOLS.has(name)) return name;
      // Absent op arguments read as null (a lookup op has no `mfn`), so conditions over mixed ops stay valid.
      if (['gfn', 'nr', 'mfn', 'order', 'type', 'access'].includes(name)) return null;
      return undefined;
    },
    call(name: string, a: Value[]): HostValue {
      const gfn = typeof a[0] === 'bigint' ? Number(a[0]) : undefined;
      if (gfn === undefined) return undefined;
      if (name === 'lookup') {
        const r = ctx.state().lookup(gfn);
        return { mfn: r.mfn < 0 ? 'invalid' : r.mfn, type: r.type, access: r.access, order: r.order, valid: r.valid };
      }
      if (name === 'walk') {
        return ctx.state().walk(gfn).map(s => ({ level: s.level, table: s.table, index: s.index, descriptor: s.descriptor, role: s.role }));
      }
      return undefined;
    },
  };
}
