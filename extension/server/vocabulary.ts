// What a .p2mtrace line may contain, for completion, semantic tokens and quick fixes: the
// statements and their keys come from the parser's own table (engine/trace/p2mtrace-line.ts),
// the type and access names from engine/arch/types.ts, so the editor never disagrees with the
// replay about what is valid.
import { VERBS, canonicalVerb } from '../../engine/trace/p2mtrace-line';
import { P2M_ACCESS_NAMES, P2M_TYPE_NAMES } from '../../engine/arch/types';

/** Type names a trace may use (max_real_type is a sentinel, using it is a Xen BUG). */
export const TYPE_NAMES: readonly string[] = P2M_TYPE_NAMES.filter(n => n !== 'max_real_type');
export const ACCESS_NAMES: readonly string[] = P2M_ACCESS_NAMES;

export const STATEMENTS: readonly string[] = Object.keys(VERBS);
/** Statements that only structure the file (not operations on the p2m). */
export const STRUCTURAL = new Set(['config', 'domain', 'begin', 'end']);

export function statementKeys(verb: string): { required: string[]; optional: string[] } | undefined {
  const v = canonicalVerb(verb);
  return v === undefined ? undefined : VERBS[v];
}

export { canonicalVerb };

export const STATEMENT_DOCS: Record<string, string> = {
  config: 'Replay configuration (before the first operation): ipa_bits, mem_access, pool_pages, clean_pte, iommu, arch, strategy.',
  domain: 'Select (and declare) the domain whose p2m the following lines act on. One p2m per domain id.',
  p2m_set_entry: 'p2m_set_entry(gfn, nr, mfn, t, a) under the p2m write lock: chunked into 1G/2M/4K orders; the unlock flushes if needed.',
  __p2m_set_entry: 'One __p2m_set_entry chunk at a fixed order (0, 9 or 18) in its own locked section.',
  lookup: 'p2m_get_entry(gfn): show the translation at this point of the replay.',
  expect: 'Assert p2m_get_entry(gfn) at this point: mfn, t, a, order, valid.',
  mem_access: "`mem_access enable` or p2m_set_mem_access(gfn, nr, a).",
  invalidate_root: 'Set/way emulation: clear the valid bit of every root entry (p2m_invalidate_root).',
  resolve_fault: 'Stage-2 fault on gfn: p2m_resolve_translation_fault.',
  relinquish: 'relinquish_p2m_mapping: remove every mapping of a dying domain.',
  write_pte: 'Low-level store into a table page (checked by the break-before-make checker).',
  tlb_flush: 'Low-level TLB flush of the VMID.',
  dsb: 'Low-level data synchronisation barrier.',
  begin: 'Take the p2m write lock (group the following low-level lines).',
  end: 'Release the p2m write lock.',
};

export const KEY_DOCS: Record<string, string> = {
  gfn: 'Guest frame number (IPA >> 12).', nr: 'Number of 4K frames.', mfn: "Machine frame number, or 'invalid' to remove.",
  t: 'p2m type (Xen name without p2m_).', a: 'p2m access.', order: 'Page order: 0 (4K), 9 (2M) or 18 (1G).',
  d: 'Domain id (default: the current `domain`).', rc: 'Expected return code.', ipa_bits: 'IPA size: 32, 36, 40, 42, 44 or 48.',
  mem_access: '0 or 1.', pool_pages: "p2m pool size in pages, or 'unlimited'.", clean_pte: '0 or 1: clean PTEs to the point of coherency.',
  iommu: '0 or 1: the domain has an IOMMU sharing the p2m.', arch: 'arm64 or arm32.', strategy: 'Algorithm variant.',
  id: 'Domain id.', vmid: 'VMID.', hwdom: '0 or 1: hardware domain (tables from the heap).', valid: '0 or 1.',
  expect: '0 or 1: expected result of the fault resolution.', table: 'Table page MFN.', index: 'Entry index 0..511.',
  level: 'Table level 0..3.', old: 'Previous descriptor (64-bit).', new: 'New descriptor (64-bit).',
};

/** Fixed value choices per key (numbers are free-form and get no list). */
export function valueChoices(key: string): readonly string[] {
  switch (key) {
    case 't': return TYPE_NAMES;
    case 'a': return ACCESS_NAMES;
    case 'mfn': return ['invalid'];
    case 'arch': return ['arm64', 'arm32'];
    case 'pool_pages': return ['unlimited'];
    case 'ipa_bits': return ['32', '36', '40', '42', '44', '48'];
    case 'mem_access': case 'clean_pte': case 'iommu': case 'hwdom': case 'valid': case 'expect': return ['0', '1'];
    case 'order': return ['0', '9', '18'];
    default: return [];
  }
}

/** Keys whose value is a number (hex or decimal). */
export const NUMERIC_KEYS = new Set(['gfn', 'nr', 'mfn', 'order', 'd', 'id', 'vmid', 'rc', 'ipa_bits', 'pool_pages', 'table', 'index', 'level', 'old', 'new']);

/** Levenshtein distance, for "did you mean" fixes (inputs are short words). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Candidates closest to `word`, best first, within a distance that still looks like a typo. */
export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 2)));
  return candidates
    .map(c => ({ c, d: c.startsWith(word) || word.startsWith(c) ? 0.5 : editDistance(word, c) }))
    .filter(x => x.d <= limit)
    .sort((x, y) => x.d - y.d)
    .slice(0, max)
    .map(x => x.c);
}
