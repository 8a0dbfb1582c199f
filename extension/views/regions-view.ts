// View `p2m.regions` ("Regions"): a flat list of coalesced mapped ranges at the replay cursor,
// with filters by type and permissions and a search text (commands p2m.filterRegions,
// p2m.searchRegions, p2m.clearRegionFilter). Rows come from the worker (regions-model.ts).
// Context key: p2m.regions.filtered.

import * as vscode from 'vscode';
import type { TraceSession } from '../session/trace-session';
import type { RegionFilter, RegionRow } from '../session/view-data';
import { typeCategory, TYPE_NAMES } from './descriptor-fields';
import { regionLabel } from './regions-model';

const LIMIT = 5000;
const COLORS: Record<string, string> = { ram: 'charts.green', mmio: 'charts.orange', foreign: 'charts.purple', grant: 'charts.yellow', iommu: 'charts.blue', invalid: 'errorForeground' };

type Row = { kind: 'region'; r: RegionRow } | { kind: 'more' };

export class RegionsView implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private filter: RegionFilter = {};
  private readonly subs: vscode.Disposable[];
  view: vscode.TreeView<Row> | undefined;

  constructor(private readonly session: TraceSession) {
    this.subs = [
      session.onDidChangeSession(() => this.emitter.fire(undefined)),
      session.onDidMoveCursor(() => this.emitter.fire(undefined)),
    ];
  }

  get currentFilter(): RegionFilter { return this.filter; }

  setFilter(f: RegionFilter): void {
    this.filter = f;
    const on = !!(f.types?.length || f.perms || f.text);
    void vscode.commands.executeCommand('setContext', 'p2m.regions.filtered', on);
    if (this.view) this.view.description = on ? describe(f) : undefined;
    this.emitter.fire(undefined);
  }

  async getChildren(row?: Row): Promise<Row[]> {
    if (row || !this.session.session) return [];
    try {
      const res = await this.session.query('regions', { filter: this.filter, limit: LIMIT });
      const rows: Row[] = res.rows.map(r => ({ kind: 'region', r }));
      if (res.truncated) rows.push({ kind: 'more' });
      if (this.view) this.view.message = rows.length === 0 ? (this.filter.types || this.filter.perms || this.filter.text ? 'No region matches the filter.' : 'Nothing is mapped at this position.') : undefined;
      return rows;
    } catch { return []; }
  }

  getTreeItem(row: Row): vscode.TreeItem {
    switch (row.kind) {
      case 'more': {
        const it = new vscode.TreeItem(`… more than ${LIMIT} regions: narrow the filter`);
        it.iconPath = new vscode.ThemeIcon('ellipsis');
        return it;
      }
      case 'region': {
        const r = row.r;
        const it = new vscode.TreeItem(regionLabel(r));
        it.id = `d${r.domain}:${r.gfnFirst}`;
        it.description = `d${r.domain} · ${r.mattr}`;
        it.tooltip = new vscode.MarkdownString(`**GFN ${r.gfnFirst}–${r.gfnLast}** (domain ${r.domain})\n\n` +
          `MFN ${r.mfnFirst}${r.count > 1 ? ' onward, contiguous' : ''}\n\n${r.count} × L${r.level} ${r.type}, ${r.perms}, ${r.mattr}`);
        const t = TYPE_NAMES.indexOf(r.type as (typeof TYPE_NAMES)[number]);
        it.iconPath = new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor(COLORS[typeCategory(t)] ?? 'foreground'));
        it.contextValue = 'p2m.region';
        it.command = { command: 'p2m.goToGfn', title: 'Reveal in tree', arguments: [{ domain: r.domain, gfn: Number(r.gfnFirst) }] };
        return it;
      }
    }
  }

  dispose(): void { for (const s of this.subs) s.dispose(); this.emitter.dispose(); }
}

function describe(f: RegionFilter): string {
  return [f.types?.join('|'), f.perms && `perms ⊇ ${f.perms}`, f.text && `“${f.text}”`].filter(Boolean).join(', ');
}
