// The bundled series (raw files of packages/datasets, in the forecast task's chunk only) with the parse
// options and model defaults of @rnn/timeseries' examples, and the uploaded CSV: its column choices and parse.
import { InvalidArgumentError, raw } from '@rnn/core';
import { sunspotsCsv } from '@rnn/datasets/convert';
import {
  type ForecasterOptions,
  type MissingPolicy,
  parseCsv,
  parseCsvRecords,
  parseTimestamp,
  sliceSeries,
  type TimeSeries,
} from '@rnn/timeseries';
import airline from '../../../../../packages/datasets/data/timeseries/airline-passengers.csv?raw';
import co2 from '../../../../../packages/datasets/data/timeseries/co2-concentration.csv?raw';
import electricity from '../../../../../packages/datasets/data/timeseries/household_power_consumption_days.csv?raw';
import seattle from '../../../../../packages/datasets/data/timeseries/seattle-weather.csv?raw';
import sunspots from '../../../../../packages/datasets/data/timeseries/sunspots_monthly.dat?raw';
import { BUNDLED_NAMES, type BundledName } from './presets.js';

export interface SeriesSource {
  series: TimeSeries;
  target: string;
  /** Forecaster options the series needs beyond the page's settings (calendar, differencing, batch size, ...). */
  options: Partial<ForecasterOptions>;
}

const BUNDLED: Record<BundledName, () => SeriesSource> = {
  airline: () => ({ series: parseCsv(airline, { time: 'Month' }), target: 'Passengers', options: {} }),
  co2: () => ({
    // five months are missing in the source: inserted, then interpolated
    series: parseCsv(co2, { time: 'Date', columns: ['CO2'], gaps: 'insert', missing: 'interpolate' }),
    target: 'CO2',
    options: { difference: 1 }, // seasonal and lag-1 differencing: the yearly growth itself grows
  }),
  sunspots: () => ({
    series: parseCsv(sunspotsCsv(sunspots), { time: 'month' }),
    target: 'sunspots',
    options: { calendar: false, batchSize: 64, patience: 10 }, // no calendar season; zeros: no log
  }),
  seattle: () => ({ series: parseCsv(seattle, { time: 'date', columns: ['temp_max'] }), target: 'temp_max', options: {} }),
  electricity: () => ({
    // the first day (2006-12-16) is a partial day in the source: dropped
    series: sliceSeries(parseCsv(electricity, { time: 'datetime', columns: ['Global_active_power'] }), 1),
    target: 'Global_active_power',
    options: { seasonalDifference: 0 }, // levels with calendar features (seasonal differencing was no better than naive)
  }),
};

export function bundledSeries(name: BundledName): SeriesSource {
  const load = BUNDLED[name];
  if (!load) throw new InvalidArgumentError('params.series', `one of ${BUNDLED_NAMES.join(', ')}`, name);
  return load();
}

// ---- uploaded CSV ----

export interface CsvChoices {
  columns: string[];
  /** Columns whose first value reads as a date or time (candidates for the time index). */
  timeColumns: string[];
  /** Columns whose first value is a number (candidates for the target). */
  numericColumns: string[];
  /** Suggested time column (null: none) and target. */
  time: string | null;
  target: string;
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?']);

/**
 * The header of an uploaded file and a first guess of its time and target columns. An empty or binary file,
 * or one without a numeric column, is an InvalidArgumentError naming `file`; parse problems in the rows are
 * left to parseCsv (uploadedSeries), whose errors name the column and line.
 */
export function csvChoices(text: string): CsvChoices {
  // a NUL byte or an undecodable byte (U+FFFD from the UTF-8 decoder) never occurs in CSV text
  const binary = /[\0\uFFFD]/.exec(text);
  if (binary) throw new InvalidArgumentError('file', 'a CSV text file', raw(`binary data (byte ${binary.index} is not text)`));
  if (text.trim() === '') throw new InvalidArgumentError('file', 'a CSV file with a header line and data rows', raw('an empty file'));
  const records = parseCsvRecords(text);
  const columns = records[0]!.fields.map((f) => f.trim());
  if (records.length < 2) throw new InvalidArgumentError('file', 'data rows after the header line', raw('only a header'));
  const first = (k: number): string => {
    for (const r of records.slice(1)) {
      const cell = r.fields[k]?.trim() ?? '';
      if (!MISSING.has(cell)) return cell;
    }
    return '';
  };
  const timeColumns = columns.filter((_, k) => Number.isFinite(parseTimestamp(first(k))));
  const numericColumns = columns.filter((_, k) => first(k) !== '' && Number.isFinite(Number(first(k))));
  const time = timeColumns.find((c) => !numericColumns.includes(c)) ?? null;
  const target = numericColumns.find((c) => c !== time);
  if (target === undefined)
    throw new InvalidArgumentError(
      'file',
      'at least one numeric column to forecast',
      raw(`columns ${columns.map((c) => `"${c}"`).join(', ')}`),
    );
  return { columns, timeColumns, numericColumns, time, target };
}

export interface UploadChoice {
  text: string;
  /** The time column, or null for a plain sequence. */
  time: string | null;
  target: string;
  missing: MissingPolicy;
  gaps: 'error' | 'insert';
}

/** The uploaded file as a series of its target column, with the library's checks (numbers, time index, missing values). */
export function uploadedSeries(c: UploadChoice): SeriesSource {
  if (c.time === c.target) throw new InvalidArgumentError('target', 'a column other than the time column', c.target);
  const series = parseCsv(c.text, {
    ...(c.time === null ? {} : { time: c.time }),
    columns: [c.target],
    missing: c.missing,
    gaps: c.time === null ? 'error' : c.gaps,
  });
  return { series, target: c.target, options: {} };
}
