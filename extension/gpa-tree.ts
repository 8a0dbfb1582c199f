// View `p2m.gpaSpace` ("Guest Physical Address Space"). Placeholder content until the UI issue
// builds the real address-space tree from the engine: while no trace is loaded it returns no
// rows, so VS Code shows the `viewsWelcome` content (Open Sample Trace / Load Trace… buttons);
// once a trace is loaded it shows one root row per trace with its directive counts.
import * as vscode from 'vscode';
import type { LoadedTrace, TraceState } from './trace-state';

/** Discriminated union of row kinds; `getTreeItem` renders each with a switch. */
export type GpaNode =
  | { readonly kind: 'trace'; readonly trace: LoadedTrace }
  | { readonly kind: 'directive'; readonly name: string; readonly count: number }
  | { readonly kind: 'lines'; readonly count: number };

export class GpaTreeProvider implements vscode.TreeDataProvider<GpaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<GpaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly state: TraceState) {
    this.sub = state.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: GpaNode): GpaNode[] {
    if (!node) return this.state.trace ? [{ kind: 'trace', trace: this.state.trace }] : [];
    if (node.kind !== 'trace') return [];
    const { summary } = node.trace;
    return [
      { kind: 'lines', count: summary.lineCount },
      ...summary.directives.map(([name, count]): GpaNode => ({ kind: 'directive', name, count })),
    ];
  }

  getTreeItem(node: GpaNode): vscode.TreeItem {
    switch (node.kind) {
      case 'trace': {
        const item = new vscode.TreeItem(node.trace.info.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `trace:${node.trace.info.uri}`;
        item.description = node.trace.info.languageId;
        item.tooltip = node.trace.info.uri;
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.contextValue = 'p2m.trace';
        return item;
      }
      case 'lines': {
        const item = new vscode.TreeItem(`${node.count} lines`);
        item.iconPath = new vscode.ThemeIcon('list-flat');
        return item;
      }
      case 'directive': {
        const item = new vscode.TreeItem(node.name);
        item.description = `×${node.count}`;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        return item;
      }
    }
  }

  dispose(): void { this.sub.dispose(); this.changed.dispose(); }
}
