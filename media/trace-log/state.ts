// Webview UI state: filter, follow-cursor toggle, selection, expanded rows. Persisted through
// the webview's getState/setState so a hidden-then-shown panel restores where the user was.

import type { LogFilter } from '../../extension/session/view-data';

export interface UiState {
  filter: LogFilter;
  followCursor: boolean;
  /** Selected row: an index into the filtered list. */
  selected: number;
  /** Ops whose micro-operations are expanded. */
  expanded: number[];
  /** Replay cursor position as last reported by the host (ops applied). */
  cursor: number;
  opCount: number;
  /** Name of the trace the filter belongs to. */
  sessionName?: string;
}

export function initialState(): UiState {
  return { filter: {}, followCursor: true, selected: -1, expanded: [], cursor: 0, opCount: 0 };
}

/** Accept a persisted state only if it has the right shape (it may come from an older build). */
export function restoreState(saved: unknown): UiState {
  const s = initialState();
  if (typeof saved !== 'object' || saved === null) return s;
  const o = saved as Partial<UiState>;
  if (typeof o.followCursor === 'boolean') s.followCursor = o.followCursor;
  if (typeof o.selected === 'number') s.selected = o.selected;
  if (Array.isArray(o.expanded)) s.expanded = o.expanded.filter((x): x is number => typeof x === 'number');
  if (typeof o.filter === 'object' && o.filter !== null) s.filter = o.filter;
  if (typeof o.sessionName === 'string') s.sessionName = o.sessionName;
  return s;
}
