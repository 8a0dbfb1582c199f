// Output of `p2m replay`: the JSON contract (rc, stats, leafCounts, tlbFlushes, tablePages,
// max/lowest mapped GFN, diagnostics, optional leaves) and the human-readable summary.
// 64-bit values cross JSON as hex strings, converted here only.
import { hex64, toBig } from '../arch/descriptor';
import { errnoName } from '../p2m/config';
import type { P2m } from '../p2m/p2m';
import type { TraceRun } from './run-trace';

/** GFN as hex; the ULONG_MAX sentinel (-1) prints as 0xffffffffffffffff. */
export function gfnHex(g: number): string {
  return g < 0 ? '0xffffffffffffffff' : '0x' + g.toString(16);
}

export interface ReplayJson {
  rc: number[];
  stats: { mappings: number[]; shattered: number[] };
  leafCounts: number[];
  tlbFlushes: number;
  tablePages: { allocated: number; freed: number };
  maxMappedGfn: string;
  lowestMappedGfn: string;
  diagnostics: { op: number; line: number; kind: string; message: string }[];
  leaves?: { gfn: string; level: number; pte: string }[];
  flushesByCause: Record<string, number>;
  /** Algorithm replayed (upstream | xen-4.8 | legacy). */
  strategy: string;
  domains?: { domain: number; vmid: number; stats: { mappings: number[]; shattered: number[] }; maxMappedGfn: string; lowestMappedGfn: string }[];
}

export function replayJson(run: TraceRun, withLeaves: boolean): ReplayJson {
  const p = run.primary();
  const s = p.stats();
  let flushes = 0, allocated = 0, freed = 0;
  const byCause: Record<string, number> = {};
  for (const d of run.domains.values()) {
    const ds = d.stats();
    flushes += ds.tlbFlushes; allocated += ds.tablePages.allocated; freed += ds.tablePages.freed;
    for (const [k, v] of Object.entries(ds.flushesByCause)) byCause[k] = (byCause[k] ?? 0) + v;
  }
  const out: ReplayJson = {
    rc: run.rc,
    stats: { mappings: s.mappings, shattered: s.shattered },
    leafCounts: s.leafCounts,
    tlbFlushes: flushes,
    tablePages: { allocated, freed },
    maxMappedGfn: gfnHex(s.maxMappedGfn),
    lowestMappedGfn: gfnHex(s.lowestMappedGfn),
    diagnostics: run.diagnostics().map(d => ({ op: d.op, line: d.line, kind: d.kind, message: d.message })),
    flushesByCause: byCause,
    strategy: run.strategy,
  };
  if (withLeaves) out.leaves = p.leaves().map(l => ({ gfn: gfnHex(l.gfn), level: l.level, pte: hex64(toBig(l.lo, l.hi)) }));
  if (run.domains.size > 1) {
    out.domains = [...run.domains].map(([domain, d]) => {
      const ds = d.stats();
      return { domain, vmid: d.config.vmid, stats: { mappings: ds.mappings, shattered: ds.shattered }, maxMappedGfn: gfnHex(ds.maxMappedGfn), lowestMappedGfn: gfnHex(ds.lowestMappedGfn) };
    });
  }
  return out;
}

/**
 * The JSON text: one line per top-level field, each value compact, so a 1M-call `rc` array
 * is one line instead of a million (still one JSON object for any parser).
 */
export function stringifyReplay(j: ReplayJson): string {
  const parts = Object.entries(j).filter(([, v]) => v !== undefined).map(([k, v]) => {
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object') {
      return `  ${JSON.stringify(k)}: [\n${v.map(x => '    ' + JSON.stringify(x)).join(',\n')}\n  ]`;
    }
    return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}

export function replaySummary(run: TraceRun, source: string): string {
  const lines: string[] = [];
  const failures = run.rc.map((rc, i) => [rc, i] as const).filter(([rc]) => rc !== 0);
  lines.push(`${source}: ${run.opsApplied} operations, ${run.rc.length} p2m_set_entry calls, ${failures.length} failed`);
  if (run.strategy !== 'upstream') lines.push(`strategy: ${run.strategy}`);
  for (const [rc, i] of failures.slice(0, 20)) lines.push(`  call #${i + 1}: ${errnoName(rc)} (${rc})`);
  if (failures.length > 20) lines.push(`  … ${failures.length - 20} more`);
  for (const [dom, p] of run.domains) lines.push(...domainSummary(dom, p));
  const diags = run.diagnostics();
  lines.push(`diagnostics: ${diags.length}`);
  for (const d of diags.slice(0, 50)) lines.push(`  ${source}:${d.line}: [op ${d.op}] ${d.kind}: ${d.message}`);
  if (diags.length > 50) lines.push(`  … ${diags.length - 50} more`);
  return lines.join('\n') + '\n';
}

function domainSummary(dom: number, p: P2m): string[] {
  const s = p.stats(), g = p.geometry;
  const causes = Object.entries(s.flushesByCause).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `domain ${dom} (vmid ${p.config.vmid}): ${g.arch} ${g.ipaBits}-bit IPA, root L${g.rootLevel} × ${g.rootPages}, VTCR 0x${g.vtcr.toString(16)}, VTTBR 0x${p.vttbr.toString(16).padStart(16, '0')}`,
    `  TLB flushes: ${s.tlbFlushes}${causes ? ` (${causes})` : ''}`,
    `  table pages: ${s.tablePages.allocated} allocated, ${s.tablePages.freed} freed, ${s.tablePages.inUse} in use`,
    `  max_mapped_gfn ${gfnHex(s.maxMappedGfn)}, lowest_mapped_gfn ${gfnHex(s.lowestMappedGfn)}`,
    `  true leaf counts 1G/2M/4K: ${s.leafCounts[1]}/${s.leafCounts[2]}/${s.leafCounts[3]}`,
    ...p.dumpInfo(true).trimEnd().split('\n'),
  ];
}
