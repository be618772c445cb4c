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

// ---- time axes: x values are timestamps (ms since 1970, UTC) ----

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type TimeUnit = 'hour' | 'day' | 'month' | 'year';
const APPROX: Readonly<Record<TimeUnit, number>> = { hour: HOUR, day: DAY, month: 30.436875 * DAY, year: 365.2425 * DAY };
const TIME_STEPS: readonly [TimeUnit, number][] = [
  ['hour', 1],
  ['hour', 3],
  ['hour', 6],
  ['hour', 12],
  ['day', 1],
  ['day', 2],
  ['day', 7],
  ['day', 14],
  ['month', 1],
  ['month', 2],
  ['month', 3],
  ['month', 6],
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map((n): [TimeUnit, number] => ['year', n]),
];

export interface TimeTicks {
  ticks: number[];
  /** "1958", "1958-03", "2015-03-14" or "03-14 13:00", to the precision of the step. */
  label(t: number): string;
}

/**
 * Calendar ticks over [lo, hi]: about `count` of them (at most count + 1), at whole hours, days, months or years (UTC), on
 * multiples of the step (every 5th year: 1950, 1955, ...).
 */
export function timeTicks(lo: number, hi: number, count = 5): TimeTicks {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new InvalidArgumentError('domain', 'finite [lo, hi] with lo < hi (ms)', [lo, hi]);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('count', 'an integer >= 1', count);
  const [unit, n] = TIME_STEPS.find(([u, k]) => (hi - lo) / (APPROX[u] * k) <= count) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  if (unit === 'year' || unit === 'month') {
    // months since year 0, rounded up to a multiple of the step; setUTCFullYear keeps years 0-99 as themselves
    const monthStart = (m: number): number => new Date(0).setUTCFullYear(Math.floor(m / 12), m % 12, 1);
    const d = new Date(lo);
    let m = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (monthStart(m) < lo) m++;
    const stepMonths = unit === 'year' ? 12 * n : n;
    for (m = Math.ceil(m / stepMonths) * stepMonths; monthStart(m) <= hi; m += stepMonths) ticks.push(monthStart(m));
  } else {
    const span = APPROX[unit] * n;
    for (let t = Math.ceil(lo / span) * span; t <= hi; t += span) ticks.push(t);
  }
  const label = (t: number): string => {
    const iso = new Date(t).toISOString();
    if (unit === 'year') return iso.slice(0, 4);
    if (unit === 'month') return iso.slice(0, 7);
    if (unit === 'day') return iso.slice(0, 10);
    return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  };
  return { ticks, label };
}
