// The §6.2 seed example (G1, then map GFN 0x40201 → MFN 0x300000 inside the 1G block) as
// hand-built event orders, from the text of p2m-model.md §6.1/§6.2: the current BBM order and
// the legacy (2016) in-place order. 40-bit IPA: L1 root, two root pages.
import { EventBuilder, legacyTable, page, table } from './event-builder';

export const R0 = 0x40000, R1 = 0x40001, P0 = 0x80010, P1 = 0x80011;
export const BLOCK_MFN = 0x100000;

/** Roots, L2 table P0 under R0[0], L3 table P1 under P0[0], and one 4K page P1[5]. */
export function small(b: EventBuilder): void {
  b.root(R0, 1); b.root(R1, 1);
  b.begin();
  b.alloc(P0, 2); b.zero(P0); b.write(R0, 0, 1, table(P0));
  b.alloc(P1, 3); b.zero(P1); b.write(P0, 0, 2, table(P1));
  b.write(P1, 5, 3, page(0x5000));
  b.end();
}

/** Roots and G1: R0[1] = 1G block at MFN 0x100000. */
export function g1(b: EventBuilder): void {
  b.root(R0, 1); b.root(R1, 1);
  b.begin(); b.write(R0, 1, 1, page(BLOCK_MFN, 1)); b.end();
}

/** Current Xen (§5.3 B/C): split off-line, break, flush, make; replace with break, flush, make. */
export function seedUpstream(b: EventBuilder): void {
  b.begin();
  b.alloc(P0, 2, 'split');
  b.fillFromBlock(P0, 2, BLOCK_MFN);
  b.alloc(P1, 3, 'split');
  b.fillFromBlock(P1, 3, BLOCK_MFN + 0x200);
  b.write(P0, 1, 2, table(P1));           // before the subtree is live: a fresh store
  b.write(R0, 1, 1, 0n);                  // break
  b.flush('bbm-split');
  b.write(R0, 1, 1, table(P0));           // make
  b.write(P1, 1, 3, 0n);                  // break
  b.flush('bbm-replace');
  b.write(P1, 1, 3, page(0x300000));      // make
  b.end();
}

/** Legacy apply_p2m_changes: shatter in place while descending, one flush at the end. */
export function seedLegacy(b: EventBuilder): void {
  b.begin();
  b.alloc(P0, 2, 'split');
  b.fillFromBlock(P0, 2, BLOCK_MFN);
  b.write(R0, 1, 1, legacyTable(P0));     // in place: block → table
  b.alloc(P1, 3, 'split');
  b.fillFromBlock(P1, 3, BLOCK_MFN + 0x200);
  b.write(P0, 1, 2, legacyTable(P1));     // in place: block → table (P0 is live now)
  b.write(P1, 1, 3, page(0x300000));      // in place: page → page with another MFN
  b.flush('legacy-end');
  b.end();
}
