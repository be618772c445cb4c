// Forecaster options, checked, with their defaults filled in: the configuration saved with a fitted model.
import {
  checkNonNegativeInt,
  checkOneOf,
  checkPositiveInt,
  checkPositiveNumber,
  checkRange,
  InvalidArgumentError,
  UnsupportedError,
} from '@rnn/core';
import { type CalendarEncoding, type CalendarField, type CalendarOptions, checkCalendarOptions } from './calendar.js';
import { CELL_KINDS, type CellKind } from './encoder-decoder.js';
import { SCALER_KINDS, type ScalerKind } from './scalers.js';
import type { TargetTransformOptions } from './transforms.js';

export type Strategy = 'direct' | 'recursive' | 'seq2seq';
export const STRATEGIES: readonly Strategy[] = ['direct', 'recursive', 'seq2seq'];

export interface ForecasterOptions extends TargetTransformOptions {
  /** Steps to forecast. */
  horizon: number;
  /** Input steps per window. Default 2 × seasonality, or 2 × horizon without seasonality. */
  lookback?: number;
  /**
   * Season length in steps (12 for monthly data with a yearly cycle). Sets the default lookback and, when
   * above 1, the default seasonalDifference (the network then forecasts changes from one season to the next).
   * Default 1.
   */
  seasonality?: number;
  /** Column to forecast. Default: the only column. */
  target?: string;
  /** Covariates observed up to the forecast origin (their future is unknown). Not with 'recursive' beyond one step. */
  pastFeatures?: readonly string[];
  /** Covariates known in advance: predict() needs their values for the forecast steps. */
  knownFeatures?: readonly string[];
  /** Calendar features of each step (needs a time index with a frequency). Default: on when the series has one. */
  calendar?: boolean | CalendarOptions;
  /** Scaler of the covariates. Default 'standard'. */
  featureScaler?: ScalerKind;
  /** Default 'direct'. */
  strategy?: Strategy;
  /** 'gru' (default), 'lstm' or 'rnn' (the simple Elman cell). */
  cell?: CellKind;
  /** Default 32. */
  hiddenSize?: number;
  /** Recurrent layers. Default 1. */
  layers?: number;
  /** Variational input dropout of the recurrent layers. Default 0. */
  dropout?: number;
  /** Training loss on the scaled target. Default 'mse'. */
  loss?: 'mse' | 'mae' | 'huber';
  /** Prediction-interval level (split conformal); null for point forecasts only. Default 0.9. */
  level?: number | null;
  /**
   * Forecast origins held out at the end of the series for early stopping and interval calibration (their
   * targets are never trained on). Default: max(10% of the origins, what the level needs, 5); 0 turns
   * both off (fixed epochs, no intervals).
   */
  validation?: number;
  /** Maximum epochs. Default 300. */
  epochs?: number;
  /** Epochs without a better validation loss before stopping (the best weights are kept). Default 30. */
  patience?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam learning rate. Default 0.005. */
  lr?: number;
  /** Gradient clipping by global norm. Default 1. */
  clipNorm?: number;
  /** Rows between training window origins. Default 1. */
  stride?: number;
  /** Seeds weights, dropout and shuffling. Default 0. */
  seed?: number;
}

/** Options with every default filled in (saved with the model). */
export interface ForecasterConfig {
  horizon: number;
  lookback: number;
  seasonality: number;
  target: string | null;
  pastFeatures: string[];
  knownFeatures: string[];
  /** 'auto': the frequency's default fields when the series has a time index; null: none. */
  calendar: { fields: CalendarField[] | null; encoding: CalendarEncoding } | null | 'auto';
  featureScaler: ScalerKind;
  log: boolean;
  difference: number;
  seasonalDifference: number;
  scaler: ScalerKind;
  strategy: Strategy;
  cell: CellKind;
  hiddenSize: number;
  layers: number;
  dropout: number;
  loss: 'mse' | 'mae' | 'huber';
  level: number | null;
  validation: number | null;
  epochs: number;
  patience: number;
  batchSize: number;
  lr: number;
  clipNorm: number;
  stride: number;
  seed: number;
}

const checkBoolean = (argument: string, v: unknown): boolean => {
  if (typeof v !== 'boolean') throw new InvalidArgumentError(argument, 'true or false', v);
  return v;
};
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Checks the options and fills in every default. */
export function resolveForecasterConfig(o: ForecasterOptions): ForecasterConfig {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError('options', 'forecaster options { horizon, ... }', o);
  const horizon = checkPositiveInt('horizon', o.horizon);
  const seasonality = checkPositiveInt('seasonality', o.seasonality ?? 1);
  const lookback = checkPositiveInt('lookback', o.lookback ?? (seasonality > 1 ? 2 * seasonality : 2 * horizon));
  for (const key of ['pastFeatures', 'knownFeatures'] as const)
    if (o[key] !== undefined && !isStrings(o[key])) throw new InvalidArgumentError(key, 'an array of column names', o[key]);
  const pastFeatures = [...(o.pastFeatures ?? [])];
  const knownFeatures = [...(o.knownFeatures ?? [])];
  const both = pastFeatures.find((c) => knownFeatures.includes(c));
  if (both !== undefined) throw new InvalidArgumentError('knownFeatures', 'columns that are not also pastFeatures', both);
  const strategy = checkOneOf('strategy', o.strategy ?? 'direct', STRATEGIES);
  if (strategy === 'recursive' && pastFeatures.length > 0 && horizon > 1)
    throw new UnsupportedError(
      'pastFeatures',
      'no past-only covariates with the recursive strategy beyond one step (their future is unknown); use "direct" or "seq2seq", or knownFeatures',
      pastFeatures,
    );
  let calendar: ForecasterConfig['calendar'] = 'auto';
  if (o.calendar === false) calendar = null;
  else if (o.calendar === true) calendar = { fields: null, encoding: 'cyclic' };
  else if (o.calendar !== undefined) calendar = checkCalendarOptions('calendar', o.calendar);
  const level = o.level === null ? null : checkRange('level', o.level ?? 0.9, 0, 1, true);
  if (level === 0) throw new InvalidArgumentError('level', 'a number in (0, 1) or null', level);
  const difference = checkNonNegativeInt('difference', o.difference ?? 0);
  if (difference > 2) throw new InvalidArgumentError('difference', 'a lag-1 differencing order of 0, 1 or 2', difference);
  return {
    horizon,
    lookback,
    seasonality,
    target: o.target ?? null,
    pastFeatures,
    knownFeatures,
    calendar,
    featureScaler: checkOneOf('featureScaler', o.featureScaler ?? 'standard', SCALER_KINDS),
    log: checkBoolean('log', o.log ?? false),
    difference,
    seasonalDifference: checkNonNegativeInt('seasonalDifference', o.seasonalDifference ?? (seasonality > 1 ? seasonality : 0)),
    scaler: checkOneOf('scaler', o.scaler ?? 'standard', SCALER_KINDS),
    strategy,
    cell: checkOneOf('cell', o.cell ?? 'gru', CELL_KINDS),
    hiddenSize: checkPositiveInt('hiddenSize', o.hiddenSize ?? 32),
    layers: checkPositiveInt('layers', o.layers ?? 1),
    dropout: checkRange('dropout', o.dropout ?? 0, 0, 1, true),
    loss: checkOneOf('loss', o.loss ?? 'mse', ['mse', 'mae', 'huber'] as const),
    level,
    validation: o.validation === undefined ? null : checkNonNegativeInt('validation', o.validation),
    epochs: checkPositiveInt('epochs', o.epochs ?? 300),
    patience: checkNonNegativeInt('patience', o.patience ?? 30),
    batchSize: checkPositiveInt('batchSize', o.batchSize ?? 32),
    lr: checkPositiveNumber('lr', o.lr ?? 0.005),
    clipNorm: checkPositiveNumber('clipNorm', o.clipNorm ?? 1),
    stride: checkPositiveInt('stride', o.stride ?? 1),
    seed: checkNonNegativeInt('seed', o.seed ?? 0),
  };
}

/** The options that resolve to a configuration (to rebuild a saved forecaster). */
export function configToOptions(c: ForecasterConfig): ForecasterOptions {
  const calendar =
    c.calendar === 'auto'
      ? undefined
      : c.calendar === null
        ? false
        : { fields: c.calendar.fields ?? undefined, encoding: c.calendar.encoding };
  return { ...c, target: c.target ?? undefined, validation: c.validation ?? undefined, calendar };
}

/** Validation origins by default: 10% of the origins, at least what the interval level needs, at least 5. */
export function defaultValidation(origins: number, level: number | null): number {
  const forLevel = level === null ? 0 : Math.ceil(level / (1 - level) - 1e-9);
  return Math.max(Math.round(0.1 * origins), forLevel, 5);
}
