// View `p2m.gpaSpace` ("Guest Physical Address Space"): renders TreeNodeModel rows computed
// by the session worker (tree-model.ts); this adapter only maps them onto TreeItems, keeps
// parents for reveal(), refreshes after every replay step, and marks nodes whose GFN range
// the last operation changed (via a FileDecorationProvider on `p2m-node:` resource URIs).
// Commands it serves: p2m.goToGfn (reveal), tree context menu items (see commands/).

import * as vscode from 'vscode';
import type { TraceSession } from '../session/trace-session';
import type { CursorState } from '../session/view-data';
import type { TreeNodeModel } from './tree-model';

const ICONS: Record<TreeNodeModel['category'], [string, string | undefined]> = {
  ram: ['circuit-board', 'charts.green'],
  mmio: ['plug', 'charts.orange'],
  foreign: ['link-external', 'charts.purple'],
  grant: ['key', 'charts.yellow'],
  iommu: ['server-process', 'charts.blue'],
  invalid: ['error', 'errorForeground'],
  table: ['list-tree', undefined],
  hole: ['circle-outline', 'disabledForeground'],
  domain: ['vm', undefined],
  root: ['root-folder', undefined],
  group: ['folder', undefined],
};

export const NODE_SCHEME = 'p2m-node';

export class AddressSpaceTree implements vscode.TreeDataProvider<TreeNodeModel>, vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changedEmitter = new vscode.EventEmitter<TreeNodeModel | undefined>();
  readonly onDidChangeTreeData = this.changedEmitter.event;
  private readonly decoEmitter = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.decoEmitter.event;
  private readonly parents = new Map<string, TreeNodeModel | undefined>();
  private changed: CursorState['changed'] = [];
  /** Bumped per loaded session: item ids must not collide with a previous trace's nodes,
   *  or VS Code reuses stale cached rows (and reveal() silently fails). */
  private generation = 0;
  private readonly subs: vscode.Disposable[] = [];
  view: vscode.TreeView<TreeNodeModel> | undefined;

  constructor(private readonly session: TraceSession) {
    this.subs.push(
      session.onDidChangeSession(() => { this.generation++; this.parents.clear(); this.changed = []; this.refresh(); }),
      session.onDidMoveCursor(c => { this.changed = c.changed; this.refresh(); }),
      vscode.window.registerFileDecorationProvider(this),
    );
  }

  refresh(): void {
    this.changedEmitter.fire(undefined);
    this.decoEmitter.fire(undefined);
  }

  async getChildren(node?: TreeNodeModel): Promise<TreeNodeModel[]> {
    if (!this.session.session) return []; // empty → the viewsWelcome content shows
    try {
      const kids = node ? await this.session.query('treeChildren', { key: node.key }) : await this.session.query('treeRoots', {});
      for (const k of kids) this.parents.set(k.id, node);
      return kids;
    } catch {
      return []; // session closed while the request was in flight
    }
  }

  getParent(node: TreeNodeModel): TreeNodeModel | undefined {
    return this.parents.get(node.id);
  }

  getTreeItem(n: TreeNodeModel): vscode.TreeItem {
    const state = !n.collapsible ? vscode.TreeItemCollapsibleState.None
      : n.category === 'domain' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = `${this.generation}:${n.id}`;
    item.description = n.description;
    const md = new vscode.MarkdownString(n.tooltip);
    md.supportHtml = false;
    md.isTrusted = false; // trace-derived text: no command links
    item.tooltip = md;
    const [icon, color] = ICONS[n.category];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = n.contextValue;
    item.resourceUri = vscode.Uri.from({ scheme: NODE_SCHEME, path: `/${n.id}`, query: `${n.gfnFirst}-${n.gfnLast}&d=${n.key.domain}` });
    item.accessibilityInformation = { label: `${n.label} ${n.description}` };
    return item;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== NODE_SCHEME || this.changed.length === 0) return undefined;
    const m = /^(0x[0-9a-f]+)-(0x[0-9a-f]+)&d=(\d+)$/.exec(uri.query);
    if (!m) return undefined;
    const first = Number(m[1]), last = Number(m[2]), dom = Number(m[3]);
    const hit = this.changed.some(c => c.domain === dom && Number(c.gfnFirst) <= last && Number(c.gfnLast) >= first);
    return hit ? new vscode.FileDecoration('●', 'Changed by the last operation', new vscode.ThemeColor('charts.yellow')) : undefined;
  }

  /** Reveal and select the deepest node containing `gfn` (expanding the path). */
  async revealGfn(domain: number, gfn: number): Promise<TreeNodeModel | undefined> {
    // A refresh that is still re-fetching rows (every replay step fires one) can swallow a
    // reveal, or replace the nodes under it ("Cannot resolve tree item": node ids carry the
    // tree's generation). Try again briefly, with the path fetched anew each time, until the
    // target is selected.
    let target: TreeNodeModel | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const path = await this.session.query('treePath', { domain, gfn });
      if (path.length === 0) return undefined;
      for (let i = 1; i < path.length; i++) this.parents.set(path[i].id, path[i - 1]);
      this.parents.set(path[0].id, undefined);
      target = path[path.length - 1];
      const view = this.view;
      if (!view) return target;
      try {
        await view.reveal(target, { select: true, focus: true, expand: false });
        if (view.selection.some(n => n.id === target!.id)) break;
      } catch (e) {
        if (attempt === 4) throw e;
      }
      await new Promise(r => setTimeout(r, 100 * (attempt + 1)));
    }
    return target;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changedEmitter.dispose();
    this.decoEmitter.dispose();
  }
}
