// Calendar features of timestamps (UTC): month, quarter, day of week, day of year, hour; encoded as a
// sin/cos pair on the unit circle ('cyclic': December sits next to January) or one-hot.
import { checkOneOf, InvalidArgumentError } from '@rnn/core';
import type { Frequency } from './time.js';

export type CalendarField = 'month' | 'quarter' | 'dayOfWeek' | 'dayOfYear' | 'hour';
export const CALENDAR_FIELDS: readonly CalendarField[] = ['month', 'quarter', 'dayOfWeek', 'dayOfYear', 'hour'];
export type CalendarEncoding = 'cyclic' | 'onehot';

export interface CalendarOptions {
  /** Default: by frequency (see defaultCalendarFields). */
  fields?: readonly CalendarField[];
  /** Default 'cyclic'. */
  encoding?: CalendarEncoding;
}

/** Values 0..period-1 of each field; dayOfWeek starts on Monday (ISO), dayOfYear at 1 January. */
const FIELDS: Record<CalendarField, { period: number; of: (d: Date) => number }> = {
  month: { period: 12, of: (d) => d.getUTCMonth() },
  quarter: { period: 4, of: (d) => Math.floor(d.getUTCMonth() / 3) },
  dayOfWeek: { period: 7, of: (d) => (d.getUTCDay() + 6) % 7 },
  // cyclic over 365.25 days so leap years stay in phase; one-hot has 366 columns
  dayOfYear: { period: 366, of: (d) => Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) },
  hour: { period: 24, of: (d) => d.getUTCHours() },
};

/** Fields that vary within the next-larger cycle of a frequency: hourly data gets hour and day of week, daily data day of week and day of year, monthly data the month. */
export function defaultCalendarFields(f: Frequency): CalendarField[] {
  switch (f.unit) {
    case 'second':
    case 'minute':
    case 'hour':
      return ['hour', 'dayOfWeek'];
    case 'day':
      return f.step === 1 ? ['dayOfWeek', 'dayOfYear'] : ['dayOfYear'];
    case 'week':
      return ['dayOfYear'];
    case 'month':
      return f.step < 12 ? ['month'] : [];
    case 'quarter':
      return ['quarter'];
    default:
      return [];
  }
}

export interface CalendarFeatures {
  names: string[];
  /** Row-major [time.length, names.length]. */
  values: Float64Array;
}

export function checkCalendarOptions(argument: string, o: CalendarOptions): { fields: CalendarField[] | null; encoding: CalendarEncoding } {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(argument, 'calendar options { fields?, encoding? }', o);
  const encoding = checkOneOf(`${argument}.encoding`, o.encoding ?? 'cyclic', ['cyclic', 'onehot'] as const);
  if (o.fields !== undefined && !Array.isArray(o.fields))
    throw new InvalidArgumentError(`${argument}.fields`, 'an array of calendar fields', o.fields);
  const fields = o.fields ? o.fields.map((f, i) => checkOneOf(`${argument}.fields[${i}]`, f, CALENDAR_FIELDS)) : null;
  return { fields, encoding };
}

/** Calendar features of each timestamp, e.g. month_sin, month_cos (cyclic) or month_0 .. month_11 (one-hot). */
export function calendarFeatures(
  time: ArrayLike<number>,
  fields: readonly CalendarField[],
  encoding: CalendarEncoding = 'cyclic',
): CalendarFeatures {
  const names: string[] = [];
  for (const f of fields) {
    checkOneOf('calendar field', f, CALENDAR_FIELDS);
    if (encoding === 'cyclic') names.push(`${f}_sin`, `${f}_cos`);
    else for (let k = 0; k < FIELDS[f].period; k++) names.push(`${f}_${k}`);
  }
  const C = names.length;
  const values = new Float64Array(time.length * C);
  for (let i = 0; i < time.length; i++) {
    const d = new Date(time[i]!);
    let c = i * C;
    for (const f of fields) {
      const { period, of } = FIELDS[f];
      const v = of(d);
      if (encoding === 'onehot') {
        values[c + v] = 1;
        c += period;
      } else {
        const angle = (2 * Math.PI * v) / (f === 'dayOfYear' ? 365.25 : period);
        values[c++] = Math.sin(angle);
        values[c++] = Math.cos(angle);
      }
    }
  }
  return { names, values };
}
