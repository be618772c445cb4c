// Axis scaling for the charts, free of the DOM: data extents, linear and logarithmic scales, tick positions
// and labels. Non-finite values (a diverged loss) and, on a log axis, values <= 0 are skipped, never clamped.
import { InvalidArgumentError } from '@rnn/core';

export type ScaleKind = 'linear' | 'log';

export interface Scale {
  readonly kind: ScaleKind;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Data value → pixel. */
  map(value: number): number;
  ticks(): number[];
}

/** 10^e exactly as the decimal literal (10 ** -5 is 0.000009999999999999999). */
const pow10 = (e: number): number => Number(`1e${e}`);
/** A multiple of a step without binary drift (3 × 0.1 is 0.30000000000000004). */
const times = (k: number, step: number): number => Number((k * step).toPrecision(12));

const plottable = (v: number, kind: ScaleKind): boolean => Number.isFinite(v) && (kind === 'linear' || v > 0);

/** [min, max] of the values a scale of this kind can show, or null if there are none. */
export function dataExtent(values: Iterable<ArrayLike<number>>, kind: ScaleKind): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const arr of values)
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]!;
      if (!plottable(v, kind)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : null;
}

/** Tick step of 1, 2 or 5 × 10^k giving about `count` intervals over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const power = pow10(Math.floor(Math.log10(raw)));
  const f = raw / power;
  return times(f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10, power);
}

/**
 * A domain that contains the extent and starts and ends on ticks: multiples of a nice step (linear) or
 * whole decades (log). A single value gets room around it.
 */
export function niceDomain(extent: readonly [number, number], kind: ScaleKind, count = 5): [number, number] {
  let [lo, hi] = extent;
  if (!plottable(lo, kind) || !plottable(hi, kind) || lo > hi)
    throw new InvalidArgumentError('extent', `[min, max] with min <= max${kind === 'log' ? ', both > 0' : ''}`, [lo, hi]);
  if (kind === 'log') {
    const a = Math.floor(Math.log10(lo));
    const b = Math.ceil(Math.log10(hi));
    return [pow10(a), pow10(b > a ? b : a + 1)];
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 10;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(lo, hi, count);
  return [times(Math.floor(lo / step), step), times(Math.ceil(hi / step), step)];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number], count = 5): Scale {
  const [d0, d1] = domain;
  if (!(Number.isFinite(d0) && Number.isFinite(d1) && d1 > d0))
    throw new InvalidArgumentError('domain', 'finite [lo, hi] with lo < hi', [d0, d1]);
  const k = (range[1] - range[0]) / (d1 - d0);
  return {
    kind: 'linear',
    domain,
    range,
    map: (v) => range[0] + (v - d0) * k,
    ticks() {
      const step = niceStep(d0, d1, count);
      const out: number[] = [];
      for (let i = Math.ceil(d0 / step - 1e-9); i * step <= d1 + step * 1e-9; i++) out.push(times(i, step));
      return out;
    },
  };
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && Number.isFinite(d1) && d1 > d0))
    throw new InvalidArgumentError('domain', '[lo, hi] with 0 < lo < hi for a log scale', [d0, d1]);
  const l0 = Math.log10(d0);
  const k = (range[1] - range[0]) / (Math.log10(d1) - l0);
  return {
    kind: 'log',
    domain,
    range,
    map: (v) => range[0] + (Math.log10(v) - l0) * k,
    ticks() {
      // one tick per decade; every n-th decade when the span is wide, so labels never overlap
      const a = Math.ceil(l0 - 1e-9);
      const b = Math.floor(Math.log10(d1) + 1e-9);
      const every = Math.max(1, Math.ceil((b - a + 1) / 8));
      const out: number[] = [];
      for (let e = a; e <= b; e += every) out.push(pow10(e));
      return out;
    },
  };
}

export function makeScale(kind: ScaleKind, domain: readonly [number, number], range: readonly [number, number]): Scale {
  return kind === 'log' ? logScale(domain, range) : linearScale(domain, range);
}

/** A short tick label: plain digits for moderate magnitudes, 1e-6 style (log axes) or 2.5e-4 otherwise. */
export function formatTick(value: number, kind: ScaleKind): string {
  if (value === 0) return '0';
  const mag = Math.abs(value);
  if (mag >= 1e-2 && mag < 1e5) return String(Number(value.toPrecision(6)));
  if (kind === 'log') return `${value < 0 ? '-' : ''}1e${Math.round(Math.log10(mag))}`; // log ticks are powers of ten
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}
