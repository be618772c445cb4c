// Loaders for the time-series data sets (data/timeseries) and Japanese Vowels (data/japanese-vowels).
// They return the files' text; parsing is @rnn/timeseries' job (parseCsv, parseUea), so examples show the
// same path a user takes with their own files.
import { readFileSync } from 'node:fs';
import { sunspotsCsv } from './convert.js';

const read = (path: string): string => readFileSync(new URL(`../data/${path}`, import.meta.url), 'utf8');

export type TimeSeriesName =
  | 'airline-passengers'
  | 'co2-concentration'
  | 'seattle-weather'
  | 'household-power-days'
  | 'metro-traffic'
  | 'sunspots-monthly';

const FILES: Record<Exclude<TimeSeriesName, 'sunspots-monthly'>, string> = {
  'airline-passengers': 'timeseries/airline-passengers.csv',
  'co2-concentration': 'timeseries/co2-concentration.csv',
  'seattle-weather': 'timeseries/seattle-weather.csv',
  'household-power-days': 'timeseries/household_power_consumption_days.csv',
  'metro-traffic': 'timeseries/Metro_Interstate_Traffic_Volume_2017-10_2018-09.csv',
};

/**
 * A time series as CSV text (sources and licences in data/timeseries/README.md):
 * - airline-passengers: `"Month","Passengers"`, 144 months 1949-01..1960-12 (CRLF line ends);
 * - co2-concentration: `Date,CO2,adjusted CO2`, 741 months 1958-03..2020-04 (5 months missing);
 * - seattle-weather: `date,precipitation,temp_max,temp_min,wind,weather`, 1,461 days 2012..2015;
 * - household-power-days: `datetime,Global_active_power,...` daily sums, 1,442 days 2006-12-16..2010-11-26;
 * - metro-traffic: `holiday,temp,...,date_time,traffic_volume` hourly, 2017-10..2018-09: 10,602 rows for 8,733
 *   distinct hours (repeated hours, one row per weather condition; 27 hours missing);
 * - sunspots-monthly: `month,sunspots`, 3,126 months 1749-01..2009-06, converted from the wide NOAA table.
 */
export function loadTimeSeriesCsv(name: TimeSeriesName): string {
  if (name === 'sunspots-monthly') return sunspotsCsv(read('timeseries/sunspots_monthly.dat'));
  const file = FILES[name];
  if (!file)
    throw new Error(
      `loadTimeSeriesCsv: expected one of ${[...Object.keys(FILES), 'sunspots-monthly'].join(', ')}, received ${JSON.stringify(name)}`,
    );
  return read(file);
}

/** Japanese Vowels (UCI, CC BY 4.0) in the UEA `.ts` text format: 270 training and 370 test utterances, 12 channels, 9 speakers. */
export function loadJapaneseVowels(): { train: string; test: string } {
  return { train: read('japanese-vowels/JapaneseVowels_TRAIN.uea.txt'), test: read('japanese-vowels/JapaneseVowels_TEST.uea.txt') };
}
