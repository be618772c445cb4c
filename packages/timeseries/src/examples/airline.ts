// pnpm --filter @rnn/timeseries example:airline [--seeds N] [--hidden N]: the airline passengers series
// (1949-1960), the last 24 months held out. Baselines, then the RNN forecaster with each strategy (log and
// seasonal differencing, a GRU), over several seeds; MASE (m = 12), RMSE, MAPE and the 90% interval coverage.
import { jsBackend } from '@rnn/backend-js';
import { loadTimeSeriesCsv } from '@rnn/datasets';
import {
  column,
  coverage,
  driftForecast,
  Forecaster,
  type ForecastMetrics,
  forecastMetrics,
  formatTimestamp,
  naiveForecast,
  parseCsv,
  STRATEGIES,
  seasonalNaiveForecast,
  splitByTime,
} from '../index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seeds = arg('seeds', 3);
const hiddenSize = arg('hidden', 32);

const series = parseCsv(loadTimeSeriesCsv('airline-passengers'), { time: 'Month' });
const { train, test } = splitByTime(series, { test: 24 });
const history = column(train, 'Passengers');
const actual = column(test!, 'Passengers');
console.log(
  `airline passengers: ${series.length} months; train ${formatTimestamp(train.time![0]!)} .. ${formatTimestamp(train.time!.at(-1)!)}, test (held out) ${formatTimestamp(test!.time![0]!)} .. ${formatTimestamp(test!.time!.at(-1)!)}`,
);

const score = (p: Float64Array): ForecastMetrics => forecastMetrics(actual, p, { training: history, seasonality: 12 });
const row = (name: string, m: ForecastMetrics, extra = ''): void =>
  console.log(
    `${name.padEnd(34)} MASE ${m.mase.toFixed(3)}  RMSE ${m.rmse.toFixed(1).padStart(5)}  MAPE ${m.mape!.toFixed(2).padStart(5)}%  ${extra}`,
  );
row('naive', score(naiveForecast(history, 24)));
row('seasonal naive (m = 12)', score(seasonalNaiveForecast(history, 24, 12)));
row('drift', score(driftForecast(history, 24)));

for (const strategy of STRATEGIES) {
  const runs: ForecastMetrics[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const f = new Forecaster(jsBackend(), { horizon: 24, seasonality: 12, log: true, strategy, hiddenSize, seed });
    const report = await f.fit(train);
    const p = f.predict();
    const m = score(p.point);
    runs.push(m);
    row(
      `GRU ${strategy}, seed ${seed}`,
      m,
      `90% coverage ${(100 * coverage(actual, p.lower!, p.upper!)).toFixed(0).padStart(3)}%  ${report.parameters} weights, ${report.epochs} epochs, ${report.seconds.toFixed(1)} s`,
    );
    if (strategy === 'direct' && seed === 1) {
      const again = Forecaster.load(jsBackend(), f.save()); // the fitted pipeline, scalers and calibration included
      console.log(
        `  saved and loaded: ${f.save().length} bytes, identical forecast: ${again.predict().point.every((v, i) => v === p.point[i])}`,
      );
      again.dispose();
    }
    f.dispose();
  }
  const mean = (k: 'mase' | 'rmse') => runs.reduce((a, m) => a + m[k], 0) / runs.length;
  console.log(`GRU ${strategy}: mean of ${seeds} seeds MASE ${mean('mase').toFixed(3)}, RMSE ${mean('rmse').toFixed(1)}\n`);
}
