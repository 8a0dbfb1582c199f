// Scopes and variables of a stop: operation arguments, p2m state, the walk of the op's GFN,
// the TLB/flush picture, checker findings and the last event. Values are hex; descriptors
// expand into their decoded fields; table pages carry a memoryReference so VS Code's memory
// views show raw descriptors. Built lazily per expansion; handles reset at every stop.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ReplayRuntime } from '../../engine/replay/runtime';
import type { Position } from '../../engine/replay/position';
import type { WalkStep } from '../../engine/replay/position-state';
import type { Value, ValueRecord } from '../../engine/replay/expr/ast';
import { display } from '../../engine/replay/expr/evaluator';
import { eventValue } from '../../engine/replay/expr-env';
import { toValue } from '../../engine/replay/expr/evaluator';
import { describeStep, hex64, hexn, LEVEL_NAMES } from '../../engine/replay/format';
import { typeName } from '../../engine/arch/types';
import type { GfnRange } from '../../engine/replay/breakpoints';
import { tlbModelAt } from '../../engine/replay/tlb-view';

type Producer = () => DebugProtocol.Variable[];

export const tableMemoryRef = (domain: number, mfn: number) => `table:${domain}:${mfn.toString(16)}`;
export function parseTableMemoryRef(ref: string): { domain: number; mfn: number } | undefined {
  const m = /^table:(\d+):([0-9a-f]+)$/.exec(ref);
  return m ? { domain: Number(m[1]), mfn: parseInt(m[2], 16) } : undefined;
}

export class VariableStore {
  private handles = new Map<number, Producer>();
  private next = 1000;
  /** Variables that can carry a data breakpoint: `${ref}/${name}` → GFN range. */
  readonly dataRanges = new Map<string, GfnRange>();

  reset(): void { this.handles.clear(); this.dataRanges.clear(); this.next = 1000; }

  add(p: Producer): number { const id = this.next++; this.handles.set(id, p); return id; }
  get(ref: number): DebugProtocol.Variable[] { return this.handles.get(ref)?.() ?? []; }

  /** A value of the expression language as a (possibly expandable) variable. */
  valueVar(name: string, v: Value, evaluateName?: string): DebugProtocol.Variable {
    if (v !== null && typeof v === 'object') {
      const entries: Array<[string, Value]> = Array.isArray(v) ? (v as readonly Value[]).map((x, i) => [`[${i}]`, x]) : Object.entries(v as ValueRecord);
      return {
        name, value: display(v).slice(0, 200), evaluateName,
        variablesReference: this.add(() => entries.map(([k, x]) => this.valueVar(k, x, evaluateName ? (Array.isArray(v) ? `${evaluateName}${k}` : `${evaluateName}.${k}`) : undefined))),
      };
    }
    return { name, value: display(v), variablesReference: 0, evaluateName };
  }

  descriptorVar(name: string, d: bigint, level: number, domain: number): DebugProtocol.Variable {
    const lo = Number(d & 0xffff_ffffn), hi = Number(d >> 32n);
    const base = Number((d >> 12n) & 0xf_ffff_ffffn);
    const type = (hi >>> 23) & 0xf;
    // Tables hold a type today; 2016 strategies' tables have type 0 but bit 0 set.
    const isTable = level < 3 && (type !== 0 || (lo & 1) !== 0) && (lo & 2) !== 0;
    const fields: Array<[string, string]> = [
      ['valid (bit 0)', String((lo & 1) !== 0)],
      ['table (bit 1)', `${(lo & 2) !== 0}${level === 3 ? ' (page)' : isTable ? ' (table)' : ' (block)'}`],
      ['mattr (bits 2-5)', '0x' + ((lo >>> 2) & 0xf).toString(16)],
      ['read (bit 6)', String((lo & 0x40) !== 0)],
      ['write (bit 7)', String((lo & 0x80) !== 0)],
      ['sh (bits 8-9)', String((lo >>> 8) & 3)],
      ['af (bit 10)', String((lo & 0x400) !== 0)],
      [isTable ? 'next table mfn (bits 12-47)' : 'mfn (bits 12-47)', hexn(base)],
      ['contig (bit 52)', String((hi & (1 << 20)) !== 0)],
      ['xn (bit 54)', String((hi & (1 << 22)) !== 0)],
      ['type (bits 55-58)', `${typeName(type)} (${type})`],
    ];
    return {
      name, value: hex64(d), memoryReference: isTable ? tableMemoryRef(domain, base) : undefined,
      variablesReference: this.add(() => fields.map(([k, v]) => ({ name: k, value: v, variablesReference: 0 }))),
    };
  }

  walkStepVar(s: WalkStep, domain: number): DebugProtocol.Variable {
    const v = this.descriptorVar(`${LEVEL_NAMES[s.level]} [0x${s.index.toString(16).padStart(3, '0')}]`, s.descriptor, s.level, domain);
    v.value = describeStep(s).replace(/^\S+ /, '');
    v.memoryReference = tableMemoryRef(domain, s.table);
    return v;
  }
}

/** The scopes of a stop and their producers. */
export function buildScopes<S>(rt: ReplayRuntime<S>, store: VariableStore, pos: Position): DebugProtocol.Scope[] {
  const scopes: DebugProtocol.Scope[] = [];
  const op = rt.timeline.ops[pos.op];
  const dom = rt.domainAt(pos);
  if (op) {
    const ref = store.add(() => {
      const vars: DebugProtocol.Variable[] = [
        { name: 'op', value: String(pos.op), variablesReference: 0, evaluateName: 'op' },
        { name: 'kind', value: op.kind, variablesReference: 0, evaluateName: 'kind' },
        { name: 'domain', value: String(op.domain), variablesReference: 0, evaluateName: 'domain' },
      ];
      for (const [k, v] of Object.entries(op.args)) {
        const val = typeof v === 'number' ? hexn(v) : typeof v === 'bigint' ? '0x' + v.toString(16) : String(v);
        vars.push({ name: k, value: val, variablesReference: 0, evaluateName: k });
      }
      const rc = rt.rcOf(pos.op);
      vars.push({ name: 'rc', value: rc === undefined ? '?' : String(rc), variablesReference: 0, evaluateName: 'rc' });
      vars.push({ name: 'line', value: String(op.loc.line), variablesReference: 0 });
      if (typeof op.args.gfn === 'number') {
        const n = typeof op.args.nr === 'number' ? op.args.nr : 1;
        store.dataRanges.set(`${refOf}/gfn`, { domain: op.domain, from: op.args.gfn, to: op.args.gfn + Math.max(1, n), filter: [] });
      }
      return vars;
    });
    const refOf = ref;
    scopes.push({ name: `Operation: ${op.label}`.slice(0, 120), presentationHint: 'arguments', variablesReference: ref, expensive: false });
  }
  scopes.push({
    name: `p2m (domain ${dom})`, presentationHint: 'locals', expensive: false,
    variablesReference: store.add(() => {
      const st = rt.stateAt(pos, dom);
      const s = st.stats(), t = st.trueCounts(), pool = st.pool();
      const root = st.view.rootMfns;
      const low = st.lowestMappedGfn();
      return [
        { name: 'max_mapped_gfn', value: hexn(st.maxMappedGfn()), variablesReference: 0, evaluateName: 'max_mapped_gfn' },
        { name: 'lowest_mapped_gfn', value: low < 0 ? 'ULONG_MAX' : hexn(low), variablesReference: 0, evaluateName: 'lowest_mapped_gfn' },
        { name: 'need_flush', value: String(st.needFlush()), variablesReference: 0, evaluateName: 'need_flush' },
        store.valueVar('stats', toValue({ mappings: s.mappings, shattered: s.shattered }), 'stats'),
        store.valueVar('true_counts', toValue(t), 'true_counts'),
        store.valueVar('pool', toValue({ ...pool }), 'pool'),
        { name: 'vmid', value: String(st.view.vmid), variablesReference: 0, evaluateName: 'vmid' },
        {
          name: 'root', value: `${LEVEL_NAMES[st.view.rootLevel]} × ${root.length} page(s) at ${root.map(hexn).join(', ')}`,
          memoryReference: root.length ? tableMemoryRef(dom, root[0]) : undefined,
          variablesReference: store.add(() => root.map((m, k) => ({ name: `root[${k}]`, value: hexn(m), memoryReference: tableMemoryRef(dom, m), variablesReference: 0 }))),
        },
      ];
    }),
  });
  const gfn = op && typeof op.args.gfn === 'number' ? op.args.gfn : undefined;
  if (gfn !== undefined) {
    scopes.push({
      name: `Walk gfn ${hexn(gfn)}`, presentationHint: 'registers', expensive: false,
      variablesReference: store.add(() => {
        const w = rt.stateAt(pos, dom).walk(gfn);
        return w.length ? w.map(s => store.walkStepVar(s, dom)) : [{ name: 'root check', value: 'GFN rejected (-EINVAL)', variablesReference: 0 }];
      }),
    });
  }
  scopes.push({
    name: 'TLB', presentationHint: 'registers', expensive: false,
    variablesReference: store.add(() => tlbVars(rt, store, pos)),
  });
  scopes.push({
    name: 'Findings so far', expensive: false,
    variablesReference: store.add(() => findingVars(rt, pos)),
  });
  const last = rt.lastEventAt(pos);
  if (last >= 0) {
    scopes.push({
      name: `Last event (#${last})`, expensive: false,
      variablesReference: store.add(() => {
        const ev = rt.events.get(last);
        const v = toValue(eventValue(ev));
        return Object.entries(v as ValueRecord).map(([k, x]) => {
          if (typeof x === 'bigint' && (k === 'old' || k === 'new') && ev.kind === 'pteWrite') return store.descriptorVar(k, x, ev.level, dom);
          return store.valueVar(k, x);
        });
      }),
    });
  }
  return scopes;
}

function tlbVars<S>(rt: ReplayRuntime<S>, store: VariableStore, pos: Position): DebugProtocol.Variable[] {
  // Flushes by cause up to the cursor (what was invalidated when), and whether a deferred
  // flush is pending. Xen only ever flushes the whole VMID.
  const end = pos.op >= rt.opCount ? rt.events.length : rt.timeline.opStart[pos.op] + pos.event;
  const st = rt.stateAt(pos, rt.domainAt(pos));
  const s = rt.flushIndex().summary(st.view.vmid, end);
  const vars: DebugProtocol.Variable[] = [
    { name: 'need_flush', value: String(st.needFlush()), variablesReference: 0 },
    { name: 'flushes (VMID-wide)', value: String(s.total), variablesReference: 0 },
  ];
  for (const [c, n] of s.byCause) vars.push({ name: `  ${c}`, value: String(n), variablesReference: 0 });
  vars.push({ name: 'last flush event', value: s.lastEvent < 0 ? 'none' : `#${s.lastEvent} (op ${rt.timeline.opOfEvent(s.lastEvent)})`, variablesReference: 0 });
  // The TLB model (engine/tlb) replays the domain's events up to the cursor: linear in the
  // events, so it is skipped past TLB_MODEL_LIMIT events to keep the view responsive.
  if (end > TLB_MODEL_LIMIT) {
    vars.push({ name: 'TLB model', value: `not shown past ${TLB_MODEL_LIMIT} events (cursor at event ${end})`, variablesReference: 0 });
    return vars;
  }
  const model = tlbModelAt(rt.events, rt.domainAt(pos), st.view.vmid, end);
  const op = rt.timeline.ops[pos.op];
  vars.push({ name: 'cached entries (leaf + walk)', value: String(model.size), variablesReference: 0 });
  if (op && typeof op.args.gfn === 'number') {
    const c = model.cachedLeaf(op.args.gfn);
    vars.push(c ? store.descriptorVar(`cached leaf for gfn ${hexn(op.args.gfn)} (L${c.level})`, c.descriptor, c.level, rt.domainAt(pos))
      : { name: `cached leaf for gfn ${hexn(op.args.gfn)}`, value: 'none', variablesReference: 0 });
  }
  vars.push(store.valueVar('model counters', toValue({ ...model.counts })));
  vars.push({
    name: 'stale-translation hazards so far', value: String(model.hazards.length),
    variablesReference: model.hazards.length ? store.add(() => model.hazards.slice(-100).map((h, i) => ({ name: `${i}: ${h.kind}`, value: h.message, variablesReference: 0 }))) : 0,
  });
  return vars;
}

const TLB_MODEL_LIMIT = 2_000_000;

function findingVars<S>(rt: ReplayRuntime<S>, pos: Position): DebugProtocol.Variable[] {
  const end = pos.op >= rt.opCount ? rt.events.length : rt.timeline.opStart[pos.op] + pos.event;
  const sites = rt.knownSites().filter(s => (s.event >= 0 ? s.event < end : s.op < pos.op));
  const note: DebugProtocol.Variable[] = rt.findingsComputed ? [] : [{
    name: '(BBM checker)', value: "not run yet: enable the 'Break-before-make violation' exception filter to check this trace", variablesReference: 0,
  }];
  if (sites.length === 0) return [...note, { name: '(none)', value: 'no BBM violation, assertion, drift or error return so far', variablesReference: 0 }];
  return [...note, ...sites.slice(-200).map(s => ({
    name: `op ${s.op}: ${s.filter}`, value: `${s.rule}: ${s.message}`.slice(0, 300), variablesReference: 0,
  }))];
}

export { toValue };
