// Strategy comparison table ("P2M: Compare Strategies"): one column per strategy, one row per
// measure, so differences (flushes, live writes, violations) line up side by side.

import type { StrategyResult } from '../../extension/session/view-data';
import { clear, el } from './escape';

const MEASURES: Array<[keyof StrategyResult, string]> = [
  ['tlbFlushes', 'TLB flushes'],
  ['liveWrites', 'live PTE writes'],
  ['tableAllocs', 'table pages allocated'],
  ['tableFrees', 'table pages freed'],
  ['violations', 'BBM violations'],
  ['stats', 'Xen stats 1G/2M/4K'],
];

export function renderStrategyTable(parent: HTMLElement, results: StrategyResult[]): void {
  clear(parent);
  parent.hidden = results.length === 0;
  if (results.length === 0) return;
  const table = el('table', { class: 'strategy-table' });
  const head = el('tr');
  head.append(el('th', {}, 'measure'));
  for (const r of results) head.append(el('th', { title: r.note ?? '' }, r.strategy + (r.available ? '' : ' (n/a)')));
  table.append(head);
  for (const [key, label] of MEASURES) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, label));
    const values = results.map(r => r[key]);
    const nums = values.filter((v): v is number => typeof v === 'number');
    const best = nums.length ? Math.min(...nums) : undefined;
    for (const v of values) {
      const cls = typeof v === 'number' && nums.length > 1 && v === best ? 'best' : (key === 'violations' && typeof v === 'number' && v > 0 ? 'bad' : '');
      tr.append(el('td', { class: cls }, v === undefined ? '—' : String(v)));
    }
    table.append(tr);
  }
  const notes = results.filter(r => r.note);
  parent.append(el('h3', {}, 'Strategy comparison'), table);
  for (const r of notes) parent.append(el('p', { class: 'note' }, `${r.strategy}: ${r.note}`));
}
