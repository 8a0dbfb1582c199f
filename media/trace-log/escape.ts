// DOM construction helpers for the trace-log webview. Every string that may come from a trace
// goes through textContent (never innerHTML), and no inline style attributes are written, so
// the strict CSP (no 'unsafe-inline') holds: styling is by class names from trace-log.css.

export type Attrs = Record<string, string | number | boolean | undefined>;

/** Create an element with attributes and plain-text content (escaped by the DOM). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else if (k === 'style' || k.startsWith('on')) throw new Error(`el(): refusing attribute '${k}' (CSP)`);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A codicon glyph (font served from dist/media/codicon.css). */
export function icon(name: string, extra = ''): HTMLElement {
  return el('span', { class: `codicon codicon-${name}${extra ? ' ' + extra : ''}`, 'aria-hidden': 'true' });
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

/** Escape for contexts that need a string (e.g. a title attribute is set via setAttribute, so
 *  this is only used by tests and by text exports). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c] ?? c));
}
