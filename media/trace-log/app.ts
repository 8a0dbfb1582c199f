// The trace-log webview application: header (position, buttons), filter bar, plots, strategy
// table and the virtualized log. It talks to the host only through the typed messages of
// extension/protocol.ts; main.ts just acquires the VS Code API and starts it.

import type { HostToTraceLog, SessionInfo, TraceLogToHost } from '../../extension/protocol';
import type { CursorState, LogFilter } from '../../extension/session/view-data';
import { clear, el, icon } from './escape';
import { FilterBar } from './filters';
import { LogList } from './log-list';
import { Plots } from './plots';
import { restoreState, type UiState } from './state';
import { renderStrategyTable } from './strategy-table';

export interface VsCodeApi {
  postMessage(msg: TraceLogToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}

export class TraceLogApp {
  private readonly state: UiState;
  private session: SessionInfo | null = null;
  private gen = 0;
  private readonly position = el('span', { class: 'position', role: 'status', id: 'position' });
  private readonly title = el('span', { class: 'title', id: 'title' }, 'P2M Trace Log');
  private readonly empty = el('div', { class: 'empty' }, 'No trace loaded. Run "P2M: Open Sample Trace" or "P2M: Load Trace…".');
  private readonly main = el('div', { class: 'main' });
  private readonly plotsWrap = el('div', { class: 'plots-wrap' });
  private readonly strategy = el('div', { class: 'strategy', hidden: true });
  private readonly filters: FilterBar;
  private readonly list: LogList;
  private readonly plots: Plots;

  constructor(root: HTMLElement, private readonly vscode: VsCodeApi) {
    this.state = restoreState(vscode.getState());
    const header = el('div', { class: 'header' });
    const plotsBtn = el('button', { title: 'Show or hide the plots' });
    plotsBtn.append(icon('graph-line'), document.createTextNode(' Plots'));
    plotsBtn.addEventListener('click', () => this.plotsWrap.classList.toggle('collapsed'));
    const compareBtn = el('button', { title: 'Replay the trace under each strategy and compare' });
    compareBtn.append(icon('split-horizontal'), document.createTextNode(' Compare strategies'));
    compareBtn.addEventListener('click', () => this.post({ type: 'compare' }));
    header.append(icon('list-flat'), this.title, this.position, el('span', { class: 'spacer' }), plotsBtn, compareBtn);
    root.append(header);
    this.filters = new FilterBar(root, {
      changed: f => this.query(f),
      followChanged: on => { this.state.followCursor = on; this.save(); },
    }, this.state.filter, this.state.followCursor);
    root.append(this.main, this.empty);
    this.main.append(this.plotsWrap, this.strategy);
    this.plots = new Plots(this.plotsWrap, {
      brushed: (a, b) => this.filters.setRange(a, b),
      clicked: op => this.post({ type: 'seek', position: op + 1 }),
    });
    this.list = new LogList(this.main, {
      requestPage: (offset, count) => this.post({ type: 'page', gen: this.gen, offset, count }),
      requestMicroOps: op => this.post({ type: 'microOps', op }),
      activate: row => this.post({ type: 'seek', position: row.op + 1 }),
      selectionChanged: i => { this.state.selected = i; this.save(); },
    }, 200);
    this.showSession(null);
    window.addEventListener('message', e => this.onMessage(e.data as HostToTraceLog));
    this.post({ type: 'ready' });
  }

  private post(m: TraceLogToHost): void { this.vscode.postMessage(m); }
  private save(): void { this.vscode.setState(this.state); }

  private query(filter: LogFilter): void {
    this.state.filter = filter;
    this.plots.setBrush(filter.opFrom, filter.opTo);
    this.save();
    if (!this.session) return;
    this.post({ type: 'query', gen: ++this.gen, filter });
  }

  private showSession(s: SessionInfo | null): void {
    this.session = s;
    this.main.hidden = !s;
    this.empty.hidden = !!s;
    this.title.textContent = s ? `P2M Trace Log — ${s.name}` : 'P2M Trace Log';
    if (!s) { this.position.textContent = ''; return; }
    if (this.state.sessionName !== s.name) {
      // A different trace: a time range or touched range from the previous one means nothing here.
      this.state.sessionName = s.name;
      this.filters.setTouched(undefined);
      this.filters.setRange(undefined, undefined);
    }
    this.filters.setChoices(s.kinds, s.domains);
    this.list.setPageSize(s.pageSize);
    this.query(this.filters.current);
    this.post({ type: 'plots', buckets: Math.max(50, Math.min(800, Math.floor(window.innerWidth / 2))) });
  }

  private showCursor(c: CursorState, index: number): void {
    this.state.cursor = c.position;
    this.state.opCount = c.opCount;
    this.position.textContent = `op ${c.position} of ${c.opCount}` +
      (c.violations ? ` · ${c.violationsSoFar}/${c.violations} violations` : '') +
      (c.diagnostics ? ` · ${c.diagnosticsSoFar}/${c.diagnostics} diagnostics` : '');
    this.list.setCursor(c.position);
    this.plots.setCursor(c.position);
    if (this.state.followCursor && index >= 0) this.list.scrollToIndex(index);
  }

  private onMessage(m: HostToTraceLog): void {
    if (typeof m !== 'object' || m === null) return;
    switch (m.type) {
      case 'init':
        this.showSession(m.session);
        if (m.cursor) this.showCursor(m.cursor, -1);
        break;
      case 'queryResult':
        if (m.gen !== this.gen) return;
        this.list.reset(m.total);
        if (this.state.followCursor && m.cursorIndex >= 0) this.list.scrollToIndex(m.cursorIndex);
        break;
      case 'page':
        if (m.gen === this.gen) this.list.setPage(m.page);
        break;
      case 'microOps': this.list.setMicroOps(m.op, m.rows); break;
      case 'cursor': this.showCursor(m.cursor, m.index); break;
      case 'plots': this.plots.setData(m.data); break;
      case 'setFilter':
        this.filters.setTouched(m.filter.touched);
        break;
      case 'strategies':
        this.strategy.hidden = false;
        renderStrategyTable(this.strategy, m.results);
        break;
      case 'error':
        clear(this.strategy);
        this.strategy.hidden = false;
        this.strategy.append(el('p', { class: 'filter-error' }, m.message));
        break;
    }
  }
}
