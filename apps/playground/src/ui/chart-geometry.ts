// Where a line chart's lines go, in pixels, free of the canvas: the plot area, the two scales and each
// series as polylines (or, for a band, polygons). A point that cannot be drawn (NaN, or <= 0 on a log axis)
// breaks its line or band.
import { dataExtent, makeScale, niceDomain, type Scale, type ScaleKind } from './scale.js';

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  /** x of each point; default 0, 1, 2, ... */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** A band: the area between `y` and `fillTo` (e.g. a prediction interval's bounds) is shaded, no line. */
  fillTo?: ArrayLike<number>;
}

export interface AxisOptions {
  /** Default linear. */
  yKind?: ScaleKind;
  /** Fixed domains; default: fitted to the data. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** x values are counts (training steps, epochs): ticks only at integers. */
  xIntegers?: boolean;
}

export interface Geometry {
  /** The plot area inside the margins. */
  area: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
  /**
   * Per series: runs of drawable points as [x, y] pixel pairs; for a band, closed polygons (along `y`, then
   * back along `fillTo`), one per run of points where both bounds are drawable.
   */
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
    series.flatMap((s) => (s.fillTo ? [s.y, s.fillTo] : [s.y])),
    yKind,
  );
  if (!yExtent || xs.length === 0) return null;
  const area = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const xExtent: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const xDomain = options.xDomain ?? (xExtent[0] === xExtent[1] ? [xExtent[0], xExtent[0] + 1] : xExtent);
  const yDomain = options.yDomain ?? niceDomain(yExtent, yKind);
  const xLinear = makeScale('linear', xDomain, [area.left, area.right]);
  const x: Scale = options.xIntegers ? { ...xLinear, ticks: () => xLinear.ticks().filter(Number.isInteger) } : xLinear;
  const y = makeScale(yKind, yDomain, [area.bottom, area.top]);
  const lines = series.map((s) => {
    const sx = xsOf(s);
    const ok = (i: number): boolean => drawable(s.y[i]!) && Number.isFinite(sx[i]!) && (!s.fillTo || drawable(s.fillTo[i]!));
    const runs: [number, number][][] = [];
    let run: number[] = [];
    const close = (): void => {
      if (!run.length) return;
      const along = run.map((i): [number, number] => [x.map(sx[i]!), y.map(s.y[i]!)]);
      const back = s.fillTo ? run.map((i): [number, number] => [x.map(sx[i]!), y.map(s.fillTo![i]!)]).reverse() : [];
      runs.push([...along, ...back]);
      run = [];
    };
    for (let i = 0; i < s.y.length; i++)
      if (ok(i)) run.push(i);
      else close();
    close();
    return { series: s, runs };
  });
  return { area, x, y, lines };
}
