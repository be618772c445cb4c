import { InvalidArgumentError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { chartGeometry, MARGIN } from './chart-geometry.js';
import { divergingColor } from './colors.js';
import { fmt } from './dom.js';
import { dataExtent, formatTick, linearScale, logScale, niceDomain, niceStep, timeTicks } from './scale.js';

describe('scales', () => {
  it('maps a linear domain onto a pixel range, including an inverted one (y grows downwards)', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s.map(0)).toBe(100);
    expect(s.map(10)).toBe(0);
    expect(s.map(2.5)).toBe(75);
    expect(s.ticks()).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('gives ticks without floating-point drift', () => {
    expect(linearScale([0, 0.5], [0, 1]).ticks()).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(linearScale([-1, 1], [0, 1]).ticks()).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('maps decades to equal distances on a log scale, with one tick per decade', () => {
    const s = logScale([1e-6, 1], [300, 0]);
    expect(s.map(1e-6)).toBe(300);
    expect(s.map(1)).toBe(0);
    expect(s.map(1e-3)).toBeCloseTo(150, 10);
    expect(s.ticks()).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  });

  it('thins log ticks over wide spans so labels do not collide', () => {
    const ticks = logScale([1e-20, 1e4], [0, 1]).ticks();
    expect(ticks.length).toBeLessThanOrEqual(9);
    expect(ticks[0]).toBe(1e-20);
  });

  it('rejects domains a scale cannot show', () => {
    expect(() => logScale([0, 1], [0, 1])).toThrow(InvalidArgumentError);
    expect(() => logScale([-1, 1], [0, 1])).toThrow(/domain: expected \[lo, hi\] with 0 < lo < hi/);
    expect(() => linearScale([1, 1], [0, 1])).toThrow(/domain: expected finite \[lo, hi\] with lo < hi, received \[1, 1\]/);
    expect(() => linearScale([0, Number.NaN], [0, 1])).toThrow(InvalidArgumentError);
  });

  it('finds the extent of drawable values: non-finite skipped, and <= 0 on log axes', () => {
    const series = [Float64Array.from([3, Number.NaN, -2]), [0, Number.POSITIVE_INFINITY, 5]];
    expect(dataExtent(series, 'linear')).toEqual([-2, 5]);
    expect(dataExtent(series, 'log')).toEqual([3, 5]);
    expect(dataExtent([[Number.NaN], [0, -1]], 'log')).toBeNull();
    expect(dataExtent([], 'linear')).toBeNull();
  });

  it('widens an extent to nice bounds: steps of 1, 2 or 5 × 10^k, or whole decades', () => {
    expect(niceStep(0, 10, 5)).toBe(2);
    expect(niceStep(0, 1, 5)).toBe(0.2);
    expect(niceStep(0, 0.7, 5)).toBe(0.1);
    expect(niceDomain([0.13, 0.87], 'linear')).toEqual([0.1, 0.9]);
    expect(niceDomain([0.13, 1.87], 'linear')).toEqual([0, 2]);
    expect(niceDomain([3.2e-7, 0.25], 'log')).toEqual([1e-7, 1]);
    expect(niceDomain([0.01, 0.01], 'log')).toEqual([0.01, 0.1]);
    expect(niceDomain([5, 5], 'linear')).toEqual([4.4, 5.6]); // ±10%, then to multiples of 0.2
    expect(niceDomain([0, 0], 'linear')).toEqual([-1, 1]);
    expect(() => niceDomain([0, 1], 'log')).toThrow(/extent: expected \[min, max\] with min <= max, both > 0, received \[0, 1\]/);
  });

  it('labels ticks compactly', () => {
    expect(formatTick(1e-6, 'log')).toBe('1e-6');
    expect(formatTick(0.1, 'log')).toBe('0.1');
    expect(formatTick(1000, 'log')).toBe('1000');
    expect(formatTick(1e5, 'log')).toBe('1e5');
    expect(formatTick(0.30000000000000004, 'linear')).toBe('0.3');
    expect(formatTick(2.5e-4, 'linear')).toBe('2.5e-4');
    expect(formatTick(0, 'linear')).toBe('0');
    expect(fmt(0.000123456)).toBe('1.235e-4');
    expect(fmt(Number.NaN)).toBe('NaN');
    expect(fmt(12.3456)).toBe('12.35');
  });
});

describe('time axes', () => {
  const utc = (y: number, m = 1, d = 1, h = 0): number => Date.UTC(y, m - 1, d, h);

  it('ticks whole years, months, days or hours, on multiples of the step', () => {
    const decades = timeTicks(utc(1749), utc(2009, 6), 6);
    expect(decades.ticks).toEqual([1750, 1800, 1850, 1900, 1950, 2000].map((y) => utc(y)));
    expect(decades.label(decades.ticks[0]!)).toBe('1750');
    const years = timeTicks(utc(1955, 1), utc(1960, 12), 7);
    expect(years.ticks).toEqual([1955, 1956, 1957, 1958, 1959, 1960].map((y) => utc(y)));
    const quarters = timeTicks(utc(1959, 1, 15), utc(1960, 12), 8);
    expect(quarters.ticks).toEqual([utc(1959, 4), utc(1959, 7), utc(1959, 10), utc(1960), utc(1960, 4), utc(1960, 7), utc(1960, 10)]);
    expect(quarters.label(quarters.ticks[0]!)).toBe('1959-04');
    const days = timeTicks(utc(2015, 12, 20), utc(2015, 12, 31), 6);
    // every 2nd day counted from 1970-01-01
    expect(days.ticks.map(days.label)).toEqual(['2015-12-21', '2015-12-23', '2015-12-25', '2015-12-27', '2015-12-29', '2015-12-31']);
    const hours = timeTicks(utc(2018, 9, 30, 1), utc(2018, 9, 30, 14), 5);
    expect(hours.ticks.map(hours.label)).toEqual(['09-30 03:00', '09-30 06:00', '09-30 09:00', '09-30 12:00']);
  });

  it('keeps years before 100 as themselves and rejects an empty domain', () => {
    const early = new Date(0).setUTCFullYear(50);
    const t = timeTicks(early, new Date(0).setUTCFullYear(70), 3);
    expect(t.ticks.map(t.label)).toEqual(['0050', '0060', '0070']);
    expect(() => timeTicks(5, 5)).toThrow(/domain: expected finite \[lo, hi\] with lo < hi \(ms\), received \[5, 5\]/);
    expect(() => timeTicks(0, 1, 0)).toThrow(/count: expected an integer >= 1, received 0/);
  });
});

describe('chart geometry', () => {
  it('places points inside the plot area, x by index by default', () => {
    const g = chartGeometry([{ name: 'a', color: 'red', y: [1, 2, 3] }], 400, 200)!;
    expect(g.area).toEqual({ left: MARGIN.left, top: MARGIN.top, right: 400 - MARGIN.right, bottom: 200 - MARGIN.bottom });
    const run = g.lines[0]!.runs[0]!;
    expect(run).toHaveLength(3);
    expect(run[0]![0]).toBe(g.area.left);
    expect(run[2]![0]).toBe(g.area.right);
    // [1, 3] already starts and ends on ticks (step 0.5)
    expect(g.y.domain).toEqual([1, 3]);
    expect(run[0]![1]).toBe(g.area.bottom);
    expect(run[2]![1]).toBe(g.area.top);
  });

  it('puts x ticks only at integers for counts (steps, epochs)', () => {
    const series = [{ name: 'loss', color: 'red', x: [1, 2, 3], y: [3, 2, 1] }];
    expect(chartGeometry(series, 400, 200)!.x.ticks()).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(chartGeometry(series, 400, 200, { xIntegers: true })!.x.ticks()).toEqual([1, 2, 3]);
  });

  it('breaks a line at points it cannot draw and fits the axes to the rest', () => {
    const g = chartGeometry([{ name: 'norms', color: 'red', x: [0, 1, 2, 3, 4], y: [1e-3, 0, 1e-1, Number.NaN, 10] }], 300, 200, {
      yKind: 'log',
    })!;
    expect(g.lines[0]!.runs.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(g.y.domain).toEqual([1e-3, 10]);
    expect(g.x.domain).toEqual([0, 4]);
  });

  it('draws a band as polygons between its two bounds, broken where a bound is missing, and fits y to both', () => {
    const g = chartGeometry(
      [{ name: 'interval', color: 'blue', x: [0, 1, 2, 3], y: [1, 2, Number.NaN, 2], fillTo: [3, 4, 4, 5] }],
      300,
      200,
    )!;
    expect(g.y.domain).toEqual([1, 5]);
    const [first, second] = g.lines[0]!.runs;
    // along the lower bound at x = 0, 1, then back along the upper bound at x = 1, 0
    expect(first!.map(([px]) => px)).toEqual([0, 1, 1, 0].map((v) => g.x.map(v)));
    expect(first!.map(([, py]) => py)).toEqual([1, 2, 4, 3].map((v) => g.y.map(v)));
    expect(second!.map(([, py]) => py)).toEqual([2, 5].map((v) => g.y.map(v)));
  });

  it('uses fixed domains when given, and returns null without drawable data', () => {
    const g = chartGeometry([{ name: 'a', color: 'red', y: [0.5, 0.25] }], 300, 200, { xDomain: [0, 10], yDomain: [0, 1] })!;
    expect(g.x.domain).toEqual([0, 10]);
    expect(g.y.domain).toEqual([0, 1]);
    expect(chartGeometry([{ name: 'a', color: 'red', y: [Number.NaN] }], 300, 200)).toBeNull();
    expect(chartGeometry([], 300, 200)).toBeNull();
  });
});

describe('diagram colours', () => {
  it('is white at 0, saturates at ±limit, grey for non-finite', () => {
    expect(divergingColor(0)).toBe('rgb(255, 255, 255)');
    expect(divergingColor(1)).toBe('rgb(214, 39, 40)');
    expect(divergingColor(5)).toBe('rgb(214, 39, 40)');
    expect(divergingColor(-1)).toBe('rgb(31, 119, 180)');
    expect(divergingColor(Number.NaN)).toBe('rgb(160, 160, 160)');
  });
});
