// What the page shows for a trained forecast, free of the DOM: the chart's series (the recent history, the
// actual test values, the forecast with its interval, the three baselines) and the metrics table, computed
// with @rnn/timeseries' baselines and metrics. The end-to-end test computes the same in Node.
import { coverage, driftForecast, type Forecast, forecastMetrics, naiveForecast, seasonalNaiveForecast } from '@rnn/timeseries';
import type { Series } from '../../ui/chart-geometry.js';
import type { TrainedForecast } from './task.js';

export interface MetricRow {
  name: string;
  mae: number;
  rmse: number;
  smape: number;
  mase: number;
  /** Share of the test values inside the prediction interval; null for a forecast without one. */
  coverage: number | null;
}

export interface ForecastView {
  series: Series[];
  metrics: MetricRow[];
  /** Training points plotted (the last few seasons, not the whole history). */
  shown: number;
}

export const COLORS = {
  history: '#555555',
  actual: '#111111',
  forecast: '#1f77b4',
  interval: '#1f77b4',
  naive: '#8c564b',
  seasonalNaive: '#ff7f0e',
  drift: '#2ca02c',
};

/** Training points to plot: three times the longest of season, lookback and horizon, at most all of them. */
export function historyShown(trainLength: number, seasonality: number, lookback: number, horizon: number): number {
  return Math.min(trainLength, 3 * Math.max(seasonality, lookback, horizon));
}

/**
 * Chart series and metrics for a trained job. `model` is the network's forecast of the test period (null when
 * the job was stopped before fit returned: the baselines are still shown).
 */
export function forecastView(t: TrainedForecast, model: Forecast | null): ForecastView {
  const history = t.train.values;
  const n = history.length;
  const shown = historyShown(n, t.seasonality, t.lookback, t.horizon);
  // x: timestamps (ms) with a time index, else the row numbers
  const trainX = t.train.time ? t.train.time.slice(n - shown) : Float64Array.from({ length: shown }, (_, i) => n - shown + i);
  const testX = t.test.time ? t.test.time.slice() : Float64Array.from({ length: t.horizon }, (_, i) => n + i);
  // the test line starts at the last training point, so history and test read as one line
  const joinX = Float64Array.from([trainX[shown - 1]!, ...testX]);
  const joined = (values: ArrayLike<number>): Float64Array => Float64Array.from([history[n - 1]!, ...Array.from(values)]);
  const baselines = [
    { name: 'naive', point: naiveForecast(history, t.horizon), color: COLORS.naive },
    {
      name: `seasonal naive (m = ${t.naiveSeason})`,
      point: seasonalNaiveForecast(history, t.horizon, t.naiveSeason),
      color: COLORS.seasonalNaive,
    },
    { name: 'drift', point: driftForecast(history, t.horizon), color: COLORS.drift },
  ];
  const series: Series[] = [];
  if (model?.lower && model.upper)
    series.push({
      name: `${Math.round((model.level ?? t.level) * 100)}% interval`,
      color: COLORS.interval,
      x: testX,
      y: model.lower,
      fillTo: model.upper,
    });
  series.push(
    { name: 'history', color: COLORS.history, x: trainX, y: history.slice(n - shown) },
    { name: 'actual', color: COLORS.actual, x: joinX, y: joined(t.test.values) },
  );
  if (model) series.push({ name: 'forecast', color: COLORS.forecast, x: testX, y: model.point });
  for (const b of baselines) series.push({ name: b.name, color: b.color, dashed: true, x: testX, y: b.point });

  const score = (name: string, point: Float64Array, lower: Float64Array | null, upper: Float64Array | null): MetricRow => {
    const m = forecastMetrics(t.test.values, point, { training: history, seasonality: t.seasonality });
    return {
      name,
      mae: m.mae,
      rmse: m.rmse,
      smape: m.smape,
      mase: m.mase,
      coverage: lower && upper ? coverage(t.test.values, lower, upper) : null,
    };
  };
  const metrics = [
    ...(model ? [score('forecast', model.point, model.lower, model.upper)] : []),
    ...baselines.map((b) => score(b.name, b.point, null, null)),
  ];
  return { series, metrics, shown };
}
