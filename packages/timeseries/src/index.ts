// @rnn/timeseries: forecasting and sequence classification on @rnn/core.

export { type Backtest, type BacktestFold, type BacktestOptions, backtest, type Origin, rollingOrigins } from './backtest.js';
export {
  BASELINE_KINDS,
  BaselineForecaster,
  type BaselineKind,
  type BaselineOptions,
  baseline,
  driftForecast,
  naiveForecast,
  seasonalNaiveForecast,
} from './baselines.js';
export {
  CALENDAR_FIELDS,
  type CalendarEncoding,
  type CalendarFeatures,
  type CalendarField,
  type CalendarOptions,
  calendarFeatures,
  defaultCalendarFields,
} from './calendar.js';
export {
  type ClassifierEvaluation,
  type ClassifierFitReport,
  type ClassifierOptions,
  type LabelledSequences,
  padSequences,
  type Sequence,
  SequenceClassifier,
} from './classifier.js';
export { conformalInterval, conformalQuantile } from './conformal.js';
export { type CsvOptions, type CsvRecord, parseCsv, parseCsvRecords } from './csv.js';
export { CELL_KINDS, type CellKind, type EncoderDecoderLayer, type EncoderDecoderOptions, encoderDecoder } from './encoder-decoder.js';
export type { Forecast, ForecastModel, PredictOptions } from './forecast-model.js';
export { type FitOptions, type FitReport, Forecaster, type ForecastResult, forecast } from './forecaster.js';
export { type ForecasterConfig, type ForecasterOptions, STRATEGIES, type Strategy } from './forecaster-config.js';
export { coverage, type ForecastMetrics, forecastMetrics, mae, mape, mase, naiveScale, rmse, smape } from './metrics.js';
export { SCALER_KINDS, Scaler, type ScalerKind, type ScalerState } from './scalers.js';
export {
  asSeries,
  column,
  fillMissing,
  MISSING_POLICIES,
  type MissingPolicy,
  sliceSeries,
  splitByTime,
  type TimeSeries,
  type TimeSeriesInit,
  type TimeSplit,
  timeSeries,
} from './series.js';
export {
  addSteps,
  checkTimeIndex,
  describeFrequency,
  type Frequency,
  findTimeIndexProblem,
  formatTimestamp,
  inferFrequency,
  parseTimestamp,
  stepsBetween,
  TIME_UNITS,
  type TimeIndexProblem,
  type TimeUnit,
} from './time.js';
export { TargetTransform, type TargetTransformOptions, type TargetTransformState } from './transforms.js';
export { parseUea, type UeaDataset } from './uea.js';
export { slidingWindows, type WindowOptions, type Windows, windowsAt } from './window.js';
