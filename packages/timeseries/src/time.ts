// Timestamps and regular time indexes. Timestamps are milliseconds since 1970-01-01 UTC; text without a zone
// is read as UTC, so local-time data with daylight-saving shifts shows up as duplicated or missing hours.
// Calendar units (month, quarter, year) step by calendar months and keep the day of the month (or the month
// end); fixed units (second .. week) step by a fixed number of milliseconds.
import { checkOneOf, checkPositiveInt, InvalidArgumentError, raw } from '@rnn/core';

export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const TIME_UNITS: readonly TimeUnit[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

/** The spacing of a regular index: `step` units between consecutive timestamps (e.g. { unit: 'minute', step: 15 }). */
export interface Frequency {
  unit: TimeUnit;
  step: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED_MS: Partial<Record<TimeUnit, number>> = { second: SECOND, minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY };
const MONTHS: Partial<Record<TimeUnit, number>> = { month: 1, quarter: 3, year: 12 };
const ADJECTIVE: Record<TimeUnit, string> = {
  second: 'secondly',
  minute: 'minutely',
  hour: 'hourly',
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
};

export function checkFrequency(argument: string, f: unknown): Frequency {
  if (typeof f !== 'object' || f === null) throw new InvalidArgumentError(argument, 'a frequency { unit, step }', f);
  const { unit, step } = f as Frequency;
  return { unit: checkOneOf(`${argument}.unit`, unit, TIME_UNITS), step: checkPositiveInt(`${argument}.step`, step) };
}

/** "monthly", "every 15 minutes". */
export function describeFrequency(f: Frequency): string {
  return f.step === 1 ? ADJECTIVE[f.unit] : `every ${f.step} ${f.unit}s`;
}

const daysInMonth = (year: number, month0: number): number => new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
const isMonthEnd = (d: Date): boolean => d.getUTCDate() === daysInMonth(d.getUTCFullYear(), d.getUTCMonth());
const timeOfDay = (t: number): number => ((t % DAY) + DAY) % DAY;

/** The timestamp k steps after t (k may be negative). */
export function addSteps(t: number, f: Frequency, k: number): number {
  const fixed = FIXED_MS[f.unit];
  if (fixed !== undefined) return t + k * f.step * fixed;
  const d = new Date(t);
  const months = d.getUTCMonth() + k * f.step * MONTHS[f.unit]!;
  const year = d.getUTCFullYear() + Math.floor(months / 12);
  const month0 = ((months % 12) + 12) % 12;
  const last = daysInMonth(year, month0);
  const day = isMonthEnd(d) ? last : Math.min(d.getUTCDate(), last);
  return Date.UTC(year, month0, day) + timeOfDay(t);
}

/** Whole calendar months from a to b when both sit on the same day of the month (or both on month ends) at the same time of day. */
function monthsBetween(a: number, b: number): number | null {
  const da = new Date(a);
  const db = new Date(b);
  if (timeOfDay(a) !== timeOfDay(b)) return null;
  if (da.getUTCDate() !== db.getUTCDate() && !(isMonthEnd(da) && isMonthEnd(db))) return null;
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
}

function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = values[0]!;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > counts.get(best)! || (c === counts.get(best)! && v < best)) best = v;
  }
  return best;
}

/**
 * The frequency of a time index: the most common spacing between consecutive timestamps (so a few gaps do not
 * hide it), in calendar months when every step keeps the day of the month, else in the largest fixed unit
 * dividing it. Irregular spacing is reported by checkTimeIndex.
 */
export function inferFrequency(time: ArrayLike<number>, argument = 'time'): Frequency {
  if (time.length < 2) throw new InvalidArgumentError(argument, 'at least 2 timestamps to infer a frequency', raw(`${time.length}`));
  const deltas: number[] = [];
  const months: (number | null)[] = [];
  for (let i = 1; i < time.length; i++) {
    if (time[i]! <= time[i - 1]!) continue;
    deltas.push(time[i]! - time[i - 1]!);
    months.push(monthsBetween(time[i - 1]!, time[i]!));
  }
  if (deltas.length === 0) throw new InvalidArgumentError(argument, 'increasing timestamps', raw('no increasing pair'));
  const calendar = months.every((m) => m !== null && m > 0) && mode(deltas) >= 28 * DAY;
  if (calendar) {
    const k = mode(months as number[]);
    if (k % 12 === 0) return { unit: 'year', step: k / 12 };
    if (k % 3 === 0) return { unit: 'quarter', step: k / 3 };
    return { unit: 'month', step: k };
  }
  const delta = mode(deltas);
  for (const unit of ['week', 'day', 'hour', 'minute', 'second'] as const)
    if (delta % FIXED_MS[unit]! === 0) return { unit, step: delta / FIXED_MS[unit]! };
  throw new InvalidArgumentError(argument, 'a spacing of whole seconds', raw(`${delta} ms`));
}

/** How many steps of f lie between a and b (b after a), or null when b is not on the grid that starts at a. */
export function stepsBetween(a: number, b: number, f: Frequency): number | null {
  const fixed = FIXED_MS[f.unit];
  if (fixed !== undefined) {
    const k = (b - a) / (fixed * f.step);
    return Number.isInteger(k) ? k : null;
  }
  const m = monthsBetween(a, b);
  const per = MONTHS[f.unit]! * f.step;
  if (m === null || m % per !== 0) return null;
  const k = m / per;
  return addSteps(a, f, k) === b ? k : null;
}

export interface TimeIndexProblem {
  kind: 'unsorted' | 'duplicate' | 'gap' | 'irregular';
  /** Row of the offending timestamp (0-based). */
  row: number;
  /** For gaps: how many timestamps are missing before `row`. */
  missing: number;
}

/**
 * The first problem of a time index for a frequency, or null when it is regular. Problems are looked for in
 * order of severity: unsorted, then duplicated, then off-grid timestamps, then gaps.
 */
export function findTimeIndexProblem(time: ArrayLike<number>, f: Frequency): TimeIndexProblem | null {
  const first = (test: (a: number, b: number) => boolean): number => {
    for (let i = 1; i < time.length; i++) if (test(time[i - 1]!, time[i]!)) return i;
    return -1;
  };
  let row = first((a, b) => b < a);
  if (row > 0) return { kind: 'unsorted', row, missing: 0 };
  row = first((a, b) => b === a);
  if (row > 0) return { kind: 'duplicate', row, missing: 0 };
  row = first((a, b) => stepsBetween(a, b, f) === null);
  if (row > 0) return { kind: 'irregular', row, missing: 0 };
  row = first((a, b) => stepsBetween(a, b, f)! > 1);
  if (row > 0) return { kind: 'gap', row, missing: stepsBetween(time[row - 1]!, time[row]!, f)! - 1 };
  return null;
}

/**
 * Throws an InvalidArgumentError naming the row (through `rowLabel`) of the first unsorted, duplicated or
 * off-grid timestamp, or of the first gap (with the count of missing timestamps).
 */
export function checkTimeIndex(
  time: ArrayLike<number>,
  f: Frequency,
  options: { argument?: string; rowLabel?: (row: number) => string } = {},
): void {
  const p = findTimeIndexProblem(time, f);
  if (!p) return;
  const argument = options.argument ?? 'time';
  const label = options.rowLabel ?? ((r: number) => `row ${r}`);
  const at = `${argument} (${label(p.row)})`;
  const prev = `${formatTimestamp(time[p.row - 1]!)} (${label(p.row - 1)})`;
  const got = formatTimestamp(time[p.row]!);
  const next = formatTimestamp(addSteps(time[p.row - 1]!, f, 1));
  switch (p.kind) {
    case 'unsorted':
      throw new InvalidArgumentError(at, `timestamps in increasing order, after ${prev}`, raw(`${got}, which is earlier (unsorted)`));
    case 'duplicate':
      throw new InvalidArgumentError(at, `a timestamp after ${prev}`, raw(`${got} again (duplicated timestamp)`));
    case 'gap':
      throw new InvalidArgumentError(
        at,
        `${next}, the ${describeFrequency(f)} step after ${prev}`,
        raw(`${got}: ${p.missing} missing timestamp${p.missing > 1 ? 's' : ''}`),
      );
    default:
      throw new InvalidArgumentError(
        at,
        `${next}, the ${describeFrequency(f)} step after ${prev}`,
        raw(`${got}, off the ${describeFrequency(f)} grid`),
      );
  }
}

const TIMESTAMP =
  /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses ISO-like date and time text: "1949", "1949-01", "2012-01-31", "2017-10-01 13:00", "2017-10-01T13:00:05.250Z",
 * "2017-10-01 13:00+02:00" ("/" also separates dates). Text without a zone is UTC. Returns NaN for anything else.
 */
export function parseTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', ms = '0', zone] = m;
  const year = Number(y);
  const month0 = Number(mo) - 1;
  const day = Number(d);
  if (month0 < 0 || month0 > 11 || day < 1 || day > daysInMonth(year, month0) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return Number.NaN;
  let t = Date.UTC(year, month0, day, Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  if (year < 100) t = new Date(t).setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * HOUR + Number(digits.slice(2)) * MINUTE);
  }
  return t;
}

/** "1949-01-01", or "2017-10-01 13:00:00" when the time of day is not midnight (UTC). */
export function formatTimestamp(t: number): string {
  const iso = new Date(t).toISOString();
  return timeOfDay(t) === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
