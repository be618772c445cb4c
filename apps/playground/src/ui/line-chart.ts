// A small canvas line chart with a DOM legend. Updates are coalesced into one draw per animation frame,
// so a worker posting hundreds of progress events a second costs the page one redraw per frame.
import { type AxisOptions, chartGeometry, type Series } from './chart-geometry.js';
import { fmt, h } from './dom.js';
import { formatTick, timeTicks } from './scale.js';

export interface LineChartOptions extends AxisOptions {
  xLabel: string;
  yLabel: string;
  /** CSS pixels; the canvas keeps the device pixel ratio for sharp lines. */
  height?: number;
  /** Show each series' last value in the legend (the latest loss); default true. */
  legendValues?: boolean;
  /** x values are timestamps (ms, UTC): calendar ticks and date labels. Default false. */
  xTime?: boolean;
}

export class LineChart {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private series: readonly Series[] = [];
  private frame = 0;

  constructor(
    private readonly options: LineChartOptions,
    label: string,
  ) {
    this.canvas = h('canvas', { class: 'chart-canvas', role: 'img', 'aria-label': label });
    this.legend = h('ul', { class: 'chart-legend' });
    this.element = h('figure', { class: 'chart' }, this.canvas, this.legend);
    this.canvas.style.height = `${options.height ?? 220}px`;
    // redraw at the new size when the layout changes (a rotated phone, a resized window)
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.set(this.series)).observe(this.canvas);
    this.set([]);
  }

  /** Replaces the series; drawn on the next animation frame. */
  set(series: readonly Series[]): void {
    this.series = series;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  setDomain(options: AxisOptions): void {
    Object.assign(this.options, options);
    this.set(this.series);
  }

  draw(): void {
    this.frame = 0;
    const canvas = this.canvas;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = canvas.clientWidth || 480;
    const height = canvas.clientHeight || (this.options.height ?? 220);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    this.drawLegend();
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const ink = style.getPropertyValue('--ink').trim() || '#222';
    const faint = style.getPropertyValue('--faint').trim() || '#ddd';
    g.font = '11px system-ui, sans-serif';
    const geo = chartGeometry(this.series, width, height, this.options);
    if (!geo) {
      g.fillStyle = ink;
      g.fillText('no data yet', width / 2 - 30, height / 2);
      return;
    }
    const { area, x, y } = geo;
    // grid and tick labels
    g.strokeStyle = faint;
    g.fillStyle = ink;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of y.ticks()) {
      const py = Math.round(y.map(t)) + 0.5;
      g.beginPath();
      g.moveTo(area.left, py);
      g.lineTo(area.right, py);
      g.stroke();
      g.fillText(formatTick(t, y.kind), area.left - 4, py);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const xTicks = this.options.xTime
      ? timeTicks(x.domain[0], x.domain[1], Math.max(2, Math.floor((area.right - area.left) / 70)))
      : { ticks: x.ticks(), label: (t: number) => formatTick(t, 'linear') };
    for (const t of xTicks.ticks) g.fillText(xTicks.label(t), x.map(t), area.bottom + 4);
    g.fillText(this.options.xLabel, (area.left + area.right) / 2, area.bottom + 16);
    g.save();
    g.translate(10, (area.top + area.bottom) / 2);
    g.rotate(-Math.PI / 2);
    g.fillText(this.options.yLabel, 0, -6);
    g.restore();
    g.strokeStyle = ink;
    g.strokeRect(area.left + 0.5, area.top + 0.5, area.right - area.left, area.bottom - area.top);
    // the lines, clipped to the plot area (fixed domains may cut them)
    g.save();
    g.beginPath();
    g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    g.clip();
    // bands first, under the lines
    g.globalAlpha = 0.2;
    for (const { series, runs } of geo.lines) {
      if (!series.fillTo) continue;
      g.fillStyle = series.color;
      for (const polygon of runs) {
        g.beginPath();
        polygon.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
        g.closePath();
        g.fill();
      }
    }
    g.globalAlpha = 1;
    g.lineWidth = 1.6;
    for (const { series, runs } of geo.lines) {
      if (series.fillTo) continue;
      g.strokeStyle = series.color;
      g.setLineDash(series.dashed ? [5, 4] : []);
      for (const run of runs) {
        g.beginPath();
        run.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
        if (run.length === 1) g.arc(run[0]![0], run[0]![1], 1.5, 0, 2 * Math.PI);
        g.stroke();
      }
    }
    g.restore();
  }

  private drawLegend(): void {
    const summary = this.series.map((s) => {
      let points = 0;
      for (let i = 0; i < s.y.length; i++) if (Number.isFinite(s.y[i]!)) points++;
      return { name: s.name, points, first: s.y.length ? s.y[0]! : null, last: s.y.length ? s.y[s.y.length - 1]! : null };
    });
    // machine-readable too: the end-to-end test reads what the chart holds from here
    this.canvas.dataset.summary = JSON.stringify(summary);
    this.legend.replaceChildren(
      ...this.series.map((s, i) => {
        const last = summary[i]!.last;
        const value = last === null || this.options.legendValues === false ? '' : Number.isFinite(last) ? fmt(last) : 'diverged';
        const swatch = h('span', { class: `swatch${s.dashed ? ' dashed' : ''}${s.fillTo ? ' band' : ''}` });
        swatch.style.borderColor = s.color;
        if (s.fillTo) {
          // a filled box for a band (the colour at the band's 20% opacity; colours are #rrggbb)
          swatch.style.backgroundColor = `${s.color}33`;
          swatch.style.borderTopWidth = '0';
          swatch.style.height = '0.7rem';
        }
        return h('li', {}, swatch, `${s.name} `, h('span', { class: 'legend-value' }, value));
      }),
    );
  }
}
