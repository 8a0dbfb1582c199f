// Virtualized trace-log list: renders only the visible rows of a filtered list that may hold
// millions of operations. Rows arrive from the host in pages (the host never sends the whole
// log); micro-operations of an expanded row are inserted as extra lines below it.
// Its own scroll model: a spacer gives the scrollbar its length; when rows × height would
// exceed what browsers can lay out (~16M px), scroll position maps to rows proportionally.

import type { LogPage, LogRow, MicroOpRow } from '../../extension/session/view-data';
import { clear, el, icon } from './escape';

export interface LogListHost {
  requestPage(offset: number, count: number): void;
  requestMicroOps(op: number): void;
  /** Click / Enter on a row: move the replay cursor there. */
  activate(row: LogRow): void;
  selectionChanged(index: number): void;
}

const MAX_SCROLL_PX = 8_000_000;
const PAGE_CACHE = 64;

type Line = { index: number; micro: -1 } | { index: number; micro: number };

export class LogList {
  readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private total = 0;
  private readonly pages = new Map<number, LogRow[]>();
  private readonly pending = new Set<number>();
  /** Expanded rows by filtered index → micro-op rows (undefined while loading). */
  private readonly expanded = new Map<number, { op: number; rows?: MicroOpRow[] }>();
  private cursorOp = -1;
  private selected = -1;
  private rowEls: HTMLElement[] = [];
  private generation = 0;

  constructor(parent: HTMLElement, private readonly host: LogListHost,
    private pageSize = 200, private readonly rowHeight = 22) {
    this.viewport = el('div', { class: 'log-viewport', tabindex: 0, role: 'grid', 'aria-label': 'Trace operations' });
    this.spacer = el('div', { class: 'log-spacer' });
    this.layer = el('div', { class: 'log-layer' });
    this.viewport.append(this.spacer, this.layer);
    parent.append(this.viewport);
    this.viewport.addEventListener('scroll', () => this.render());
    this.viewport.addEventListener('keydown', e => this.onKey(e));
    new ResizeObserver(() => this.render()).observe(this.viewport);
  }

  /** A new filter result: drop cached pages and expansions, keep nothing stale. */
  reset(total: number): void {
    this.generation++;
    this.total = total;
    this.pages.clear();
    this.pending.clear();
    this.expanded.clear();
    this.selected = Math.min(this.selected, total - 1);
    this.viewport.scrollTop = 0;
    this.render();
  }

  get rowCount(): number { return this.total; }

  /** Rows per page request (the p2m.logPageSize setting, sent in `init`). */
  setPageSize(n: number): void {
    if (n >= 10 && n <= 1000 && n !== this.pageSize) { this.pageSize = n; this.reset(this.total); }
  }

  setPage(page: LogPage): void {
    const p = Math.floor(page.offset / this.pageSize);
    this.pending.delete(p);
    if (page.total !== this.total) { this.reset(page.total); }
    this.pages.set(p, page.rows);
    // Bound memory when scrolling through a million rows: evict the oldest pages.
    while (this.pages.size > PAGE_CACHE) this.pages.delete(this.pages.keys().next().value as number);
    this.render();
  }

  setMicroOps(op: number, rows: MicroOpRow[]): void {
    for (const e of this.expanded.values()) if (e.op === op) e.rows = rows;
    this.render();
  }

  setCursor(position: number): void {
    this.cursorOp = position - 1;
    this.render();
  }

  rowAt(index: number): LogRow | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  select(index: number, scroll = true): void {
    if (this.total === 0) return;
    this.selected = Math.max(0, Math.min(this.total - 1, index));
    if (scroll) this.scrollToIndex(this.selected);
    this.host.selectionChanged(this.selected);
    this.render();
  }

  toggleExpand(index: number): void {
    const row = this.rowAt(index);
    if (!row) return;
    if (this.expanded.delete(index)) { this.render(); return; }
    this.expanded.set(index, { op: row.op });
    this.host.requestMicroOps(row.op);
    this.render();
  }

  /** Scroll so that filtered row `index` is visible (centered when it was off-screen). */
  scrollToIndex(index: number): void {
    const line = this.lineOfIndex(index);
    const visible = this.visibleCount();
    const top = this.topLine();
    if (line >= top && line < top + visible - 1) return;
    this.setTopLine(Math.max(0, line - Math.floor(visible / 2)));
  }

  // --- line mapping: op rows plus inserted micro-op lines ---

  private expansionSizes(): Array<[number, number]> {
    return [...this.expanded.entries()]
      .map(([i, e]): [number, number] => [i, e.rows ? Math.max(1, e.rows.length) : 1])
      .sort((a, b) => a[0] - b[0]);
  }

  private lineCount(): number {
    return this.total + this.expansionSizes().reduce((s, [, n]) => s + n, 0);
  }

  private lineOfIndex(index: number): number {
    let extra = 0;
    for (const [i, n] of this.expansionSizes()) if (i < index) extra += n;
    return index + extra;
  }

  private lineAt(line: number): Line | undefined {
    let offset = 0;
    for (const [i, n] of this.expansionSizes()) {
      if (line <= i + offset) break;
      if (line <= i + offset + n) return { index: i, micro: line - offset - i - 1 };
      offset += n;
    }
    const index = line - offset;
    return index < this.total ? { index, micro: -1 } : undefined;
  }

  // --- scrolling ---

  private visibleCount(): number {
    return Math.max(1, Math.ceil(this.viewport.clientHeight / this.rowHeight) + 1);
  }

  private scrollRange(): { px: number; scaled: boolean } {
    const px = this.lineCount() * this.rowHeight;
    return px > MAX_SCROLL_PX ? { px: MAX_SCROLL_PX, scaled: true } : { px, scaled: false };
  }

  private topLine(): number {
    const { px, scaled } = this.scrollRange();
    if (!scaled) return Math.floor(this.viewport.scrollTop / this.rowHeight);
    const maxTop = Math.max(1, px - this.viewport.clientHeight);
    const lines = Math.max(0, this.lineCount() - this.visibleCount() + 1);
    return Math.round((this.viewport.scrollTop / maxTop) * lines);
  }

  private setTopLine(line: number): void {
    const { px, scaled } = this.scrollRange();
    if (!scaled) { this.viewport.scrollTop = line * this.rowHeight; return; }
    const lines = Math.max(1, this.lineCount() - this.visibleCount() + 1);
    this.viewport.scrollTop = (line / lines) * Math.max(1, px - this.viewport.clientHeight);
  }

  // --- rendering ---

  render(): void {
    const { px, scaled } = this.scrollRange();
    this.spacer.style.height = `${px}px`;
    const top = this.topLine();
    const n = this.visibleCount();
    // In scaled mode the layer rides with the viewport; otherwise it moves by whole rows.
    const layerTop = scaled ? this.viewport.scrollTop : top * this.rowHeight;
    this.layer.style.transform = `translateY(${layerTop}px)`;
    while (this.rowEls.length < n) {
      const r = el('div', { class: 'log-row', role: 'row' });
      r.addEventListener('click', e => this.onClick(r, e));
      this.rowEls.push(r);
      this.layer.append(r);
    }
    for (let k = 0; k < this.rowEls.length; k++) {
      const r = this.rowEls[k];
      const line = k < n ? this.lineAt(top + k) : undefined;
      r.hidden = !line;
      if (line) this.fill(r, line);
    }
    this.requestMissing(top, n);
  }

  private requestMissing(top: number, n: number): void {
    const first = this.lineAt(top)?.index ?? 0;
    const last = this.lineAt(Math.min(top + n, this.lineCount() - 1))?.index ?? first;
    for (let p = Math.floor(first / this.pageSize); p <= Math.floor(last / this.pageSize); p++) {
      if (p * this.pageSize >= this.total || this.pages.has(p) || this.pending.has(p)) continue;
      this.pending.add(p);
      this.host.requestPage(p * this.pageSize, this.pageSize);
    }
  }

  private fill(r: HTMLElement, line: Line): void {
    clear(r);
    r.dataset.index = String(line.index);
    r.dataset.micro = String(line.micro);
    const row = this.rowAt(line.index);
    if (line.micro >= 0) { this.fillMicro(r, line.index, line.micro); return; }
    const exp = this.expanded.has(line.index);
    r.className = 'log-row' + (row ? ` phase-${row.phase}` : ' loading') +
      (row && row.op === this.cursorOp ? ' cursor' : '') + (line.index === this.selected ? ' selected' : '');
    r.setAttribute('aria-selected', String(line.index === this.selected));
    if (!row) { r.append(el('span', { class: 'cell summary' }, '…')); return; }
    r.dataset.op = String(row.op);
    r.append(
      el('span', { class: 'cell twisty', 'data-action': 'expand', title: exp ? 'Collapse' : 'Show micro-operations' }),
      el('span', { class: 'cell opno' }, String(row.op + 1)),
      el('span', { class: `cell kind kind-${row.kind}` }, row.kind),
      el('span', { class: 'cell summary', title: row.text }, row.text),
      el('span', { class: 'cell rc' + (row.rc !== 0 ? ' error' : '') }, row.rc !== 0 ? `rc ${row.rc}` : ''),
      row.events < 0
        ? el('span', { class: 'cell counts', title: 'Index-only session: events are not recorded; expand the row to compute them' }, '— ev')
        : el('span', { class: 'cell counts' }, `${row.events} ev${row.flushes ? ` · ${row.flushes} flush` : ''}`),
    );
    r.firstElementChild?.append(icon(exp ? 'chevron-down' : 'chevron-right'));
    if (row.violations > 0) r.append(el('span', { class: 'cell badge violation', title: `${row.violations} violation(s)` }, `⚠ ${row.violations}`));
    else if (row.diagnostics > 0) r.append(el('span', { class: 'cell badge diag', title: `${row.diagnostics} diagnostic(s)` }, `ℹ ${row.diagnostics}`));
  }

  private fillMicro(r: HTMLElement, index: number, micro: number): void {
    const rows = this.expanded.get(index)?.rows;
    const m = rows?.[micro];
    r.className = 'log-row micro' + (m ? ` phase-${m.phase}` : ' loading');
    r.removeAttribute('data-op');
    if (!m) { r.append(el('span', { class: 'cell summary' }, rows ? '(no events)' : 'loading…')); return; }
    const text = el('span', { class: 'cell summary', title: m.text }, m.text); // full text on hover
    text.style.paddingLeft = `${1.5 + m.depth}em`;
    r.append(el('span', { class: `cell kind ev-${m.kind}` }, m.kind), text);
    if (m.old !== undefined && m.new !== undefined) {
      r.append(el('span', { class: 'cell desc' }, `${m.old} → ${m.new}`));
    }
  }

  private onClick(r: HTMLElement, e: MouseEvent): void {
    const index = Number(r.dataset.index);
    if (!Number.isFinite(index) || Number(r.dataset.micro) >= 0) return;
    const target = e.target as HTMLElement;
    if (target.closest('[data-action="expand"]')) { this.toggleExpand(index); return; }
    this.select(index, false);
    const row = this.rowAt(index);
    if (row) this.host.activate(row);
    this.viewport.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const page = this.visibleCount() - 2;
    const sel = this.selected < 0 ? 0 : this.selected;
    const moves: Record<string, number> = {
      ArrowDown: sel + 1, ArrowUp: sel - 1, PageDown: sel + page, PageUp: sel - page, Home: 0, End: this.total - 1,
    };
    if (e.key in moves) { this.select(moves[e.key]); e.preventDefault(); return; }
    const row = this.rowAt(sel);
    if (!row) return;
    if (e.key === 'Enter') { this.host.activate(row); e.preventDefault(); }
    else if (e.key === ' ' || (e.key === 'ArrowRight' && !this.expanded.has(sel)) || (e.key === 'ArrowLeft' && this.expanded.has(sel))) {
      this.toggleExpand(sel); e.preventDefault();
    }
  }

  /** Current generation: lets the caller drop replies to an outdated filter. */
  get currentGeneration(): number { return this.generation; }
}
