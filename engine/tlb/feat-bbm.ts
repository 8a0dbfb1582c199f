// Armv8.4 FEAT_BBM (ID_AA64MMFR2_EL1.BBM, levels 1 and 2) lets software change the block size of
// a translation without break-before-make, provided only the size changes: the new subtree must
// translate every address of the block to the same output address with the same attributes
// (p2m-model.md §7). This module checks exactly that against the table mirror. We do not model
// the nT bit or TLB conflict aborts, so levels 1 and 2 relax the same changes.
import { baseOf, isTableLo } from '../arch/descriptor';
import { entryOrderPow, TableMirror } from './table-mirror';

const ATTR_MASK_LO = 0x3c | 0x300; // MemAttr and shareability
const CONTIG_HI = 1 << 20;

/**
 * True when the table page `tableMfn` (entries at level+1) maps the same range as the block
 * (blockLo, blockHi) at `level`: every entry hw-valid, nested tables checked recursively.
 */
export function subtreeMatchesBlock(m: TableMirror, tableMfn: number, level: number, blockLo: number, blockHi: number): boolean {
  return matches(m, tableMfn, level + 1, baseOf(blockLo, blockHi), blockLo, blockHi, 0);
}

function matches(m: TableMirror, tableMfn: number, level: number, base: number, blockLo: number, blockHi: number, depth: number): boolean {
  const id = m.pageId(tableMfn);
  if (id < 0 || level > 3 || depth > 3) return false;
  const step = entryOrderPow(level);
  for (let i = 0; i < 512; i++) {
    if (!m.read(id, i)) return false;
    const lo = m.rLo, hi = m.rHi;
    if ((lo & 1) === 0) return false;
    const expect = base + i * step;
    if (isTableLo(lo, level)) {
      if (!matches(m, baseOf(lo, hi), level + 1, expect, blockLo, blockHi, depth + 1)) return false;
      continue;
    }
    if (level === 3 && (lo & 2) === 0) return false; // reserved encoding at L3
    if (baseOf(lo, hi) !== expect) return false;
    if (((lo ^ blockLo) & ATTR_MASK_LO) !== 0 || ((hi ^ blockHi) & CONTIG_HI) !== 0) return false;
  }
  return true;
}
