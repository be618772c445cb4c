// pnpm --filter @rnn/timeseries example:forecast [--series sunspots|co2|seattle|electricity] [--strategy direct|recursive|seq2seq]
// Walk-forward evaluation on four more real series: the RNN forecaster is fitted once on the data before the
// test period, then forecasts from every origin in it (no refit); the baselines forecast from the same origins.
import { jsBackend } from '@rnn/backend-js';
import { loadTimeSeriesCsv } from '@rnn/datasets';
import {
  type Backtest,
  backtest,
  baseline,
  describeFrequency,
  Forecaster,
  type ForecasterOptions,
  formatTimestamp,
  parseCsv,
  type Strategy,
  sliceSeries,
  type TimeSeries,
} from '../index.js';

interface Task {
  name: string;
  series: () => TimeSeries;
  target: string;
  /** Rows at the end evaluated walk-forward, and the spacing of forecast origins. */
  test: number;
  step: number;
  /** MASE's seasonal lag, and the seasonal-naive baseline's. */
  seasonality: number;
  naiveSeason: number;
  options: ForecasterOptions;
  why: string;
}

const tasks: Task[] = [
  {
    name: 'sunspots',
    series: () => parseCsv(loadTimeSeriesCsv('sunspots-monthly'), { time: 'month' }),
    target: 'sunspots',
    test: 240,
    step: 6,
    seasonality: 1,
    naiveSeason: 132,
    options: { horizon: 12, lookback: 48, calendar: false, batchSize: 64, patience: 10 },
    why: 'no calendar season: MASE lag 1; seasonal naive at 132 months (an 11-year solar cycle); levels, no differencing (the series has zeros, so no log)',
  },
  {
    name: 'co2',
    series: () =>
      parseCsv(loadTimeSeriesCsv('co2-concentration'), { time: 'Date', columns: ['CO2'], gaps: 'insert', missing: 'interpolate' }),
    target: 'CO2',
    test: 120,
    step: 12,
    seasonality: 12,
    naiveSeason: 12,
    options: { horizon: 24, seasonality: 12, difference: 1 },
    why: 'five missing months inserted and interpolated; seasonal (12) and lag-1 differencing: the yearly growth itself grows',
  },
  {
    name: 'seattle',
    series: () =>
      parseCsv(loadTimeSeriesCsv('seattle-weather'), { time: 'date', columns: ['temp_max', 'temp_min', 'precipitation', 'wind'] }),
    target: 'temp_max',
    test: 365,
    step: 7,
    seasonality: 1,
    naiveSeason: 365,
    options: { horizon: 7, lookback: 28, pastFeatures: ['temp_min', 'precipitation', 'wind'] },
    why: 'daily maximum temperature with temp_min, precipitation and wind as past covariates; day-of-week/day-of-year calendar; MASE lag 1; seasonal naive = same day last year',
  },
  {
    name: 'electricity',
    // the first day (2006-12-16) is a partial day in the source: dropped
    series: () =>
      sliceSeries(parseCsv(loadTimeSeriesCsv('household-power-days'), { time: 'datetime', columns: ['Global_active_power'] }), 1),
    target: 'Global_active_power',
    test: 365,
    step: 7,
    seasonality: 7,
    naiveSeason: 7,
    options: { horizon: 7, seasonality: 7, lookback: 28, seasonalDifference: 0 },
    why: 'daily household consumption; weekly season (MASE lag 7); levels with calendar features (seasonal differencing at 7 was no better than naive)',
  },
];

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg('series');
const strategy = (arg('strategy') ?? 'direct') as Strategy;

const line = (name: string, r: Backtest): void =>
  console.log(
    `  ${name.padEnd(28)} MASE ${r.metrics.mase.toFixed(3)}  RMSE ${r.metrics.rmse.toPrecision(4).padStart(7)}  sMAPE ${r.metrics.smape.toFixed(2).padStart(6)}%${r.coverage === null ? '' : `  90% coverage ${(100 * r.coverage).toFixed(1)}%`}`,
  );

for (const task of tasks.filter((t) => !only || t.name === only)) {
  const series = task.series();
  const initial = series.length - task.test;
  const evaluate = (model: Parameters<typeof backtest>[0]) =>
    backtest(model, series, { initial, step: task.step, seasonality: task.seasonality, target: task.target });
  console.log(
    `\n${task.name} (${task.target}): ${series.length} ${describeFrequency(series.frequency!)} values to ${formatTimestamp(series.time!.at(-1)!)}; ` +
      `fit on the first ${initial}, forecast ${task.options.horizon} steps from every ${task.step}th origin of the last ${task.test}`,
  );
  console.log(`  (${task.why})`);
  const h = task.options.horizon;
  line('naive', await evaluate(baseline('naive', { horizon: h, target: task.target })));
  line(
    `seasonal naive (m = ${task.naiveSeason})`,
    await evaluate(baseline('seasonalNaive', { horizon: h, seasonality: task.naiveSeason, target: task.target })),
  );
  line('drift', await evaluate(baseline('drift', { horizon: h, target: task.target })));
  if (strategy === 'recursive' && task.options.pastFeatures) {
    console.log('  (the recursive strategy cannot use past-only covariates beyond one step: run this series with direct or seq2seq)');
    continue;
  }
  const model = new Forecaster(jsBackend(), { ...task.options, target: task.target, strategy });
  const r = await evaluate(model);
  line(`GRU ${strategy}`, r);
  const rep = model.report;
  console.log(
    `  ${r.folds.length} origins; GRU ${model.config.hiddenSize} units, lookback ${model.config.lookback}, ${rep.parameters} weights, ` +
      `${rep.windows.train} training windows, ${rep.epochs} epochs (${rep.stopped}), fitted in ${rep.seconds.toFixed(1)} s`,
  );
  model.dispose();
}
