// The RNN forecasting pipeline: the target transform (log, differencing, scaling) and covariate scalers are
// fitted on the training part; windows of input rows (features.ts) train a recurrent network with early
// stopping on the last forecast origins; split-conformal intervals come from the residuals at those origins.
// Strategies:
//   direct     one network, `horizon` outputs from the last hidden state;
//   recursive  a one-step network fed its own forecasts (known and calendar parts come from the future);
//   seq2seq    an encoder-decoder (encoder-decoder.ts) whose decoder reads every forecast step's known parts.
import {
  adam,
  type Backend,
  CorruptModelError,
  checkRange,
  dense,
  type EpochLog,
  huber,
  InvalidArgumentError,
  type LayerDef,
  meanAbsoluteError,
  meanSquaredError,
  NonFiniteError,
  RnnError,
  raw,
  Sequential,
  stackedRecurrent,
} from '@rnn/core';
import { readBundle, setWeightsExactly, writeBundle } from './bundle.js';
import { type CalendarField, defaultCalendarFields } from './calendar.js';
import { conformalInterval } from './conformal.js';
import { encoderDecoder, makeCell } from './encoder-decoder.js';
import { buildFrame, type Frame, inputWidth, type Preprocessing, type WindowShape, windowInputs, windowTargets } from './features.js';
import { type Forecast, type ForecastModel, futureTime, type PredictOptions, targetName } from './forecast-model.js';
import {
  configToOptions,
  defaultValidation,
  type ForecasterConfig,
  type ForecasterOptions,
  resolveForecasterConfig,
} from './forecaster-config.js';
import { Scaler, type ScalerState } from './scalers.js';
import { asSeries, column, sliceSeries, type TimeSeries } from './series.js';
import { checkFrequency, type Frequency } from './time.js';
import { TargetTransform, type TargetTransformState } from './transforms.js';

export interface FitReport {
  /** Epochs trained, and why training ended. */
  epochs: number;
  stopped: 'completed' | 'earlyStopping' | 'aborted' | 'stopTraining';
  /** Training loss (scaled target) of the last epoch, and the best validation loss. */
  loss: number;
  valLoss: number | null;
  windows: { train: number; validation: number };
  parameters: number;
  seconds: number;
}

export interface FitOptions {
  signal?: AbortSignal;
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
}

/** What fit learned. */
interface Fitted {
  prep: Preprocessing;
  model: Sequential;
  /** Calibration residuals (actual - forecast, in log space with the log transform), [validation origins, horizon]. */
  residuals: Float64Array | null;
  /** The last lookback + differencing rows of the fitted series: predict() forecasts from here by default. */
  tail: TimeSeries;
  report: FitReport;
}

export class Forecaster implements ForecastModel {
  readonly config: Readonly<ForecasterConfig>;
  private fitted: Fitted | null = null;

  constructor(
    readonly backend: Backend,
    options: ForecasterOptions,
  ) {
    this.config = resolveForecasterConfig(options);
  }

  get horizon(): number {
    return this.config.horizon;
  }

  get target(): string | null {
    return this.config.target;
  }

  get knownFeatures(): readonly string[] {
    return this.config.knownFeatures;
  }

  /** The network (after fit or load). */
  get model(): Sequential {
    return this.live().model;
  }

  /** The last fit's summary. */
  get report(): FitReport {
    return this.live().report;
  }

  private live(): Fitted {
    if (!this.fitted) throw new InvalidArgumentError('forecaster', 'a fitted forecaster (call fit or load first)', raw('an unfitted one'));
    return this.fitted;
  }

  private get shape(): WindowShape {
    return { lookback: this.config.lookback, horizon: this.config.horizon, decoder: this.config.strategy === 'seq2seq' };
  }

  /**
   * Fits the whole pipeline on a series (a fresh network each call, from the seed). The last `validation`
   * forecast origins are held out: their targets are used for early stopping and interval calibration only.
   */
  async fit(input: TimeSeries | ArrayLike<number>, options: FitOptions = {}): Promise<FitReport> {
    const started = performance.now();
    const s = asSeries(input);
    const c = this.config;
    const target = targetName(s, c.target);
    for (const name of [...c.pastFeatures, ...c.knownFeatures]) {
      column(s, name);
      if (name === target) throw new InvalidArgumentError('pastFeatures / knownFeatures', 'covariates other than the target', name);
    }
    const n = s.length;
    const [L, H, D] = [c.lookback, c.horizon, c.difference + c.seasonalDifference];
    if (H >= n) throw new InvalidArgumentError('horizon', `less than ${n} (the series length)`, H);
    const first = D + L - 1; // first origin with a full window
    const last = n - 1 - H; // last origin with a full horizon of targets
    if (last < first)
      throw new InvalidArgumentError(
        'lookback',
        `at most ${n - H - D} for a series of ${n} rows (a window needs lookback + horizon ${H}${D ? ` + ${D} rows lost to differencing` : ''})`,
        L,
      );
    const V = c.validation ?? defaultValidation(last - first + 1, c.level);
    const recursive = c.strategy === 'recursive';
    // Rows from `cut` on are validation targets: never trained on, not seen by the scalers.
    const cut = V > 0 ? last - V + 2 : n;
    const trainLast = recursive ? cut - 2 : cut - 1 - H;
    if (trainLast < first)
      throw new InvalidArgumentError(
        'series',
        `at least ${n + first - trainLast} rows for lookback ${L}, horizon ${H}${D ? `, differencing ${D}` : ''} and ${V} validation origins`,
        raw(`${n} rows`),
      );
    const fitScaler = (name: string): Scaler => Scaler.fit(c.featureScaler, column(s, name).subarray(0, cut), name);
    const prep: Preprocessing = {
      target,
      transform: TargetTransform.fit(column(s, target).subarray(0, cut), c, target),
      pastFeatures: c.pastFeatures,
      pastScalers: c.pastFeatures.map(fitScaler),
      knownFeatures: c.knownFeatures,
      knownScalers: c.knownFeatures.map(fitScaler),
      calendarFields: this.calendarFields(s),
      calendarEncoding: c.calendar !== null && c.calendar !== 'auto' ? c.calendar.encoding : 'cyclic',
    };
    const frame = buildFrame(prep, H, s, null);
    const trainOrigins = range(first, trainLast, c.stride);
    const valOrigins = V > 0 ? range(last - V + 1, recursive ? n - 2 : last, 1) : [];
    const steps = recursive ? 1 : H;
    const data = (origins: number[]) => ({
      x: windowInputs(prep, this.shape, frame, origins),
      y: windowTargets(prep, frame, origins, steps),
    });
    const model = this.buildModel(prep);
    try {
      const history = await model.fit(data(trainOrigins), {
        epochs: c.epochs,
        batchSize: c.batchSize,
        validationData: V > 0 ? data(valOrigins) : undefined,
        earlyStopping: V > 0 ? { patience: c.patience, monitor: 'valLoss', restoreBest: true } : undefined,
        signal: options.signal,
        onEpochEnd: options.onEpochEnd,
      });
      const residuals = V > 0 ? this.calibrate(model, prep, frame, range(last - V + 1, last, 1)) : null;
      const epochs = history.epochs;
      const valLosses = epochs.flatMap((e) => (e.valLoss === undefined ? [] : [e.valLoss]));
      this.fitted?.model.dispose();
      this.fitted = {
        prep,
        model,
        residuals,
        tail: keepColumns(sliceSeries(s, n - L - D), [target, ...c.pastFeatures, ...c.knownFeatures]),
        report: {
          epochs: epochs.length,
          stopped: history.stopped,
          loss: epochs[epochs.length - 1]?.loss ?? Number.NaN,
          valLoss: valLosses.length ? Math.min(...valLosses) : null,
          windows: { train: trainOrigins.length, validation: valOrigins.length },
          parameters: model.parameterCount,
          seconds: (performance.now() - started) / 1000,
        },
      };
      return this.fitted.report;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /**
   * Forecasts the `horizon` steps after the history: by default the end of the fitted series; pass a newer
   * `history` (same columns, at least lookback + differencing rows) to forecast from there without refitting.
   * `future` gives the known covariates over the horizon.
   */
  predict(options: PredictOptions = {}): Forecast {
    const { prep, model, residuals } = this.live();
    const c = this.config;
    const [L, H, D] = [c.lookback, c.horizon, prep.transform.dropped];
    let s = options.history === undefined ? this.live().tail : asSeries(options.history, 'history');
    for (const name of [prep.target, ...c.pastFeatures, ...c.knownFeatures])
      if (!(name in s.columns))
        throw new InvalidArgumentError('history', `a column "${name}" (as the fitted series)`, raw(Object.keys(s.columns).join(', ')));
    if (s.length < L + D)
      throw new InvalidArgumentError(
        'history',
        `at least ${L + D} rows (lookback ${L}${D ? ` + differencing ${D}` : ''})`,
        raw(`${s.length} rows`),
      );
    s = sliceSeries(s, s.length - L - D);
    const future: Record<string, Float64Array> = {};
    for (const name of c.knownFeatures) {
      const v = options.future?.[name];
      if (v?.length !== H) throw new InvalidArgumentError(`future.${name}`, `${H} values (the horizon) of the known covariate`, v);
      future[name] = Float64Array.from(v, (x, i) => {
        if (!Number.isFinite(x)) throw new NonFiniteError(`future.${name}`, i, x);
        return x;
      });
    }
    const frame = buildFrame(prep, H, s, future);
    const o = s.length - 1;
    const point = prep.transform.inverse(frame.y.subarray(o - D + 1), this.forecastScaled(model, prep, frame, [o]));
    const level = options.level === undefined ? c.level : options.level === null ? null : checkRange('level', options.level, 0, 1, true);
    let lower: Float64Array | null = null;
    let upper: Float64Array | null = null;
    if (level !== null && residuals) {
      ({ lower, upper } = conformalInterval(point.map(this.residualScale), residuals, H, level));
      if (c.log) [lower, upper] = [lower.map(Math.exp), upper.map(Math.exp)];
    }
    return { point, lower, upper, level: lower ? level : null, time: futureTime(s, H) };
  }

  /** The fitted pipeline as bytes: configuration, scalers, calibration residuals, history tail and weights. */
  save(): Uint8Array {
    const { prep, model, residuals, tail, report } = this.live();
    const manifest = {
      config: this.config,
      target: prep.target,
      transform: prep.transform.toJSON(),
      pastScalers: prep.pastScalers.map((p) => p.toJSON()),
      knownScalers: prep.knownScalers.map((p) => p.toJSON()),
      calendarFields: prep.calendarFields,
      residuals: residuals ? Array.from(residuals) : null,
      tail: {
        time: tail.time ? Array.from(tail.time) : null,
        frequency: tail.frequency,
        columns: Object.fromEntries(Object.entries(tail.columns).map(([k, v]) => [k, Array.from(v)])),
      },
      report,
    };
    return writeBundle('forecaster', manifest, model.getWeights());
  }

  /** Reads a forecaster written by save(), onto any backend. Throws CorruptModelError on a damaged file. */
  static load(backend: Backend, bytes: Uint8Array): Forecaster {
    const { manifest: m, weights } = readBundle(bytes, 'forecaster');
    let forecaster: Forecaster | null = null;
    try {
      const config = m.config as ForecasterConfig;
      forecaster = new Forecaster(backend, configToOptions(config));
      const target = m.target as string;
      const prep: Preprocessing = {
        target,
        transform: TargetTransform.fromJSON(m.transform as TargetTransformState, target),
        pastFeatures: config.pastFeatures,
        pastScalers: (m.pastScalers as ScalerState[]).map((p, i) => Scaler.fromJSON(p, config.pastFeatures[i])),
        knownFeatures: config.knownFeatures,
        knownScalers: (m.knownScalers as ScalerState[]).map((p, i) => Scaler.fromJSON(p, config.knownFeatures[i])),
        calendarFields: m.calendarFields as CalendarField[],
        calendarEncoding:
          forecaster.config.calendar !== null && forecaster.config.calendar !== 'auto' ? forecaster.config.calendar.encoding : 'cyclic',
      };
      if (prep.pastScalers.length !== config.pastFeatures.length || prep.knownScalers.length !== config.knownFeatures.length)
        throw new CorruptModelError('scalers', 'one scaler per covariate', raw(`${prep.pastScalers.length} + ${prep.knownScalers.length}`));
      const residuals = m.residuals === null ? null : Float64Array.from(m.residuals as number[]);
      if (residuals && residuals.length % forecaster.horizon !== 0)
        throw new CorruptModelError('residuals', `a multiple of ${forecaster.horizon} values`, residuals.length);
      const t = m.tail as { time: number[] | null; frequency: Frequency | null; columns: Record<string, number[]> };
      const columns = Object.fromEntries(Object.entries(t.columns).map(([k, v]) => [k, Float64Array.from(v)]));
      const tail: TimeSeries = {
        time: t.time ? Float64Array.from(t.time) : null,
        frequency: t.frequency ? checkFrequency('tail.frequency', t.frequency) : null,
        columns,
        length: columns[target]!.length,
      };
      const model = forecaster.buildModel(prep);
      forecaster.fitted = { prep, model, residuals, tail, report: m.report as FitReport };
      setWeightsExactly(model, weights);
      return forecaster;
    } catch (e) {
      forecaster?.dispose();
      if (RnnError.isInstance(e) && e.code === 'CORRUPT_MODEL') throw e;
      throw new CorruptModelError('manifest', 'a valid forecaster', e instanceof Error ? e.message : e);
    }
  }

  dispose(): void {
    this.fitted?.model.dispose();
    this.fitted = null;
  }

  // ---- internals ----

  /**
   * Where residuals are measured: log space with the log transform (relative errors, so intervals scale with
   * the level and stay positive), else the original scale.
   */
  private readonly residualScale = (v: number): number => (this.config.log ? Math.log(v) : v);

  private calendarFields(s: TimeSeries): CalendarField[] {
    const cal = this.config.calendar;
    if (cal === null) return [];
    const usable = s.time !== null && s.frequency !== null;
    if (cal === 'auto') return usable ? defaultCalendarFields(s.frequency!) : [];
    if (!usable) throw new InvalidArgumentError('calendar', 'a series with a time index and a frequency', raw('a series without one'));
    return cal.fields ?? defaultCalendarFields(s.frequency!);
  }

  private buildModel(prep: Preprocessing): Sequential {
    const c = this.config;
    const { width, decoder } = inputWidth(prep);
    const cell = (inputSize: number) => makeCell(c.cell, inputSize, c.hiddenSize);
    const layers: LayerDef[] =
      c.strategy === 'seq2seq'
        ? [
            encoderDecoder({
              cell: c.cell,
              inputSize: width,
              decoderInputSize: decoder,
              hiddenSize: c.hiddenSize,
              layers: c.layers,
              lookback: c.lookback,
              horizon: c.horizon,
              dropout: c.dropout,
            }),
          ]
        : [
            ...stackedRecurrent({ cell, inputSize: width, numLayers: c.layers, dropout: c.dropout }),
            dense({ inputSize: c.hiddenSize, outputSize: c.strategy === 'recursive' ? 1 : c.horizon }),
          ];
    const loss = c.loss === 'mae' ? meanAbsoluteError() : c.loss === 'huber' ? huber() : meanSquaredError();
    return new Sequential(this.backend, { layers, loss, optimizer: adam({ lr: c.lr, clipNorm: c.clipNorm }), seed: c.seed });
  }

  /** Residuals of the forecasts from each origin, [origins, horizon], in the residual scale. */
  private calibrate(model: Sequential, prep: Preprocessing, frame: Frame, origins: readonly number[]): Float64Array {
    const [H, D] = [this.config.horizon, prep.transform.dropped];
    const scaled = this.forecastScaled(model, prep, frame, origins);
    const residuals = new Float64Array(origins.length * H);
    origins.forEach((o, b) => {
      const point = prep.transform.inverse(frame.y.subarray(o - D + 1, o + 1), scaled.subarray(b * H, (b + 1) * H));
      for (let h = 0; h < H; h++) residuals[b * H + h] = this.residualScale(frame.y[o + 1 + h]!) - this.residualScale(point[h]!);
    });
    return residuals;
  }

  /** Transformed forecasts [B * horizon] from origins; the recursive strategy feeds its forecasts back as inputs. */
  private forecastScaled(model: Sequential, prep: Preprocessing, frame: Frame, origins: readonly number[]): Float64Array {
    const x = windowInputs(prep, this.shape, frame, origins);
    if (this.config.strategy !== 'recursive') return Float64Array.from(model.predict(x).data);
    const [L, H, D] = [this.config.lookback, this.config.horizon, prep.transform.dropped];
    const F = x.shape[2]!;
    const window = x.data as Float64Array;
    const out = new Float64Array(origins.length * H);
    for (let k = 0; k < H; k++) {
      const p = model.predict(x).data;
      origins.forEach((o, b) => {
        out[b * H + k] = p[b]!;
        if (k === H - 1) return;
        // slide the window one step: drop its oldest row, append the next row with the forecast as its target
        const w = b * L * F;
        window.copyWithin(w, w + F, w + L * F);
        const r = o - D + k + 1;
        window.set(frame.rows.subarray(r * F, (r + 1) * F), w + (L - 1) * F);
        window[w + (L - 1) * F] = p[b]!;
      });
    }
    return out;
  }
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let o = from; o <= to; o += step) out.push(o);
  return out;
}

function keepColumns(s: TimeSeries, names: readonly string[]): TimeSeries {
  return { ...s, columns: Object.fromEntries(names.map((n) => [n, s.columns[n]!])) };
}

export interface ForecastResult extends Forecast {
  /** The fitted pipeline: predict again, save(), dispose(). */
  forecaster: Forecaster;
  report: FitReport;
}

/**
 * Fits a Forecaster with sensible defaults and forecasts the steps after the series:
 * `const f = await forecast(jsBackend(), series, { horizon: 12, seasonality: 12 })`.
 */
export async function forecast(
  backend: Backend,
  series: TimeSeries | ArrayLike<number>,
  options: ForecasterOptions,
): Promise<ForecastResult> {
  const forecaster = new Forecaster(backend, options);
  const report = await forecaster.fit(series);
  return { ...forecaster.predict(), forecaster, report };
}
