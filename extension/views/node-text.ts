// Text forms of tree nodes and user input for the tree commands, kept vscode-free so they are
// unit-tested: the dump_p2m_lookup line of an entry ("Copy as Dump Line", p2m-model.md §5.13)
// and the "Go to GFN" input parser.

import { levelOrder } from './descriptor-fields';
import type { TreeNodeModel } from './tree-model';

const LEVEL_NAMES = ['0TH', '1ST', '2ND', '3RD'];

/** `3RD[0x001] = 0x800003000007ff`: level name, 3-digit index, unpadded lower-case hex. */
export function dumpLine(n: Pick<TreeNodeModel, 'descriptor' | 'level' | 'gfnFirst'>): string | undefined {
  if (n.descriptor === undefined || n.level === undefined) return undefined;
  const gfn = Number(n.gfnFirst);
  const index = Math.floor(gfn / 2 ** levelOrder(n.level)) % 512;
  return `${LEVEL_NAMES[n.level] ?? 'L' + n.level}[0x${index.toString(16).padStart(3, '0')}] = 0x${BigInt(n.descriptor).toString(16)}`;
}

/** Parse "0x40201", "d2 0x40201", "2:0x40201", "gfn=0x40201" into a domain and a GFN. */
export function parseGfnInput(text: string, defaultDomain: number): { domain: number; gfn: number } | undefined {
  const m = /^\s*(?:d?(\d+)\s*[: ]\s*)?(?:gfn\s*=?\s*)?(0x[0-9a-f]+|\d+)\s*$/i.exec(text);
  if (!m) return undefined;
  const gfn = Number(m[2]);
  return Number.isSafeInteger(gfn) ? { domain: m[1] !== undefined ? Number(m[1]) : defaultDomain, gfn } : undefined;
}
