// Where a line chart's lines go, in pixels, free of the canvas: the plot area, the two scales and each
// series as polylines. A point that cannot be drawn (NaN, or <= 0 on a log axis) breaks its line.
import { dataExtent, makeScale, niceDomain, type Scale, type ScaleKind } from './scale.js';

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  /** x of each point; default 0, 1, 2, ... */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface AxisOptions {
  /** Default linear. */
  yKind?: ScaleKind;
  /** Fixed domains; default: fitted to the data. */
  xDomain?: [number, number];
  yDomain?: [number, number];
}

export interface Geometry {
  /** The plot area inside the margins. */
  area: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
  /** Per series: runs of drawable points as [x, y] pixel pairs. */
  lines: { series: Series; runs: [number, number][][] }[];
}

export const MARGIN = { left: 52, right: 12, top: 10, bottom: 30 };

const xsOf = (s: Series): ArrayLike<number> => s.x ?? Float64Array.from({ length: s.y.length }, (_, i) => i);

/** Geometry for series drawn in a width × height box; null when no series has a drawable point. */
export function chartGeometry(series: readonly Series[], width: number, height: number, options: AxisOptions = {}): Geometry | null {
  const yKind = options.yKind ?? 'linear';
  const drawable = (v: number): boolean => Number.isFinite(v) && (yKind === 'linear' || v > 0);
  // x extent over the points that have a drawable y, so a diverged tail does not stretch the axis
  const xs: number[] = [];
  for (const s of series) {
    const x = xsOf(s);
    for (let i = 0; i < s.y.length; i++) if (drawable(s.y[i]!) && Number.isFinite(x[i]!)) xs.push(x[i]!);
  }
  const yExtent = dataExtent(
    series.map((s) => s.y),
    yKind,
  );
  if (!yExtent || xs.length === 0) return null;
  const area = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const xExtent: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const xDomain = options.xDomain ?? (xExtent[0] === xExtent[1] ? [xExtent[0], xExtent[0] + 1] : xExtent);
  const yDomain = options.yDomain ?? niceDomain(yExtent, yKind);
  const x = makeScale('linear', xDomain, [area.left, area.right]);
  const y = makeScale(yKind, yDomain, [area.bottom, area.top]);
  const lines = series.map((s) => {
    const sx = xsOf(s);
    const runs: [number, number][][] = [];
    let run: [number, number][] = [];
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i]!;
      if (drawable(v) && Number.isFinite(sx[i]!)) run.push([x.map(sx[i]!), y.map(v)]);
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length) runs.push(run);
    return { series: s, runs };
  });
  return { area, x, y, lines };
}
