// The final translation of a p2m as coalesced runs (GFN → MFN, type, permissions, attributes),
// independent of how it is stored: 514 × 4K pages and 4K + 2M + 4K describe the same memory, so
// runs merge across entries and levels. Types are compared in the 2016 enumeration, the finest
// one every strategy can express (map_foreign_rw/ro and the two mmio_direct_nc meanings
// collapse there; see strategy/old-encoding.ts).
import { baseOf } from '../arch/descriptor';
import { typeName } from '../arch/types';
import type { P2m } from '../p2m/p2m';
import { strategyOf } from '../strategy/create-p2m';
import { fromOldType, toOldType } from '../strategy/old-encoding';

export interface TranslationRun {
  gfn: number;
  count: number;
  mfn: number;
  /** Current type value (as lookup reports it). */
  type: number;
  /** Hardware permissions: r, w, x (x = not xn). */
  perms: string;
  mattr: number;
  sh: number;
  /** Comparison key: 2016 type value, perms, attributes. */
  key: string;
}

export function translationRuns(p: P2m): TranslationRun[] {
  const out: TranslationRun[] = [];
  let cur: TranslationRun | undefined;
  const old = strategyOf(p) !== 'upstream';
  for (const l of p.leaves()) {
    if ((l.lo & 1) === 0) continue; // not hw-valid: no translation (set/way-invalidated entries)
    const size = 2 ** ((3 - l.level) * 9);
    const mfn = baseOf(l.lo, l.hi);
    const raw = (l.hi >>> 23) & 0xf, type = old ? fromOldType(raw) : raw;
    const perms = `${l.lo & 0x40 ? 'r' : '-'}${l.lo & 0x80 ? 'w' : '-'}${l.hi & 0x0040_0000 ? '-' : 'x'}`;
    const mattr = (l.lo >>> 2) & 0xf, sh = (l.lo >>> 8) & 3;
    const key = `${toOldType(type)}|${perms}|${mattr}|${sh}`;
    if (cur && cur.gfn + cur.count === l.gfn && cur.mfn + cur.count === mfn && cur.key === key) { cur.count += size; continue; }
    cur = { gfn: l.gfn, count: size, mfn, type, perms, mattr, sh, key };
    out.push(cur);
  }
  return out;
}

/** What one strategy maps at a GFN (null = hole). JSON-ready: numbers as hex strings. */
export interface TranslationAt { mfn: string; type: string; perms: string; mattr: number; sh: number }

export function translationAt(runs: readonly TranslationRun[], gfn: number): TranslationAt | null {
  const r = findRun(runs, gfn);
  if (!r) return null;
  return { mfn: '0x' + (r.mfn + gfn - r.gfn).toString(16), type: typeName(r.type), perms: r.perms, mattr: r.mattr, sh: r.sh };
}

function findRun(runs: readonly TranslationRun[], gfn: number): TranslationRun | undefined {
  let lo = 0, hi = runs.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1, r = runs[m];
    if (gfn < r.gfn) hi = m - 1;
    else if (gfn >= r.gfn + r.count) lo = m + 1;
    else return r;
  }
  return undefined;
}

/** The lowest GFN where two run lists translate differently, or undefined when identical. */
export function firstDifferingGfn(a: readonly TranslationRun[], b: readonly TranslationRun[]): number | undefined {
  let i = 0, j = 0, g = 0;
  for (;;) {
    while (i < a.length && a[i].gfn + a[i].count <= g) i++;
    while (j < b.length && b[j].gfn + b[j].count <= g) j++;
    const ra = i < a.length ? a[i] : undefined, rb = j < b.length ? b[j] : undefined;
    if (!ra && !rb) return undefined;
    const inA = ra !== undefined && ra.gfn <= g, inB = rb !== undefined && rb.gfn <= g;
    if (!inA && !inB) { g = Math.min(ra?.gfn ?? Infinity, rb?.gfn ?? Infinity); continue; }
    if (inA !== inB) return g;
    if (ra!.key !== rb!.key || ra!.mfn + (g - ra!.gfn) !== rb!.mfn + (g - rb!.gfn)) return g;
    g = Math.min(ra!.gfn + ra!.count, rb!.gfn + rb!.count);
  }
}
