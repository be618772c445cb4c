// The worker side of the forecasting page: a bundled series or an uploaded CSV, its last `horizon` points held
// out as the test period, and a @rnn/timeseries Forecaster fitted on the rest, one epoch per step (the async
// fit parked between epochs by EpochBridge). The result is the saved forecaster (or null if the job was
// stopped before fit returned) and the series the page plots and scores against.
import { InvalidArgumentError, raw } from '@rnn/core';
import { CELL_KINDS, column, type FitReport, Forecaster, MISSING_POLICIES, STRATEGIES, sliceSeries } from '@rnn/timeseries';
import { checkKnown, intParam, oneOfParam } from '../../training/params.js';
import type { TaskDefinition, TaskRun } from '../../training/task.js';
import { EpochBridge } from './epoch-bridge.js';
import { BUNDLED_NAMES, PRESETS } from './presets.js';
import { bundledSeries, type SeriesSource, type UploadChoice, uploadedSeries } from './series.js';

type Params = Readonly<Record<string, unknown>>;

/** A column's values with its timestamps (ms, UTC; null for a plain sequence). */
export interface Values {
  time: Float64Array | null;
  values: Float64Array;
}

export interface TrainedForecast {
  /** `forecaster.save()`, or null when the job was stopped before fit returned (no fitted model). */
  forecaster: Uint8Array | null;
  report: FitReport | null;
  /** Epochs run (also when stopped). */
  epochs: number;
  target: string;
  seasonality: number;
  naiveSeason: number;
  horizon: number;
  lookback: number;
  level: number;
  /** What the forecaster was fitted on, and the held-out test period (the last `horizon` points). */
  train: Values;
  test: Values;
}

/** The series a job trains on: `params.series` names a bundled series, or is "upload" with `params.csv`. */
function source(params: Params): SeriesSource {
  const name = oneOfParam(params, 'series', 'airline', [...BUNDLED_NAMES, 'upload']);
  if (name !== 'upload') {
    if (params.csv !== undefined) throw new InvalidArgumentError('params.csv', 'no CSV with a bundled series', raw('a CSV'));
    return bundledSeries(name);
  }
  const csv = params.csv as Partial<UploadChoice> | undefined;
  if (typeof csv !== 'object' || csv === null || typeof csv.text !== 'string' || typeof csv.target !== 'string')
    throw new InvalidArgumentError('params.csv', '{ text, time, target, missing, gaps } for an uploaded series', csv);
  checkKnown(csv, ['text', 'time', 'target', 'missing', 'gaps']);
  if (csv.time != null && typeof csv.time !== 'string')
    throw new InvalidArgumentError('params.csv.time', 'a column name or null', csv.time);
  return uploadedSeries({
    text: csv.text,
    time: csv.time ?? null,
    target: csv.target,
    missing: oneOfParam(csv, 'missing', 'error', MISSING_POLICIES),
    gaps: oneOfParam(csv, 'gaps', 'error', ['error', 'insert'] as const),
  });
}

/** A run whose dispose() resolves once the fit has run out and the network is released (tests await it). */
export interface ForecastRun extends TaskRun {
  dispose(): Promise<void>;
}

export const forecastTask: TaskDefinition<ForecastRun> = {
  name: 'forecast',
  create(backend, params) {
    checkKnown(params, [
      'series',
      'csv',
      'cell',
      'hiddenSize',
      'strategy',
      'horizon',
      'lookback',
      'epochs',
      'seed',
      'level',
      'seasonality',
      'naiveSeason',
      'log',
    ]);
    const { series, target, options } = source(params);
    const preset = params.series === undefined || params.series === 'upload' ? null : PRESETS[params.series as keyof typeof PRESETS];
    const seasonality = intParam(params, 'seasonality', preset?.seasonality ?? 1, 1, 1000);
    const horizon = intParam(params, 'horizon', preset?.horizon ?? 12, 1, 1000);
    const lookback = intParam(params, 'lookback', preset?.lookback ?? (seasonality > 1 ? 2 * seasonality : 2 * horizon), 1, 5000);
    const naiveSeason = intParam(params, 'naiveSeason', preset?.naiveSeason ?? seasonality, 1, 5000);
    const level = params.level ?? 0.9;
    if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new InvalidArgumentError('params.level', 'a number in (0, 1)', level);
    const log = params.log ?? preset?.log ?? false;
    if (typeof log !== 'boolean') throw new InvalidArgumentError('params.log', 'true or false', log);
    const n = series.length;
    if (horizon >= n) throw new InvalidArgumentError('params.horizon', `less than ${n} (the series length)`, horizon);
    const trainPart = sliceSeries(series, 0, n - horizon);
    const testPart = sliceSeries(series, n - horizon);
    const forecaster = new Forecaster(backend, {
      ...options,
      target,
      horizon,
      lookback,
      seasonality,
      log,
      level,
      cell: oneOfParam(params, 'cell', 'gru', CELL_KINDS),
      hiddenSize: intParam(params, 'hiddenSize', 32, 1, 256),
      strategy: oneOfParam(params, 'strategy', 'direct', STRATEGIES),
      epochs: intParam(params, 'epochs', preset?.epochs ?? 100, 1, 5000),
      seed: intParam(params, 'seed', 1, 0, 2 ** 31 - 1),
    });
    const bridge = new EpochBridge((hooks) => forecaster.fit(trainPart, hooks));
    const values = (s: typeof series): Values => ({ time: s.time, values: column(s, target) });
    return {
      info: { points: n, train: trainPart.length, test: horizon, target },
      step: () => bridge.step(),
      result: (): TrainedForecast => {
        const report = bridge.value; // null: fit has not returned
        return {
          forecaster: report ? forecaster.save() : null,
          report,
          epochs: bridge.epochs,
          target,
          seasonality,
          naiveSeason,
          horizon,
          lookback,
          level,
          train: values(trainPart),
          test: values(testPart),
        };
      },
      // a parked fit is aborted and runs out in the background; then its network is released
      dispose: () => bridge.dispose(() => forecaster.dispose()),
    };
  },
};
