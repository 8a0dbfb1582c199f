// Human-readable output of `p2m compare`: one column per strategy, one row per measure, then
// the translation verdict. The JSON form is compare.ts's CompareJson.
import type { CompareJson, StrategyJson } from './compare';

const ROWS: Array<[string, (s: StrategyJson) => string]> = [
  ['TLB flushes', s => String(s.tlbFlushes)],
  ['  by cause', s => Object.entries(s.flushesByCause).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || '-'],
  ['  wasted (nothing to invalidate)', s => String(s.wastedFlushes)],
  ['BBM violations', s => String(s.bbmViolations)],
  ['  by rule', s => Object.entries(s.violationsByRule).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || '-'],
  ['in-place valid overwrites', s => String(s.inPlaceValidWrites)],
  ['live PTE writes', s => String(s.livePteWrites)],
  ['writes into fresh pages', s => String(s.freshPteWrites)],
  ['table pages allocated', s => String(s.tablePages.allocated)],
  ['table pages freed', s => String(s.tablePages.freed)],
  ['Xen stats 1G/2M/4K', s => `${s.stats.mappings[1]}/${s.stats.mappings[2]}/${s.stats.mappings[3]}`],
  ['  shattered 1G/2M', s => `${s.stats.shattered[1]}/${s.stats.shattered[2]}`],
  ['true leaves 1G/2M/4K', s => `${s.leafCounts[1]}/${s.leafCounts[2]}/${s.leafCounts[3]}`],
  ['max_mapped_gfn', s => s.maxMappedGfn],
  ['failed calls', s => String(s.failedCalls)],
  ['expect lines not met', s => String(s.expectMismatches)],
  ['last operation (line):', s => (s.lastOp ? `line ${s.lastOp.line}` : '-')],
  ['  TLB flushes', s => (s.lastOp ? String(s.lastOp.tlbFlushes) : '-')],
  ['  BBM violations', s => (s.lastOp ? String(s.lastOp.bbmViolations) : '-')],
  ['  live PTE writes', s => (s.lastOp ? String(s.lastOp.livePteWrites) : '-')],
  ['  writes into fresh pages', s => (s.lastOp ? String(s.lastOp.freshPteWrites) : '-')],
  ['  table pages alloc/freed', s => (s.lastOp ? `${s.lastOp.tablePages.allocated}/${s.lastOp.tablePages.freed}` : '-')],
];

export function formatCompare(j: CompareJson, source: string): string {
  const names = Object.keys(j.strategies);
  const cells = ROWS.map(([label, f]) => [label, ...names.map(n => f(j.strategies[n]))]);
  const header = ['', ...names];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map(r => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  const out = [`${source}: ${names.length} strategies (whole trace, then the last operation alone)`, line(header), ...cells.map(line)];
  if (j.sameTranslation) out.push('final translation (GFN -> MFN, type, permissions): identical');
  else if (j.firstDifference) {
    const d = j.firstDifference;
    out.push(`final translation differs: first at domain ${d.domain} GFN ${d.gfn}`);
    for (const [n, t] of Object.entries(d.translations)) {
      out.push(`  ${n}: ${t ? `mfn ${t.mfn} ${t.type} ${t.perms} mattr 0x${t.mattr.toString(16)} sh ${t.sh}` : 'not mapped'}`);
    }
  }
  for (const n of names) {
    for (const v of j.strategies[n].firstViolations.slice(0, 3)) out.push(`  ${n}: ${v.rule}: ${v.message} (events ${v.events.join(',')})`);
  }
  return out.join('\n') + '\n';
}
