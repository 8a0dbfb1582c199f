// Handlers of the custom requests declared in extension/lsp-protocol.ts (state at line,
// regions, walk): they convert the replay's views to the wire form (hex strings) in one place.
import type { DocAnalysis } from '../analysis';
import type {
  LinePointParams, RegionsParams, RegionsResult, StateAtLineResult, WalkParams, WalkResult,
} from '../../lsp-protocol';
import { hex, hexBig, parseNumber } from '../format';

const ZERO4: [number, number, number, number] = [0, 0, 0, 0];

export function stateAtLine(a: DocAnalysis | undefined, p: LinePointParams): StateAtLineResult {
  const s = a?.replay.ready ? a.replay.stateAt(p.line, p.domain) : undefined;
  if (!a || !s) {
    return {
      ready: false, domain: p.domain ?? 1, domains: [], opIndex: -1, opCount: a?.replay.opCount ?? 0,
      stats: { mappings: [...ZERO4], shattered: [...ZERO4] }, maxMappedGfn: '0x0', lowestMappedGfn: hex(-1), tlbFlushes: 0, dumpInfo: '',
    };
  }
  return {
    ready: true, domain: s.domain, domains: s.domains, opIndex: s.opIndex, opCount: a.replay.opCount, stats: s.stats,
    maxMappedGfn: hex(s.maxMappedGfn), lowestMappedGfn: hex(s.lowestMappedGfn), tlbFlushes: s.tlbFlushes, dumpInfo: s.dumpInfo,
  };
}

export function regions(a: DocAnalysis | undefined, p: RegionsParams): RegionsResult {
  if (!a?.replay.ready) return { ready: false, regions: [], truncated: false };
  const limit = Math.max(1, Math.min(p.limit ?? 1000, 100_000));
  const from = p.fromGfn !== undefined ? parseNumber(p.fromGfn) ?? 0 : 0;
  const to = p.toGfn !== undefined ? parseNumber(p.toGfn) ?? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  const all = a.replay.regionsAt(p.line, p.domain, limit + 1, from, to);
  return {
    ready: true, truncated: all.length > limit,
    regions: all.slice(0, limit).map(r => ({ gfn: hex(r.gfn), count: r.count, mfn: hex(r.mfn), type: r.type, access: r.access, level: r.level })),
  };
}

export function walk(a: DocAnalysis | undefined, p: WalkParams): WalkResult {
  const gfn = parseNumber(p.gfn);
  const empty: WalkResult = { ready: false, steps: [], mfn: hex(-1), type: 'invalid', order: 0, valid: false };
  if (!a?.replay.ready || gfn === undefined) return empty;
  const r = a.replay.lookupAt(p.line, p.domain, gfn);
  const steps = a.replay.walkAt(p.line, p.domain, gfn);
  return {
    ready: true,
    steps: steps.map(s => ({ level: s.level, table: hex(s.table), index: s.index, descriptor: hexBig(s.descriptor), decoded: s.decoded })),
    mfn: hex(r?.mfn ?? -1), type: r?.type ?? 'invalid', order: r?.order ?? 0, valid: r?.valid ?? false,
  };
}
