// A time series: named numeric columns over one (optional) time index, and the operations that keep the
// index honest: construction with checks, explicit missing-value policies, slicing and splits by time.
import { checkOneOf, InvalidArgumentError, raw } from '@rnn/core';
import { checkFrequency, checkTimeIndex, type Frequency, formatTimestamp, inferFrequency, parseTimestamp } from './time.js';

export interface TimeSeries {
  /** Timestamps in ms since 1970 UTC, increasing; null for a plain sequence. */
  readonly time: Float64Array | null;
  /** The regular spacing of `time` (null without a time index, or when the index was not checked). */
  readonly frequency: Frequency | null;
  /** Numeric columns by name, each `length` long. */
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly length: number;
}

/**
 * What to do with missing values (NaN): 'error' (default) throws naming the column and row; 'drop' removes
 * the rows; 'forwardFill' repeats the last value; 'interpolate' is linear in time (in row order without a
 * time index). Filling never invents values at the start (forwardFill, interpolate) or end (interpolate):
 * those throw, naming the row.
 */
export type MissingPolicy = 'error' | 'drop' | 'forwardFill' | 'interpolate';
export const MISSING_POLICIES: readonly MissingPolicy[] = ['error', 'drop', 'forwardFill', 'interpolate'];

export interface TimeSeriesInit {
  /** Timestamps: ms numbers, Dates or ISO-like text (see parseTimestamp). Omit for a plain sequence. */
  time?: ArrayLike<number> | readonly (string | Date)[];
  columns: Readonly<Record<string, ArrayLike<number>>>;
  /** 'infer' (default with a time index) checks the index against the inferred frequency; null skips the checks. */
  frequency?: Frequency | 'infer' | null;
  /** Policy for NaN values. Default 'error'. */
  missing?: MissingPolicy;
}

const rowLabel = (r: number): string => `row ${r}`;

function toTime(time: NonNullable<TimeSeriesInit['time']>): Float64Array {
  return Float64Array.from({ length: time.length }, (_, i) => {
    const v = (time as ArrayLike<unknown>)[i];
    const t = typeof v === 'number' ? v : v instanceof Date ? v.getTime() : typeof v === 'string' ? parseTimestamp(v) : Number.NaN;
    if (!Number.isFinite(t)) throw new InvalidArgumentError(`time (row ${i})`, 'a timestamp (ms number, Date or ISO-like text)', v);
    return t;
  });
}

/** Builds a series from arrays, checking lengths, the time index (unsorted, duplicated, missing timestamps) and missing values. */
export function timeSeries(init: TimeSeriesInit): TimeSeries {
  if (typeof init !== 'object' || init === null || typeof init.columns !== 'object' || init.columns === null)
    throw new InvalidArgumentError('series', 'an object { time?, columns }', init);
  const names = Object.keys(init.columns);
  if (names.length === 0) throw new InvalidArgumentError('columns', 'at least one column', raw('none'));
  const length = init.columns[names[0]!]!.length;
  const columns: Record<string, Float64Array> = {};
  for (const name of names) {
    const c = init.columns[name]!;
    if (typeof c?.length !== 'number') throw new InvalidArgumentError(`columns.${name}`, 'an array of numbers', c);
    if (c.length !== length)
      throw new InvalidArgumentError(`columns.${name}`, `${length} values (as column "${names[0]}")`, raw(`${c.length}`));
    columns[name] = Float64Array.from(c, (v, i) => {
      if (typeof v !== 'number' || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
        throw new InvalidArgumentError(`column "${name}" (row ${i})`, 'a finite number (NaN marks a missing value)', v);
      return v;
    });
  }
  if (length === 0) throw new InvalidArgumentError('columns', 'at least one row', raw('0 rows'));
  let time: Float64Array | null = null;
  let frequency: Frequency | null = null;
  if (init.time !== undefined) {
    time = toTime(init.time);
    if (time.length !== length) throw new InvalidArgumentError('time', `${length} timestamps (one per row)`, raw(`${time.length}`));
  }
  const missing = checkOneOf('missing', init.missing ?? 'error', MISSING_POLICIES);
  let series: TimeSeries = { time, frequency: null, columns, length };
  if (missing === 'drop') series = dropMissing(series);
  if (time && init.frequency !== null) {
    const t = series.time!;
    frequency =
      init.frequency === undefined || init.frequency === 'infer' ? inferFrequency(t) : checkFrequency('frequency', init.frequency);
    checkTimeIndex(t, frequency);
    series = { ...series, frequency };
  }
  return fillMissing(series, missing, rowLabel);
}

/** Removes the rows with a NaN in any column. */
export function dropMissing(s: TimeSeries): TimeSeries {
  const names = Object.keys(s.columns);
  const keep: number[] = [];
  for (let i = 0; i < s.length; i++) if (names.every((n) => !Number.isNaN(s.columns[n]![i]!))) keep.push(i);
  if (keep.length === 0)
    throw new InvalidArgumentError('missing', 'rows with values left after "drop"', raw('every row has a missing value'));
  return takeRows(s, keep);
}

function takeRows(s: TimeSeries, rows: readonly number[]): TimeSeries {
  const pick = (a: Float64Array): Float64Array => Float64Array.from(rows, (r) => a[r]!);
  const columns = Object.fromEntries(Object.entries(s.columns).map(([n, c]) => [n, pick(c)]));
  return { time: s.time ? pick(s.time) : null, frequency: s.frequency, columns, length: rows.length };
}

/**
 * Applies a missing-value policy to every column ('drop' included). `rowLabel` names rows in errors
 * (the CSV parser passes file lines).
 */
export function fillMissing(s: TimeSeries, policy: MissingPolicy, label: (row: number) => string = rowLabel): TimeSeries {
  if (policy === 'drop') return dropMissing(s);
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(s.columns)) {
    const v = values.slice();
    const where = (r: number): string => `column "${name}" (${label(r)}${s.time ? `, ${formatTimestamp(s.time[r]!)}` : ''})`;
    let last = -1; // last row with a value
    for (let i = 0; i < v.length; i++) {
      if (!Number.isNaN(v[i]!)) {
        if (policy === 'interpolate' && last >= 0 && last < i - 1) {
          // linear between rows last and i, in time when there is a time index
          const x0 = s.time ? s.time[last]! : last;
          const x1 = s.time ? s.time[i]! : i;
          for (let k = last + 1; k < i; k++) {
            const w = ((s.time ? s.time[k]! : k) - x0) / (x1 - x0);
            v[k] = v[last]! + w * (v[i]! - v[last]!);
          }
        }
        last = i;
        continue;
      }
      if (policy === 'error')
        throw new InvalidArgumentError(
          where(i),
          'a number (or a missing policy: "drop", "forwardFill" or "interpolate")',
          raw('a missing value'),
        );
      if (last < 0)
        throw new InvalidArgumentError(
          where(i),
          `a value before the first missing one for "${policy}"`,
          raw('a missing value at the start'),
        );
      if (policy === 'forwardFill') {
        v[i] = v[last]!;
        last = i;
      }
    }
    if (policy === 'interpolate' && last < v.length - 1)
      throw new InvalidArgumentError(
        where(last + 1),
        'a value after the last missing one for "interpolate"',
        raw('missing values up to the end'),
      );
    columns[name] = v;
  }
  return { ...s, columns };
}

/** Rows [start, end) of a series (negative indexes count from the end, as Array.prototype.slice). */
export function sliceSeries(s: TimeSeries, start: number, end = s.length): TimeSeries {
  const a = start < 0 ? Math.max(0, s.length + start) : Math.min(start, s.length);
  const b = end < 0 ? Math.max(0, s.length + end) : Math.min(end, s.length);
  if (b <= a) throw new InvalidArgumentError('slice', `a non-empty row range within 0..${s.length}`, raw(`[${start}, ${end})`));
  const columns = Object.fromEntries(Object.entries(s.columns).map(([n, c]) => [n, c.slice(a, b)]));
  return { time: s.time ? s.time.slice(a, b) : null, frequency: s.frequency, columns, length: b - a };
}

/** The values of one column; names the available columns when it does not exist. */
export function column(s: TimeSeries, name: string): Float64Array {
  const c = s.columns[name];
  if (!c)
    throw new InvalidArgumentError(
      'column',
      `one of ${Object.keys(s.columns)
        .map((n) => `"${n}"`)
        .join(', ')}`,
      name,
    );
  return c;
}

/** A size given as a count (integer >= 1) or as a fraction of n (0 < f < 1), in rows. */
function rowsOf(argument: string, v: number | undefined, n: number): number {
  if (v === undefined || v === 0) return 0;
  if (typeof v !== 'number' || !(v > 0) || (v >= 1 && !Number.isInteger(v)))
    throw new InvalidArgumentError(argument, 'a row count (integer >= 1) or a fraction in (0, 1)', v);
  return v < 1 ? Math.round(v * n) : v;
}

export interface TimeSplit {
  train: TimeSeries;
  validation: TimeSeries | null;
  test: TimeSeries | null;
}

/**
 * Splits by time, never shuffling: train, then validation, then test, each a contiguous block.
 * Sizes are row counts or fractions of the whole series.
 */
export function splitByTime(s: TimeSeries, sizes: { validation?: number; test?: number }): TimeSplit {
  const nTest = rowsOf('test', sizes?.test, s.length);
  const nVal = rowsOf('validation', sizes.validation, s.length);
  const nTrain = s.length - nTest - nVal;
  if (nTrain < 1)
    throw new InvalidArgumentError('validation + test', `fewer than ${s.length} rows (the series length)`, raw(`${nVal} + ${nTest} rows`));
  return {
    train: sliceSeries(s, 0, nTrain),
    validation: nVal > 0 ? sliceSeries(s, nTrain, nTrain + nVal) : null,
    test: nTest > 0 ? sliceSeries(s, nTrain + nVal) : null,
  };
}

/** A plain array becomes a one-column series named "value"; a TimeSeries is checked and returned. */
export function asSeries(input: TimeSeries | ArrayLike<number>, argument = 'series'): TimeSeries {
  if (typeof input === 'object' && input !== null && 'columns' in input && 'length' in input) {
    const s = input as TimeSeries;
    for (const [n, c] of Object.entries(s.columns))
      if (!(c instanceof Float64Array) || c.length !== s.length)
        throw new InvalidArgumentError(`${argument}.columns.${n}`, `a Float64Array of ${s.length} values`, c);
    return s;
  }
  if (typeof input !== 'object' || input === null || typeof (input as ArrayLike<number>).length !== 'number')
    throw new InvalidArgumentError(argument, 'a TimeSeries or an array of numbers', input);
  return timeSeries({ columns: { value: input as ArrayLike<number> } });
}
