// Unit tests for the address-space tree view model (extension/views/tree-model.ts): labels,
// coalescing, grouping, laziness on a synthetic fully-mapped 1 TB guest, and GFN reveal paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childrenOf, domainNode, pathToGfn, MAX_CHILDREN, type TableSource, type TreeNodeModel } from '../../../extension/views/tree-model';
import { decodeDescriptor, entryKind, permString, typeName } from '../../../extension/views/descriptor-fields';

// Encodings from p2m-model.md §1.4: ram_rw L3 page / table entry, blocks clear bit 1.
const page = (mfn: number) => 0x00800000000007ffn | (BigInt(mfn) << 12n);
const block = (mfn: number) => page(mfn) - 2n;
const table = (mfn: number) => page(mfn);

function mapSource(pages: Map<number, Map<number, bigint>>, rootMfns = [0x40000, 0x40001]): TableSource & { calls: number } {
  const src = {
    domain: 1, vmid: 1, ipaBits: 40, rootLevel: 1, rootMfns, calls: 0,
    entries(mfn: number) {
      src.calls++;
      const p = pages.get(mfn);
      if (!p) return [];
      return [...p.entries()].filter(([, d]) => d !== 0n).sort((a, b) => a[0] - b[0]).map(([index, desc]) => ({ index, desc }));
    },
  };
  return src;
}

/** G4's final layout (p2m-model.md §9): R0[1]→P0; P0[1]→P1; P1[1] remapped to 0x300000. */
function g4(): TableSource & { calls: number } {
  const r0 = new Map([[1, table(0x80010)]]);
  const p0 = new Map<number, bigint>();
  for (let i = 0; i < 512; i++) p0.set(i, i === 1 ? table(0x80011) : block(0x100000 + i * 512));
  const p1 = new Map<number, bigint>();
  for (let i = 0; i < 512; i++) p1.set(i, page(i === 1 ? 0x300000 : 0x100200 + i));
  return mapSource(new Map([[0x40000, r0], [0x80010, p0], [0x80011, p1]]));
}

const labels = (ns: TreeNodeModel[]) => ns.map(n => n.label);

test('decoder reads the spec reference encodings', () => {
  const d = decodeDescriptor(0x00c000020000577fn); // ram_rw page, access r, MFN 0x200005 (§1.4)
  assert.equal(d.base, 0x200005);
  assert.equal(typeName(d.type), 'ram_rw');
  assert.equal(permString(d), 'r--');
  assert.equal(entryKind(d, 3), 'page');
  const b = decodeDescriptor(0x00800001000007fdn); // 1G block at MFN 0x100000
  assert.equal(b.base, 0x100000);
  assert.equal(entryKind(b, 1), 'block');
  assert.equal(decodeDescriptor(0x01c00000000006c7n).mattr, 1); // mmio_direct_dev → Device
  assert.equal(typeName(decodeDescriptor(0x01c00000000006c7n).type), 'mmio_direct_dev');
});

test('domain and root levels of G4', () => {
  const src = g4();
  const dom = domainNode(src);
  assert.equal(dom.label, 'Domain 1 (vmid 1)');
  const roots = childrenOf(src, dom.key);
  assert.equal(roots.length, 2);
  assert.match(roots[0].label, /^Root page 0: L1 table, MFN 0x40000$/);
  assert.equal(roots[1].collapsible, false, 'empty second root page has nothing to expand');
  assert.deepEqual(labels(childrenOf(src, roots[0].key)), [
    '0x0–0x3ffff: unmapped',
    '0x40000–0x7ffff: L2 table, MFN 0x80010',
    '0x80000–0x7ffffff: unmapped',
  ]);
});

test('L2 and L3 pages coalesce runs of contiguous MFNs', () => {
  const src = g4();
  const path = pathToGfn(src, 0x40201);
  assert.deepEqual(path.map(n => n.key.kind), ['domain', 'root', 'table', 'table', 'leaf']);
  const l2 = childrenOf(src, path[2].key);
  assert.deepEqual(labels(l2), [
    '0x40000–0x401ff: 2M ram_rw, MFN 0x100000',
    '0x40200–0x403ff: L3 table, MFN 0x80011',
    '0x40400–0x7ffff: 510 × 2M ram_rw, MFN 0x100400+',
  ]);
  const l3 = childrenOf(src, path[3].key);
  assert.deepEqual(labels(l3), [
    '0x40200: 4K ram_rw, MFN 0x100200',
    '0x40201: 4K ram_rw, MFN 0x300000',
    '0x40202–0x403ff: 510 × 4K ram_rw, MFN 0x100202+',
  ]);
  assert.equal(path[4].label, '0x40201: 4K ram_rw, MFN 0x300000');
  assert.equal(path[4].description, 'rwx · Normal WB');
  assert.match(path[4].tooltip, /0x0080000300000?7ff/);
});

test('the issue example label: 511 × 2M after a table entry', () => {
  const p0 = new Map<number, bigint>([[0, table(0x80011)]]);
  for (let i = 1; i < 512; i++) p0.set(i, block(0x100000 + i * 512));
  const src = mapSource(new Map([[0x40000, new Map([[1, table(0x80010)]])], [0x80010, p0]]));
  const l2 = childrenOf(src, { kind: 'table', domain: 1, level: 2, mfn: 0x80010, gfn: 0x40000 });
  assert.equal(l2[1].label, '0x40200–0x7ffff: 511 × 2M ram_rw, MFN 0x100200+');
  // Expanding a run lists its entries; 511 entries are bucketed into groups of ≤ MAX_CHILDREN.
  const inRun = childrenOf(src, l2[1].key);
  assert.ok(inRun.length <= MAX_CHILDREN && inRun.every(n => n.key.kind === 'group'));
  const firstGroup = childrenOf(src, inRun[0].key);
  assert.equal(firstGroup[0].label, '0x40200–0x403ff: 2M ram_rw, MFN 0x100200');
  const total = inRun.reduce((s, g) => s + childrenOf(src, g.key).length, 0);
  assert.equal(total, 511);
});

test('attribute or MFN discontinuity breaks a run', () => {
  const p = new Map<number, bigint>([
    [0, page(0x10)], [1, page(0x11)], [2, page(0x13)],                   // MFN gap after index 1
    [3, page(0x14)], [4, 0x010000000001577fn /* ram_ro */], [6, page(0x17)], // hole at 5
  ]);
  const src = mapSource(new Map([[0x40000, new Map([[0, table(0x80010)]])], [0x80010, new Map([[0, table(0x80011)]])], [0x80011, p]]));
  const l3 = childrenOf(src, { kind: 'table', domain: 1, level: 3, mfn: 0x80011, gfn: 0 });
  assert.deepEqual(labels(l3), [
    '0x0–0x1: 2 × 4K ram_rw, MFN 0x10+',
    '0x2–0x3: 2 × 4K ram_rw, MFN 0x13+',
    '0x4: 4K ram_ro, MFN 0x15',
    '0x5: unmapped',
    '0x6: 4K ram_rw, MFN 0x17',
    '0x7–0x1ff: unmapped',
  ]);
  assert.equal(l3[2].category, 'ram');
  assert.equal(l3[0].category, 'ram');
});

/**
 * A synthetic, fully 4K-mapped 1 TB guest (40-bit IPA: 2 root pages × 512 × 1G): entries are
 * generated on demand, so the test proves the model touches only the pages it expands.
 */
function terabyte(): TableSource & { calls: number } {
  // Table MFNs encode their position: L2 page for root entry r = 0x1000000 + r, L3 page = 0x2000000 + gfn>>9.
  const src = {
    domain: 7, vmid: 3, ipaBits: 40, rootLevel: 1, rootMfns: [0x40000, 0x40001], calls: 0,
    entries(mfn: number) {
      src.calls++;
      const out: Array<{ index: number; desc: bigint }> = [];
      for (let i = 0; i < 512; i++) {
        let desc: bigint;
        if (mfn === 0x40000 || mfn === 0x40001) desc = table(0x1000000 + (mfn - 0x40000) * 512 + i);
        else if (mfn >= 0x2000000) desc = page(0x10000000 + (mfn - 0x2000000) * 512 + i);
        else desc = table(0x2000000 + (mfn - 0x1000000) * 512 + i);
        out.push({ index: i, desc });
      }
      return out;
    },
  };
  return src;
}

test('1 TB fully mapped with 4K pages expands lazily and reveals any GFN', () => {
  const src = terabyte();
  const roots = childrenOf(src, domainNode(src).key);
  const rootKids = childrenOf(src, roots[1].key);
  assert.equal(rootKids.length, 8, '512 table entries are grouped');
  const gfn = 0xfedcba9; // somewhere in the second root page
  const before = src.calls;
  const path = pathToGfn(src, gfn);
  const leaf = path[path.length - 1];
  assert.ok(leaf, "no path");
  assert.equal(leaf.key.kind, 'leaf');
  assert.equal(Number(leaf.gfnFirst), gfn);
  assert.equal(leaf.label, `0x${gfn.toString(16)}: 4K ram_rw, MFN 0x${(0x10000000 + gfn).toString(16)}`);
  // Each level expands one page plus the "used" counts of its table children: bounded, not O(guest).
  assert.ok(src.calls - before < 5000, `too many page reads: ${src.calls - before}`);
  // The L3 page holding it is one coalesced run of 512.
  const l3 = path.find(n => n.key.kind === 'table' && n.key.level === 3);
  assert.ok(l3);
  const kids = childrenOf(src, l3.key);
  assert.equal(kids.length, 1);
  assert.match(kids[0].label, /: 512 × 4K ram_rw, MFN 0x/);
});

test('node ids are unique among siblings and stable across recomputation', () => {
  const src = g4();
  const path = pathToGfn(src, 0x40201);
  for (const n of path) {
    const a = childrenOf(src, n.key).map(c => c.id);
    assert.equal(new Set(a).size, a.length);
    assert.deepEqual(childrenOf(src, n.key).map(c => c.id), a);
  }
  assert.deepEqual(pathToGfn(src, 0x1_0000_0000), [], 'GFN beyond the root pages has no path');
});
