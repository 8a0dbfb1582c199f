// Plots over replay time, drawn on one canvas: mapping counts (Xen's counters solid, true
// counts dashed), TLB flushes, table pages in use and violations, each in its own strip.
// Drag across the canvas to brush a time range (filters the log); a click moves the cursor.
// Colours come from VS Code's theme variables (--vscode-charts-*), re-read on theme change.

import type { PlotData, PlotSeries, PlotSeriesId } from '../../extension/session/view-data';

export interface PlotsHost {
  brushed(opFrom: number, opTo: number): void;
  clicked(op: number): void;
}

interface Strip { title: string; ids: PlotSeriesId[]; bars: boolean }

const STRIPS: Strip[] = [
  { title: 'mappings 1G / 2M / 4K (Xen solid, true dashed)', ids: ['xen1G', 'xen2M', 'xen4K', 'true1G', 'true2M', 'true4K'], bars: false },
  { title: 'TLB flushes', ids: ['flushes'], bars: true },
  { title: 'table pages in use', ids: ['tablePages'], bars: false },
  { title: 'violations', ids: ['violations'], bars: true },
];

const COLOR_VARS: Record<PlotSeriesId, string> = {
  xen1G: '--vscode-charts-purple', true1G: '--vscode-charts-purple',
  xen2M: '--vscode-charts-blue', true2M: '--vscode-charts-blue',
  xen4K: '--vscode-charts-green', true4K: '--vscode-charts-green',
  flushes: '--vscode-charts-orange', tablePages: '--vscode-charts-yellow', violations: '--vscode-charts-red',
};

const PAD_LEFT = 48;
const STRIP_H = 56;
const GAP = 16;

/** Map a canvas x (CSS px) to an op index: pure, shared with tests. */
export function xToOp(x: number, width: number, opCount: number): number {
  const w = Math.max(1, width - PAD_LEFT);
  const t = Math.min(1, Math.max(0, (x - PAD_LEFT) / w));
  return Math.min(Math.max(0, opCount - 1), Math.floor(t * opCount));
}

export function opToX(op: number, width: number, opCount: number): number {
  return PAD_LEFT + (Math.max(1, width - PAD_LEFT) * op) / Math.max(1, opCount);
}

/** Upper bound of a strip's axis: the max over its series (at least 1, so flat lines show). */
export function stripMax(series: PlotSeries[]): number {
  let m = 1;
  for (const s of series) for (const v of s.values) if (v > m) m = v;
  return m;
}

export class Plots {
  readonly canvas: HTMLCanvasElement;
  private data: PlotData | undefined;
  private cursor = 0;
  private brush: { from: number; to: number } | undefined;
  private drag: { x0: number; x1: number } | undefined;

  constructor(parent: HTMLElement, private readonly host: PlotsHost) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'plots';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Plots over time: mappings, TLB flushes, table pages, violations');
    parent.append(this.canvas);
    this.canvas.addEventListener('mousedown', e => { this.drag = { x0: e.offsetX, x1: e.offsetX }; });
    this.canvas.addEventListener('mousemove', e => { if (this.drag) { this.drag.x1 = e.offsetX; this.draw(); } });
    window.addEventListener('mouseup', e => this.endDrag(e));
    new ResizeObserver(() => this.draw()).observe(this.canvas);
    // Theme switches change body classes; redraw with the new colours.
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  setData(d: PlotData): void { this.data = d; this.draw(); }
  setCursor(position: number): void { this.cursor = position; this.draw(); }
  setBrush(from: number | undefined, to: number | undefined): void {
    this.brush = from === undefined || to === undefined ? undefined : { from, to };
    this.draw();
  }

  private endDrag(e: MouseEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || !this.data || e.target !== this.canvas && Math.abs(d.x1 - d.x0) < 3) { this.draw(); return; }
    const width = this.canvas.clientWidth;
    const a = xToOp(Math.min(d.x0, d.x1), width, this.data.opCount);
    const b = xToOp(Math.max(d.x0, d.x1), width, this.data.opCount);
    if (Math.abs(d.x1 - d.x0) < 3) this.host.clicked(a);
    else { this.brush = { from: a, to: b }; this.host.brushed(a, b); }
    this.draw();
  }

  private color(id: PlotSeriesId): string {
    return getComputedStyle(document.body).getPropertyValue(COLOR_VARS[id]).trim() || '#888';
  }

  draw(): void {
    const c = this.canvas;
    const width = c.clientWidth;
    const height = STRIPS.length * (STRIP_H + GAP) + GAP;
    c.style.height = `${height}px`;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.floor(width * dpr));
    c.height = Math.floor(height * dpr);
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const style = getComputedStyle(document.body);
    const fg = style.getPropertyValue('--vscode-foreground').trim() || '#ccc';
    const font = style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
    g.font = `11px ${font}`;
    const d = this.data;
    if (!d || d.opCount === 0) { g.fillStyle = fg; g.fillText('No operations.', PAD_LEFT, 20); return; }
    const n = d.bucketStart.length;
    const bw = (width - PAD_LEFT) / Math.max(1, n);
    STRIPS.forEach((strip, si) => {
      const top = GAP + si * (STRIP_H + GAP);
      const series = strip.ids.map(id => d.series.find(s => s.id === id)).filter((s): s is PlotSeries => !!s);
      const max = stripMax(series);
      g.fillStyle = fg;
      g.globalAlpha = 0.8;
      g.fillText(strip.title, PAD_LEFT, top - 4);
      g.fillText(String(max), 2, top + 9);
      g.fillText('0', 2, top + STRIP_H);
      g.globalAlpha = 0.25;
      g.fillRect(PAD_LEFT, top + STRIP_H, width - PAD_LEFT, 1);
      g.globalAlpha = 1;
      for (const s of series) {
        g.strokeStyle = g.fillStyle = this.color(s.id);
        const y = (v: number) => top + STRIP_H - (v / max) * STRIP_H;
        if (strip.bars) {
          s.values.forEach((v, i) => { if (v > 0) g.fillRect(PAD_LEFT + i * bw, y(v), Math.max(1, bw - 1), top + STRIP_H - y(v)); });
          continue;
        }
        g.setLineDash(s.id.startsWith('true') ? [4, 3] : []);
        g.lineWidth = 1.5;
        // Step line: a value holds for its whole bucket, so even a single bucket shows.
        g.beginPath();
        s.values.forEach((v, i) => {
          const x0 = PAD_LEFT + i * bw;
          if (i === 0) g.moveTo(x0, y(v)); else g.lineTo(x0, y(v));
          g.lineTo(x0 + bw, y(v));
        });
        g.stroke();
        g.setLineDash([]);
      }
    });
    // Brush (committed or in progress) and the replay cursor.
    const sel = style.getPropertyValue('--vscode-editor-selectionBackground').trim() || 'rgba(80,140,255,0.3)';
    const range = this.drag
      ? [Math.min(this.drag.x0, this.drag.x1), Math.max(this.drag.x0, this.drag.x1)]
      : this.brush ? [opToX(this.brush.from, width, d.opCount), opToX(this.brush.to + 1, width, d.opCount)] : undefined;
    if (range) { g.fillStyle = sel; g.globalAlpha = 0.5; g.fillRect(range[0], 0, Math.max(1, range[1] - range[0]), height); g.globalAlpha = 1; }
    const cx = opToX(this.cursor, width, d.opCount);
    g.fillStyle = style.getPropertyValue('--vscode-editorCursor-foreground').trim() || fg;
    g.fillRect(cx, 0, 1.5, height);
  }
}
