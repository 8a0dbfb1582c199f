// .p2mtrace writer: one statement per record, in the grammar of docs/p2mtrace.md, so any
// reader's output can be saved, edited by hand and replayed. `formatStatement` is also used
// by the console writer, because our instrumented printk line is a .p2mtrace statement.

import { INVALID_MFN, P2M_ACCESSES, ARM_P2M_TYPES, TraceConfig, TraceRecord, DEFAULT_DOMAIN } from './records';

export interface StatementOptions {
  /** Print t= and a= as numbers (Arm 4.12+ values), as an instrumented Xen printk would. */
  numeric?: boolean;
  /** Append cpu=/tsc= so a conversion back to xentrace keeps them. */
  withOrigin?: boolean;
  /** Always print d= (otherwise only when it differs from the current domain). */
  alwaysDomain?: boolean;
  currentDomain?: number;
}

const hx = (n: number | bigint): string => '0x' + n.toString(16);
const mfnText = (m: number): string => (m === INVALID_MFN ? 'invalid' : hx(m));

/** One statement line (no newline), or undefined for records with no statement form. */
export function formatStatement(r: TraceRecord, o: StatementOptions = {}): string | undefined {
  const cur = o.currentDomain ?? DEFAULT_DOMAIN;
  const d = (dom: number): string => (o.alwaysDomain || dom !== cur ? ` d=${dom}` : '');
  const ty = (t: string): string => (o.numeric ? String(ARM_P2M_TYPES.indexOf(t as (typeof ARM_P2M_TYPES)[number])) : t);
  // A C printk prints INVALID_MFN as all ones, so the numeric (console) form does too.
  const mf = (m: number): string => (o.numeric && m === INVALID_MFN ? '0xffffffffffffffff' : mfnText(m));
  const ac = (a: string): string => (o.numeric ? String(P2M_ACCESSES.indexOf(a as (typeof P2M_ACCESSES)[number])) : a);
  let s: string;
  switch (r.kind) {
    case 'config': {
      const parts = ['config'];
      if (r.ipaBits !== undefined) parts.push(`ipa_bits=${r.ipaBits}`);
      if (r.memAccess !== undefined) parts.push(`mem_access=${r.memAccess ? 1 : 0}`);
      if (r.poolPages !== undefined) parts.push(`pool_pages=${r.poolPages}`);
      if (r.cleanPte !== undefined) parts.push(`clean_pte=${r.cleanPte ? 1 : 0}`);
      if (r.iommu !== undefined) parts.push(`iommu=${r.iommu ? 1 : 0}`);
      if (r.arch !== undefined) parts.push(`arch=${r.arch}`);
      if (r.strategy !== undefined) parts.push(`strategy=${r.strategy}`);
      return parts.join(' ');
    }
    case 'domain': {
      let t = `domain ${r.domain}`;
      if (r.vmid !== undefined) t += ` vmid=${r.vmid}`;
      if (r.poolPages !== undefined) t += ` pool_pages=${r.poolPages}`;
      if (r.hardwareDomain !== undefined) t += ` hwdom=${r.hardwareDomain ? 1 : 0}`;
      return t;
    }
    case 'setEntry':
      s = `p2m_set_entry${d(r.domain)} gfn=${hx(r.gfn)} nr=${hx(r.nr)} mfn=${mf(r.mfn)} t=${ty(r.type)} a=${ac(r.access)}`;
      if (r.rc !== undefined) s += ` rc=${r.rc}`;
      break;
    case 'setAtOrder':
      s = `__p2m_set_entry${d(r.domain)} gfn=${hx(r.gfn)} order=${r.order} mfn=${mf(r.mfn)} t=${ty(r.type)} a=${ac(r.access)}`;
      break;
    case 'lookup': s = `lookup${d(r.domain)} gfn=${hx(r.gfn)}`; break;
    case 'expect': {
      s = `expect${d(r.domain)} gfn=${hx(r.gfn)}`;
      if (r.mfn !== undefined) s += ` mfn=${mfnText(r.mfn)}`;
      if (r.type !== undefined) s += ` t=${ty(r.type)}`;
      if (r.access !== undefined) s += ` a=${ac(r.access)}`;
      if (r.order !== undefined) s += ` order=${r.order}`;
      if (r.valid !== undefined) s += ` valid=${r.valid ? 1 : 0}`;
      break;
    }
    case 'memAccess':
      s = r.enable ? `mem_access enable${d(r.domain)}`
        : `mem_access${d(r.domain)} gfn=${hx(r.gfn ?? 0)} nr=${hx(r.nr ?? 0)} a=${ac(r.access ?? 'rwx')}`;
      break;
    case 'invalidateRoot': s = `invalidate_root${d(r.domain)}`; break;
    case 'resolveFault':
      s = `resolve_fault${d(r.domain)} gfn=${hx(r.gfn)}${r.expect !== undefined ? ` expect=${r.expect ? 1 : 0}` : ''}`;
      break;
    case 'relinquish': s = `relinquish${d(r.domain)}`; break;
    case 'writePte':
      s = `write_pte${d(r.domain)} table=${hx(r.table)} index=${r.index}${r.level !== undefined ? ` level=${r.level}` : ''} old=${hx(r.old)} new=${hx(r.new)}`;
      break;
    case 'tlbFlush': s = `tlb_flush${d(r.domain)}${r.vmid !== undefined ? ` vmid=${r.vmid}` : ''}`; break;
    case 'dsb': s = `dsb${d(r.domain)}`; break;
    case 'beginLock': s = `begin${d(r.domain)}`; break;
    case 'endLock': s = `end${d(r.domain)}`; break;
    case 'checkpointDumpInfo':
      s = `expect_stats${d(r.domain)} vmid=${r.vmid} map1g=${r.mappings[1]} sh1g=${r.shattered[1]} map2m=${r.mappings[2]} sh2m=${r.shattered[2]} map4k=${r.mappings[3]}`;
      break;
    case 'checkpointLookup': {
      s = `expect_walk${d(r.domain)} ipa=${hx(r.ipa)}`;
      if (r.rootMfn !== undefined) s += ` root_mfn=${hx(r.rootMfn)}`;
      if (r.concatenatedRoot !== undefined) s += ` concat=${r.concatenatedRoot}`;
      if (r.invalidRootOffset) s += ' invalid_root=1';
      for (const l of r.lines) s += ` l${l.level}=${hx(l.index)}:${hx(l.descriptor)}`;
      break;
    }
    case 'lostRecords':
      s = `lost_records cpu=${r.cpu} count=${r.count} d=${r.domain} vcpu=${r.vcpu} first_tsc=${r.firstTsc}`;
      if (o.withOrigin && r.loc.tsc !== undefined) s += ` tsc=${r.loc.tsc}`;
      return s;
    case 'otherMem': {
      s = `mem_event ev=${r.event} d=${r.domain}`;
      if (r.gfn !== undefined) s += ` gfn=${hx(r.gfn)}`;
      if (r.mfn !== undefined) s += ` mfn=${mfnText(r.mfn)}`;
      if (r.order !== undefined) s += ` order=${r.order}`;
      break;
    }
    case 'opaque':
      s = `trace_event id=${hx(r.event)}${r.words.length > 0 ? ` words=${r.words.map(w => hx(w >>> 0)).join(',')}` : ''}`;
      break;
    default: return undefined;
  }
  if (o.withOrigin) {
    if (r.loc.cpu !== undefined) s += ` cpu=${r.loc.cpu}`;
    if (r.loc.tsc !== undefined) s += ` tsc=${r.loc.tsc}`;
  }
  return s;
}

export interface P2mTraceWriteOptions extends StatementOptions {
  /** Header comment lines (without `#`). */
  header?: string[];
  config?: TraceConfig;
}

/**
 * Serialise records as a .p2mtrace document. A config statement is written first when
 * `config` is given; `domain` lines are emitted whenever the domain changes so statements
 * stay short.
 */
export function writeP2mTrace(records: Iterable<TraceRecord>, o: P2mTraceWriteOptions = {}): string {
  const out: string[] = [];
  for (const h of o.header ?? []) out.push(`# ${h}`);
  const c = o.config;
  if (c !== undefined && Object.values(c).some(v => v !== undefined)) {
    const line = formatStatement({ kind: 'config', ...c, loc: { source: '', line: 0, column: 0, byteOffset: 0 } });
    if (line !== undefined) out.push(line);
  }
  let cur = DEFAULT_DOMAIN;
  for (const r of records) {
    if (r.kind === 'config' && c !== undefined) continue; // already folded into the header
    if (r.kind === 'domain') cur = r.domain;
    const line = formatStatement(r, { ...o, currentDomain: cur });
    if (line !== undefined) out.push(line);
  }
  return out.join('\n') + '\n';
}
