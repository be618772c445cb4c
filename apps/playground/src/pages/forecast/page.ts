// Forecasting: a @rnn/timeseries Forecaster trains in the worker on a bundled series or an uploaded CSV, the last
// `horizon` points held out; the page loads the returned forecaster, forecasts the test period and plots it
// with its prediction interval, the history and the naive / seasonal-naive / drift baselines, and scores all.
import './forecast.css';
import { jsBackend } from '@rnn/backend-js';
import { InvalidArgumentError } from '@rnn/core';
import { column, describeFrequency, type Forecast, Forecaster, MISSING_POLICIES, sliceSeries, type TimeSeries } from '@rnn/timeseries';
import { ModelBar, type ModelFile } from '../../models/model-bar.js';
import type { Page, PageContext } from '../../shell/page.js';
import { fmt, h } from '../../ui/dom.js';
import { LineChart } from '../../ui/line-chart.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import { BUNDLED_NAMES, type BundledName, PRESETS } from './presets.js';
import { type CsvChoices, csvChoices, type UploadChoice, uploadedSeries } from './series.js';
import type { TrainedForecast } from './task.js';
import { forecastView, type MetricRow } from './view.js';

const UPLOAD = 'upload';
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isBundled = (v: string | undefined): v is BundledName => (BUNDLED_NAMES as readonly string[]).includes(v ?? '');

export const forecastPage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const backend = jsBackend();
    let mounted = true;
    const number = (name: string, min: number, step: number | string = 1) =>
      h('input', { type: 'number', name, min, step, required: true });
    const option = (value: string, label: string) => h('option', { value }, label);

    // ---- the series: bundled, or an uploaded CSV ----
    const seriesSelect = h(
      'select',
      { name: 'series' },
      ...BUNDLED_NAMES.map((n) => option(n, PRESETS[n].title)),
      h('option', { value: UPLOAD, disabled: true }, 'uploaded CSV'),
    );
    const uploadOption = seriesSelect.lastElementChild as HTMLOptionElement;
    const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' });
    const timeSelect = h('select', { name: 'time' });
    const targetSelect = h('select', { name: 'target' });
    const missingSelect = h('select', { name: 'missing' }, ...MISSING_POLICIES.map((p) => option(p, p)));
    const gapsSelect = h('select', { name: 'gaps' }, option('error', 'error'), option('insert', 'insert rows'));
    const uploadBox = h(
      'fieldset',
      { class: 'upload-columns', hidden: true },
      h('legend', {}, 'Columns of the uploaded file'),
      h('label', {}, 'time ', timeSelect),
      h('label', {}, 'forecast ', targetSelect),
      h('label', {}, 'missing values ', missingSelect),
      h('label', {}, 'missing timestamps ', gapsSelect),
    );
    const about = h('p', { class: 'note series-note' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    let upload: { text: string; name: string; choices: CsvChoices } | null = null;

    // ---- the model ----
    const cell = h('select', { name: 'cell' }, option('gru', 'GRU'), option('lstm', 'LSTM'), option('rnn', 'RNN'));
    const strategy = h(
      'select',
      { name: 'strategy' },
      option('direct', 'direct'),
      option('recursive', 'recursive'),
      option('seq2seq', 'seq2seq'),
    );
    const hiddenSize = number('hiddenSize', 1);
    hiddenSize.value = ctx.params.hiddenSize ?? '32';
    const horizon = number('horizon', 1);
    const lookback = number('lookback', 1);
    const seasonality = number('seasonality', 1);
    const naiveSeason = number('naiveSeason', 1);
    const log = h('input', { type: 'checkbox', name: 'log' });
    const epochs = number('epochs', 1);
    const seed = number('seed', 0);
    seed.value = ctx.params.seed ?? '1';
    const level = number('level', 0.01, 0.01);
    level.value = ctx.params.level ?? '0.9';
    level.max = '0.99';

    const showError = (e: unknown): void => {
      error.textContent = message(e);
      error.hidden = false;
    };
    const clearError = (): void => {
      error.hidden = true;
      error.textContent = '';
    };

    const setDefaults = (d: {
      seasonality: number;
      naiveSeason: number;
      horizon: number;
      lookback: number;
      log: boolean;
      epochs: number;
    }): void => {
      seasonality.value = String(d.seasonality);
      naiveSeason.value = String(d.naiveSeason);
      horizon.value = String(d.horizon);
      lookback.value = String(d.lookback);
      log.checked = d.log;
      epochs.value = String(d.epochs);
    };

    const uploadChoice = (): UploadChoice => ({
      text: upload!.text,
      time: timeSelect.value === '' ? null : timeSelect.value,
      target: targetSelect.value,
      missing: missingSelect.value as UploadChoice['missing'],
      gaps: gapsSelect.value as UploadChoice['gaps'],
    });

    /** Parses the upload with the chosen columns, as the worker will: shows what it holds, or the library's error. */
    const checkUpload = (): void => {
      clearError();
      try {
        const { series } = uploadedSeries(uploadChoice());
        const freq = series.frequency ? `${describeFrequency(series.frequency)} ` : '';
        about.textContent = `${upload!.name}: ${series.length} ${freq}values of “${targetSelect.value}”${series.time ? '' : ' (no time index: x is the row number)'}.`;
        about.dataset.points = String(series.length);
      } catch (e) {
        about.textContent = `${upload!.name}: cannot be used as it is (see the error below).`;
        delete about.dataset.points;
        showError(e);
      }
    };

    const chooseSeries = (): void => {
      clearError();
      const name = seriesSelect.value;
      uploadBox.hidden = name !== UPLOAD;
      if (isBundled(name)) {
        setDefaults(PRESETS[name]);
        about.textContent = PRESETS[name].about;
        about.dataset.points = '';
      } else if (upload) {
        setDefaults({ seasonality: 1, naiveSeason: 1, horizon: 12, lookback: 24, log: false, epochs: 100 });
        checkUpload();
      }
    };
    seriesSelect.addEventListener('change', chooseSeries);
    for (const s of [timeSelect, targetSelect, missingSelect, gapsSelect]) s.addEventListener('change', checkUpload);

    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      if (!f) return;
      clearError();
      const text = await f.text(); // bytes that are not UTF-8 become U+FFFD, which csvChoices reports as binary
      let choices: CsvChoices;
      try {
        choices = csvChoices(text);
      } catch (e) {
        showError(e); // the file is not usable at all: the chosen series stays as it was
        return;
      }
      upload = { text, name: f.name, choices };
      timeSelect.replaceChildren(option('', '(none: a plain sequence)'), ...choices.columns.map((c) => option(c, c)));
      timeSelect.value = choices.time ?? '';
      targetSelect.replaceChildren(...choices.columns.map((c) => option(c, c)));
      targetSelect.value = choices.target;
      uploadOption.disabled = false;
      seriesSelect.value = UPLOAD;
      chooseSeries();
    });

    // ---- results ----
    const modelNote = h('p', { class: 'note model-note', 'data-model': 'none' }, 'Train to see the forecast of the held-out test period.');
    const chartBox = h('div', { class: 'forecast-chart' });
    const metricsBox = h('div', { class: 'forecast-metrics' });

    /** Draws a forecast of the test period: from the job's forecaster, or none (stopped before fit returned). */
    const render = (t: TrainedForecast, forecast: Forecast | null, opened: { title: string; f: Forecaster } | null = null): void => {
      const view = forecastView(t, forecast);
      const chart = new LineChart(
        { xLabel: t.train.time ? 'time' : 'row', yLabel: t.target, height: 300, legendValues: false, xTime: t.train.time !== null },
        `${t.target}: the last ${view.shown} training points, the ${t.horizon} test points, the forecast and the baselines`,
      );
      chartBox.replaceChildren(chart.element);
      chart.set(view.series);
      metricsBox.replaceChildren(metricsTable(view.metrics, t));
      const r = t.report;
      modelNote.dataset.model = opened ? 'opened' : r ? 'trained' : 'stopped';
      modelNote.textContent = opened
        ? `${opened.title}: a ${opened.f.config.cell.toUpperCase()} ${opened.f.config.hiddenSize} forecaster of “${t.target}” (${r!.epochs} epochs, ${r!.parameters.toLocaleString('en')} weights), forecasting the last ${t.horizon} points of the chosen series from the points before them, without refitting.`
        : r
          ? `Trained ${r.epochs} epochs (${r.stopped === 'earlyStopping' ? 'early stopping, best weights restored' : r.stopped}) in ${fmt(r.seconds, 3)} s: ${r.parameters.toLocaleString('en')} weights, ${r.windows.train} training windows, ${r.windows.validation} validation origins. Test period: the last ${t.horizon} points, never seen in training.`
          : `Stopped after ${t.epochs} epochs, before the fit returned: there is no fitted model, only the baselines are shown. Train again and let it finish (it stops early on its own).`;
    };

    const seriesLabel = (): string => (isBundled(seriesSelect.value) ? seriesSelect.value : (upload?.name ?? 'upload'));

    /** The chosen series (bundled or uploaded), as the task reads it. */
    const chosenSeries = async (): Promise<{ series: TimeSeries; target: string }> => {
      const name = seriesSelect.value;
      if (isBundled(name)) return (await import('./series.js')).bundledSeries(name); // the data comes with the task's chunk
      return uploadedSeries(uploadChoice());
    };

    /**
     * A forecaster file (downloaded here, or a recent model) forecasts the last `horizon` points of the chosen
     * series from the points before them (`predict({ history })`, no refit), scored like a trained one.
     */
    const openForecaster = async ({ title, bytes }: ModelFile): Promise<void> => {
      const f = Forecaster.load(backend, bytes);
      try {
        const { series, target } = await chosenSeries();
        if (f.target !== target)
          throw new InvalidArgumentError('model', `a forecaster of “${target}” (the chosen series)`, f.target ?? '(unnamed)');
        const H = f.horizon;
        const n = series.length;
        if (H >= n) throw new InvalidArgumentError('model', `a horizon below ${n} (the chosen series' length)`, H);
        const part = (s: TimeSeries) => ({ time: s.time, values: column(s, target) });
        const history = sliceSeries(series, 0, n - H);
        const t: TrainedForecast = {
          forecaster: bytes,
          report: f.report,
          epochs: f.report.epochs,
          target,
          seasonality: Number(seasonality.value),
          naiveSeason: Number(naiveSeason.value),
          horizon: H,
          lookback: f.config.lookback,
          level: f.config.level ?? Number(level.value),
          train: part(history),
          test: part(sliceSeries(series, n - H)),
        };
        render(t, f.predict({ history }), { title, f });
      } finally {
        f.dispose();
      }
    };
    const bar = new ModelBar({ kind: 'forecaster', open: openForecaster });

    const panel = new TrainingPanel(ctx.training, {
      spec: () => {
        const name = seriesSelect.value;
        const source = name === UPLOAD && upload ? { series: UPLOAD, csv: uploadChoice() } : { series: name };
        return {
          task: 'forecast',
          backend: ctx.backend(),
          steps: Number(epochs.value) + 1, // the step after the last epoch restores the best weights and calibrates
          params: {
            ...source,
            cell: cell.value,
            strategy: strategy.value,
            hiddenSize: Number(hiddenSize.value),
            horizon: Number(horizon.value),
            lookback: Number(lookback.value),
            seasonality: Number(seasonality.value),
            naiveSeason: Number(naiveSeason.value),
            log: log.checked,
            epochs: Number(epochs.value),
            seed: Number(seed.value),
            level: Number(level.value),
          },
        };
      },
      style: (series, i) => ({ color: i === 0 ? '#1f77b4' : '#d62728', dashed: series === 'valLoss' }),
      onResult: (result) => {
        if (!mounted) return; // a job stopped by leaving the page
        const t = result as TrainedForecast;
        try {
          const f = t.forecaster ? Forecaster.load(backend, t.forecaster) : null;
          try {
            render(t, f ? f.predict() : null);
            if (f)
              void bar.trained({
                title: `${f.config.cell.toUpperCase()} ${f.config.hiddenSize} · ${seriesLabel()} · ${t.epochs} epochs`,
                bytes: t.forecaster!,
              });
          } finally {
            f?.dispose();
          }
        } catch (e) {
          showError(e);
        }
      },
    });

    seriesSelect.value = isBundled(ctx.params.series) ? ctx.params.series : 'airline';
    chooseSeries();
    for (const input of [horizon, lookback, seasonality, naiveSeason, epochs]) {
      const v = ctx.params[input.name];
      if (v !== undefined) input.value = v;
    }

    root.append(
      h('h2', {}, 'Forecasting'),
      h(
        'p',
        {},
        'A recurrent forecaster (@rnn/timeseries’ Forecaster: log and differencing transforms, scaling, calendar features, a GRU, LSTM or simple RNN, ',
        'early stopping and split-conformal prediction intervals) trains in the worker on all but the last horizon points of a series, one epoch per step. ',
        'Then the page forecasts that held-out test period and compares the forecast with three baselines: naive (the last value), ',
        'seasonal naive (the value one season earlier) and drift (the line through the first and last values). ',
        'MASE divides the mean absolute error by the in-sample error of the seasonal-naive forecast on the training part: below 1 beats it.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'series ', seriesSelect),
        h('label', {}, 'or upload a CSV ', file),
      ),
      uploadBox,
      about,
      error,
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'cell ', cell),
        h('label', {}, 'hidden units ', hiddenSize),
        h('label', {}, 'strategy ', strategy),
        h('label', {}, 'horizon ', horizon),
        h('label', {}, 'lookback ', lookback),
        h('label', {}, 'season ', seasonality),
        h('label', {}, 'baseline season ', naiveSeason),
        h('label', {}, log, ' log scale'),
        h('label', {}, 'max epochs ', epochs),
        h('label', {}, 'seed ', seed),
        h('label', {}, 'interval level ', level),
      ),
      panel.element,
      modelNote,
      bar.element, // after the page's own error: the model bar's error is a second p.error
      chartBox,
      metricsBox,
    );
    void bar.openFromRoute(ctx.params);

    return () => {
      mounted = false;
      panel.stop();
      backend.dispose();
    };
  },
};

function metricsTable(rows: readonly MetricRow[], t: TrainedForecast): HTMLElement {
  const cell = (name: string, value: number | null, text: string) =>
    h('td', { 'data-metric': name, 'data-value': value === null ? '' : String(value) }, text);
  const table = h(
    'table',
    { class: 'metrics' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['', 'MAE', 'RMSE', 'sMAPE', 'MASE', `${Math.round(t.level * 100)}% coverage`].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-model': r.name },
          h('th', { scope: 'row' }, r.name),
          cell('mae', r.mae, fmt(r.mae)),
          cell('rmse', r.rmse, fmt(r.rmse)),
          cell('smape', r.smape, `${fmt(r.smape, 3)}%`),
          cell('mase', r.mase, fmt(r.mase, 3)),
          cell('coverage', r.coverage, r.coverage === null ? '—' : `${fmt(r.coverage * 100, 3)}%`),
        ),
      ),
    ),
  );
  return h(
    'div',
    {},
    table,
    h(
      'p',
      { class: 'note' },
      `On the ${t.horizon} held-out points. MASE: the mean absolute error over that of the seasonal-naive forecast (m = ${t.seasonality}) within the training part. `,
      'Coverage: the share of held-out points inside the prediction interval.',
    ),
  );
}
