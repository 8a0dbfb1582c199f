// Address-space tree commands: p2m.goToGfn (reveal and select the path), p2m.lookupGfn (show
// the walk), p2m.copyDescriptor, p2m.copyDumpLine (dump_p2m_lookup style), p2m.watchRange (a
// data breakpoint on the node's GFN range), p2m.showInTraceLog (ops that touched the node).
// Node arguments come from the tree's context menu; without one the commands prompt.

import * as vscode from 'vscode';
import { formatDataId } from '../../engine/replay/breakpoints';
import { dumpLine, parseGfnInput } from '../views/node-text';
import type { TreeNodeModel } from '../views/tree-model';
import { needSession, type CommandSpec, type UiContext } from './command-table';
import { UiCommands } from './ui-command-ids';

function isNode(v: unknown): v is TreeNodeModel {
  return typeof v === 'object' && v !== null && typeof (v as TreeNodeModel).id === 'string' && typeof (v as TreeNodeModel).key === 'object';
}

function isTarget(v: unknown): v is { domain: number; gfn: number } {
  return typeof v === 'object' && v !== null && typeof (v as { gfn?: unknown }).gfn === 'number';
}

async function askGfn(ctx: UiContext, title: string): Promise<{ domain: number; gfn: number } | undefined> {
  const dom = ctx.session.session?.cursor.domain ?? 0;
  const text = await vscode.window.showInputBox({
    title, prompt: `GFN (hex), optionally with a domain: 0x40201 or d${dom} 0x40201`, placeHolder: '0x40201',
    validateInput: v => parseGfnInput(v, dom) ? undefined : 'expected a GFN such as 0x40201',
  });
  return text === undefined ? undefined : parseGfnInput(text, dom);
}

export const treeCommands: CommandSpec[] = [
  {
    id: UiCommands.goToGfn, title: 'Go to GFN…', precondition: needSession,
    make: ctx => async (arg?: unknown) => {
      const t = isTarget(arg) ? arg : await askGfn(ctx, 'P2M: Go to GFN');
      if (!t) return undefined;
      await vscode.commands.executeCommand('p2m.gpaSpace.focus');
      const node = await ctx.tree.revealGfn(t.domain, t.gfn);
      if (!node) void vscode.window.showInformationMessage(`P2M: GFN 0x${t.gfn.toString(16)} is outside domain ${t.domain}'s root pages.`);
      return node;
    },
  },
  {
    id: UiCommands.lookupGfn, title: 'Lookup GFN', precondition: needSession,
    make: ctx => async (arg?: unknown) => {
      const t = isNode(arg) ? { domain: arg.key.domain, gfn: Number(arg.gfnFirst) } : isTarget(arg) ? arg : await askGfn(ctx, 'P2M: Lookup GFN');
      if (!t) return undefined;
      const { text } = await ctx.session.query('lookup', t);
      ctx.output.appendLine(text);
      ctx.output.show(true);
      return text;
    },
  },
  {
    id: UiCommands.copyDescriptor, title: 'Copy Descriptor', precondition: needSession,
    make: () => async (arg?: unknown) => {
      if (!isNode(arg) || arg.descriptor === undefined) throw new Error('select a table entry or mapping in the tree');
      const text = '0x' + BigInt(arg.descriptor).toString(16).padStart(16, '0');
      await vscode.env.clipboard.writeText(text);
      return text;
    },
  },
  {
    id: UiCommands.copyDumpLine, title: 'Copy as Dump Line', precondition: needSession,
    make: () => async (arg?: unknown) => {
      const line = isNode(arg) ? dumpLine(arg) : undefined;
      if (!line) throw new Error('select a table entry or mapping in the tree');
      await vscode.env.clipboard.writeText(line);
      return line;
    },
  },
  {
    id: UiCommands.watchRange, title: 'Watch Range', precondition: needSession,
    make: () => async (arg?: unknown) => {
      if (!isNode(arg)) throw new Error('select a node of the address-space tree');
      const from = Number(arg.gfnFirst), to = Number(arg.gfnLast) + 1;
      const dataId = formatDataId({ domain: arg.key.domain, from, to, filter: [] });
      await addDataBreakpoint(dataId, `d${arg.key.domain} GFN ${arg.gfnFirst}–${arg.gfnLast}`);
      return dataId;
    },
  },
  {
    id: UiCommands.showInTraceLog, title: 'Show in Trace Log', precondition: needSession,
    make: ctx => (arg?: unknown) => {
      if (!isNode(arg)) throw new Error('select a node of the address-space tree');
      const host = ctx.showLog();
      host.setFilter({ touched: { domain: arg.key.domain, gfnFirst: arg.gfnFirst, gfnLast: arg.gfnLast } });
      return host;
    },
  },
];

/**
 * A data breakpoint on a GFN range. VS Code ≥ 1.91 has `vscode.DataBreakpoint`; with older
 * APIs the id is sent to a running p2m debug session, or kept for the next one.
 */
const pendingWatches: string[] = [];
async function addDataBreakpoint(dataId: string, label: string): Promise<void> {
  type DataBpCtor = new (label: string, dataId: string, canPersist: boolean) => vscode.Breakpoint;
  const ctor = (vscode as unknown as { DataBreakpoint?: DataBpCtor }).DataBreakpoint;
  if (ctor) { vscode.debug.addBreakpoints([new ctor(label, dataId, false)]); return; }
  pendingWatches.push(dataId);
  const s = vscode.debug.activeDebugSession;
  if (s?.type === 'p2m') {
    await s.customRequest('setDataBreakpoints', { breakpoints: pendingWatches.map(id => ({ dataId: id, accessType: 'write' })) });
  }
  void vscode.window.showInformationMessage(`P2M: watching ${label}${s?.type === 'p2m' ? '' : ' (applies when a p2m debug session starts)'}.`);
}

export function pendingDataBreakpoints(): readonly string[] { return pendingWatches; }
