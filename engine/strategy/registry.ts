// The strategy registry: names, descriptions and parsing of `--strategy` / `strategy=` values.
// `upstream` is today's Xen (engine/p2m); `xen-4.8` and `legacy` are the 2016 variants
// (p2m-model.md §6, §10) implemented in this folder.

export const STRATEGY_NAMES = ['upstream', 'xen-4.8', 'legacy'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyInfo {
  name: StrategyName;
  title: string;
  description: string;
}

export const STRATEGIES: Readonly<Record<StrategyName, StrategyInfo>> = {
  upstream: {
    name: 'upstream', title: 'Current Xen (break-before-make)',
    description: 'p2m_set_entry/__p2m_set_entry as in Xen master: split off-line, break, flush, make; typed tables.',
  },
  'xen-4.8': {
    name: 'xen-4.8', title: 'First BBM code (Sept 2016)',
    description: 'The 2016 BBM code: 4K removals (INVALID_MFN in the order mask), exclusive max_mapped_gfn, free before the IOMMU flush, type-0 tables, 2016 type enumeration. Toggle rfc-missing-else.',
  },
  legacy: {
    name: 'legacy', title: 'apply_p2m_changes (before BBM)',
    description: 'apply_p2m_changes/apply_one_level: in-place shatter and overwrite, one flush at the end of the call, refcount table reclaim.',
  },
};

/** Accepts the canonical names plus a few spellings (xen48, 4.8, bbm). Undefined when unknown. */
export function parseStrategy(s: string | undefined): StrategyName | undefined {
  if (s === undefined) return undefined;
  const t = s.trim().toLowerCase();
  if ((STRATEGY_NAMES as readonly string[]).includes(t)) return t as StrategyName;
  if (t === 'xen48' || t === '4.8' || t === 'xen-4.8-rfc' || t === '2016-bbm') return 'xen-4.8';
  if (t === 'current' || t === 'master' || t === 'bbm') return 'upstream';
  if (t === 'apply_p2m_changes' || t === 'pre-bbm' || t === 'old') return 'legacy';
  return undefined;
}

/** Parses a comma-separated list; unknown names are returned in `unknown`. */
export function parseStrategyList(s: string): { strategies: StrategyName[]; unknown: string[] } {
  const strategies: StrategyName[] = [];
  const unknown: string[] = [];
  for (const part of s.split(',').map(x => x.trim()).filter(x => x !== '')) {
    const n = parseStrategy(part);
    if (n === undefined) unknown.push(part);
    else if (!strategies.includes(n)) strategies.push(n);
  }
  return { strategies, unknown };
}
