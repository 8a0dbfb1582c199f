// Filter bar of the trace log: kind chips, domain, GFN range, "only violations", full-text
// search, follow-cursor toggle and the brushed time range. Emits a LogFilter; the host does
// the filtering (it holds the data), the webview only describes what it wants.

import type { LogFilter } from '../../extension/session/view-data';
import { clear, el, icon } from './escape';

/** Parse "0x40000-0x7ffff", "0x40000..0x7ffff", "40201" (hex) into an inclusive range. */
export function parseGfnRange(text: string): { first: string; last: string } | { error: string } | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const m = /^(?:0x)?([0-9a-f]+)\s*(?:(?:-|–|\.\.)\s*(?:0x)?([0-9a-f]+))?$/i.exec(t);
  if (!m) return { error: 'expected a GFN or a range like 0x40000-0x7ffff' };
  const first = BigInt('0x' + m[1]);
  const last = m[2] !== undefined ? BigInt('0x' + m[2]) : first;
  if (last < first) return { error: 'range end is below its start' };
  return { first: '0x' + first.toString(16), last: '0x' + last.toString(16) };
}

export interface FilterBarHost {
  changed(filter: LogFilter): void;
  followChanged(follow: boolean): void;
}

export class FilterBar {
  readonly root: HTMLElement;
  private filter: LogFilter;
  private readonly kinds = el('div', { class: 'kind-chips', role: 'group', 'aria-label': 'Operation kinds' });
  private readonly domain = el('select', { class: 'domain', 'aria-label': 'Domain' });
  private readonly gfn = el('input', { class: 'gfn', type: 'text', placeholder: 'GFN range', 'aria-label': 'GFN range', spellcheck: 'false' });
  private readonly search = el('input', { class: 'search', type: 'search', placeholder: 'Search', 'aria-label': 'Full-text search', spellcheck: 'false' });
  private readonly onlyViol = el('input', { type: 'checkbox', id: 'only-violations' });
  private readonly follow = el('input', { type: 'checkbox', id: 'follow-cursor' });
  private readonly brush = el('button', { class: 'brush-clear', hidden: true, title: 'Clear the time range' });
  private readonly touched = el('button', { class: 'touched-clear', hidden: true, title: 'Show all operations again' });
  private readonly error = el('span', { class: 'filter-error', role: 'status' });
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parent: HTMLElement, private readonly host: FilterBarHost, initial: LogFilter, follow: boolean) {
    this.filter = { ...initial };
    this.root = el('div', { class: 'filter-bar' });
    this.follow.checked = follow;
    this.onlyViol.checked = !!initial.onlyViolations;
    this.search.value = initial.text ?? '';
    const searchBox = el('span', { class: 'search-box' });
    searchBox.append(icon('search'), this.search);
    this.root.append(
      this.kinds, this.domain, this.gfn, searchBox,
      labelled(this.onlyViol, 'only violations'), labelled(this.follow, 'follow cursor'), this.brush, this.touched, this.error,
    );
    parent.append(this.root);
    this.domain.addEventListener('change', () => this.update({ domain: this.domain.value === '' ? undefined : Number(this.domain.value) }));
    this.onlyViol.addEventListener('change', () => this.update({ onlyViolations: this.onlyViol.checked || undefined }));
    this.follow.addEventListener('change', () => this.host.followChanged(this.follow.checked));
    this.gfn.addEventListener('change', () => this.applyGfn());
    this.search.addEventListener('input', () => this.debounce(() => this.update({ text: this.search.value || undefined })));
    this.brush.addEventListener('click', () => this.setRange(undefined, undefined));
    this.touched.addEventListener('click', () => this.setTouched(undefined));
  }

  /** Kinds and domains present in the trace, from the host's init message. */
  setChoices(kinds: string[], domains: number[]): void {
    clear(this.kinds);
    const active = new Set(this.filter.kinds ?? []);
    for (const k of kinds) {
      const chip = el('button', { class: 'chip' + (active.has(k) ? ' on' : ''), 'aria-pressed': active.has(k), title: `Show only ${k} (toggle)` }, k);
      chip.addEventListener('click', () => {
        active.has(k) ? active.delete(k) : active.add(k);
        this.update({ kinds: active.size ? [...active] : undefined });
        this.setChoices(kinds, domains);
      });
      this.kinds.append(chip);
    }
    clear(this.domain);
    this.domain.append(el('option', { value: '' }, 'all domains'));
    for (const d of domains) this.domain.append(el('option', { value: d, selected: this.filter.domain === d }, `d${d}`));
  }

  setRange(from: number | undefined, to: number | undefined): void {
    this.brush.hidden = from === undefined;
    clear(this.brush);
    if (from !== undefined && to !== undefined) this.brush.append(icon('close'), document.createTextNode(` ops ${from + 1}–${to + 1}`));
    this.update({ opFrom: from, opTo: to });
  }

  /** "Show in Trace Log" from the tree: only ops whose live writes touched this range. */
  setTouched(t: LogFilter['touched']): void {
    this.touched.hidden = !t;
    clear(this.touched);
    if (t) this.touched.append(icon('close'), document.createTextNode(` touched d${t.domain} ${t.gfnFirst}–${t.gfnLast}`));
    this.update({ touched: t });
  }

  get current(): LogFilter { return this.filter; }

  private applyGfn(): void {
    const r = parseGfnRange(this.gfn.value);
    if (r && 'error' in r) { this.error.textContent = r.error; return; }
    this.error.textContent = '';
    this.update({ gfnFirst: r?.first, gfnLast: r?.last });
  }

  private update(patch: Partial<LogFilter>): void {
    const next: LogFilter = { ...this.filter, ...patch };
    for (const k of Object.keys(next) as Array<keyof LogFilter>) if (next[k] === undefined) delete next[k];
    this.filter = next;
    this.host.changed(next);
  }

  private debounce(f: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(f, 200);
  }
}

function labelled(input: HTMLInputElement, text: string): HTMLElement {
  const l = el('label', { class: 'toggle', for: input.id });
  l.append(input, document.createTextNode(' ' + text));
  return l;
}
