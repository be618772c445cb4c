// The forecasting page in Chromium: a bad upload shows the library's error and leaves the page working; a
// bundled series trains in the worker and the page plots and scores what the same job gives in Node; an
// uploaded CSV, with its columns chosen, trains too.
import { readFileSync } from 'node:fs';
import { jsBackend } from '@rnn/backend-js';
import { Forecaster } from '@rnn/timeseries';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forecastTask, type TrainedForecast } from '../pages/forecast/task.js';
import { forecastView } from '../pages/forecast/view.js';
import { openApp, type Session } from './harness.js';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openApp(inject('appDir'), 170_000);
  page = s.page;
  await page.goto(`${s.url}#/forecast`);
  await page.waitForSelector('.page[data-page="forecast"][data-ready="true"]');
  await page.selectOption('#backend', 'js');
}, 90_000);

afterAll(async () => {
  await s?.close();
});

const upload = (name: string, content: string | Buffer): Promise<void> =>
  page.setInputFiles('input[name="file"]', {
    name,
    mimeType: 'text/csv',
    buffer: Buffer.isBuffer(content) ? content : Buffer.from(content),
  });

const errorText = (): Promise<string | null> => page.$eval('.page p.error', (el) => ((el as HTMLElement).hidden ? null : el.textContent));

/** Trains with the page's settings and waits for the result to be drawn. */
async function train(): Promise<void> {
  await page.$eval('.model-note', (el) => el.setAttribute('data-model', 'none'));
  await page.click('.training-panel [data-action="train"]');
  await page.waitForSelector('.model-note[data-model="trained"]');
  await page.waitForSelector('.forecast-chart canvas[data-summary]'); // the new chart draws on the next animation frame
}

/** What the chart holds: series names and drawable point counts (the chart's data-summary). */
const chartSummary = async (): Promise<[string, number][]> =>
  (JSON.parse((await page.getAttribute('.forecast-chart canvas', 'data-summary'))!) as { name: string; points: number }[]).map((x) => [
    x.name,
    x.points,
  ]);

/** The metrics table: model → metric → the exact value (data-value). */
const shownMetrics = (): Promise<Record<string, Record<string, number | null>>> =>
  page.$$eval('table.metrics tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-model')!,
        Object.fromEntries(
          [...r.querySelectorAll('td')].map((td) => {
            const v = td.getAttribute('data-value')!;
            return [td.getAttribute('data-metric')!, v === '' ? null : Number(v)];
          }),
        ),
      ]),
    ),
  );

/** The same job in Node (js backend, float32, same seed). */
async function jobInNode(params: Record<string, unknown>): Promise<TrainedForecast> {
  const run = forecastTask.create(jsBackend(), params);
  while (!(await run.step()).done);
  const t = run.result!() as TrainedForecast;
  await run.dispose();
  return t;
}

/** A job's test period scored as the page scores it, with the forecaster in `bytes` (default: the job's own). */
function scored(t: TrainedForecast, bytes = t.forecaster!): Record<string, Record<string, number | null>> {
  const f = Forecaster.load(jsBackend(), bytes);
  const view = forecastView(t, f.predict());
  f.dispose();
  return Object.fromEntries(view.metrics.map(({ name, ...m }) => [name, m]));
}

/** The same job in Node (js backend, float32, same seed), scored as the page scores it. */
async function inNode(params: Record<string, unknown>): Promise<Record<string, Record<string, number | null>>> {
  return scored(await jobInNode(params));
}

const AIRLINE = {
  series: 'airline',
  cell: 'gru',
  strategy: 'direct',
  hiddenSize: 4,
  horizon: 24,
  lookback: 24,
  seasonality: 12,
  naiveSeason: 12,
  log: true,
  epochs: 3,
  seed: 3,
  level: 0.9,
};

function expectSameMetrics(
  shown: Record<string, Record<string, number | null>>,
  want: Record<string, Record<string, number | null>>,
): void {
  expect(Object.keys(shown)).toEqual(Object.keys(want));
  for (const [model, metrics] of Object.entries(want))
    for (const [k, v] of Object.entries(metrics)) {
      if (v === null) expect(shown[model]![k], `${model} ${k}`).toBeNull();
      else expect(shown[model]![k], `${model} ${k}`).toBeCloseTo(v, 10);
    }
}

describe('forecasting in Chromium', () => {
  it('shows the library’s error for a malformed, an empty and a binary upload, and keeps the page usable', async () => {
    await upload('bad.csv', 'Month,Sales\n2020-01,5\n2020-02,five\n2020-03,7\n');
    expect(await errorText()).toBe('column "Sales" (line 3): expected a number or a missing-value token, received "five"');
    expect(await page.getAttribute('.page p.error', 'role')).toBe('alert');
    await s.screenshot('forecast-malformed-csv');
    await upload('unsorted.csv', 'Month,Sales\n2020-02,5\n2020-01,6\n2020-03,7\n');
    expect(await errorText()).toMatch(/^time column "Month" \(line 3\): expected/);
    await upload('empty.csv', '');
    expect(await errorText()).toBe('file: expected a CSV file with a header line and data rows, received an empty file');
    await upload('image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]));
    expect(await errorText()).toMatch(/^file: expected a CSV text file, received binary data/);
    await upload('words.csv', 'city,country\nParis,France\n');
    expect(await errorText()).toBe('file: expected at least one numeric column to forecast, received columns "city", "country"');
    await s.screenshot('forecast-binary-csv');
  });

  it('trains a bundled series in the worker and plots and scores what the same job gives in Node', async () => {
    await page.selectOption('select[name="series"]', 'airline');
    expect(await errorText()).toBeNull(); // choosing a series clears the upload's error
    expect(await page.inputValue('input[name="horizon"]')).toBe('24'); // the airline defaults
    expect(await page.isChecked('input[name="log"]')).toBe(true);
    await page.fill('input[name="hiddenSize"]', '4');
    await page.fill('input[name="epochs"]', '3');
    await page.fill('input[name="seed"]', '3');
    await train();
    expect(await chartSummary()).toEqual([
      ['90% interval', 24],
      ['history', 72],
      ['actual', 25], // the test period, joined to the last training point
      ['forecast', 24],
      ['naive', 24],
      ['seasonal naive (m = 12)', 24],
      ['drift', 24],
    ]);
    const want = await inNode(AIRLINE);
    expectSameMetrics(await shownMetrics(), want);
    expect(await page.textContent('.model-note')).toMatch(/^Trained 3 epochs \(completed\)/);
    // the loss and validation-loss curves of the training panel: one point per epoch (drawn on animation frames)
    await page.waitForFunction(
      () => JSON.parse(document.querySelector('.training-panel canvas')!.getAttribute('data-summary') ?? '[]')[1]?.points === 3,
    );
    const losses = JSON.parse((await page.getAttribute('.training-panel canvas', 'data-summary'))!) as { name: string; points: number }[];
    expect(losses.map((l) => [l.name, l.points])).toEqual([
      ['loss', 3],
      ['valLoss', 3],
    ]);
    await s.screenshot('forecast-airline');
  });

  it('keeps the trained forecaster in the recent models, downloads it, and opens the file again', async () => {
    const bar = '.model-bar[data-kind="forecaster"]';
    await page.waitForSelector(`${bar} .model-status[data-saved="saved"]`);
    expect(await page.textContent(`${bar} .model-status`)).toMatch(/^Saved to recent models \(Models page\): GRU 4 · airline · 3 epochs/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${bar} [data-action="download-model"]`)]);
    expect(download.suggestedFilename()).toBe('gru-4-airline-3-epochs.rnnfc');
    const bytes = new Uint8Array(readFileSync((await download.path())!));
    const t = await jobInNode(AIRLINE);
    const shown = await shownMetrics();
    expectSameMetrics(shown, scored(t, bytes)); // the downloaded file forecasts what the page shows
    // opened again: it forecasts the chosen series' test period from the points before it, without refitting
    await page.setInputFiles(`${bar} input.model-file`, {
      name: 'gru-4-airline-3-epochs.rnnfc',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    });
    await page.waitForSelector('.model-note[data-model="opened"]');
    expect(await page.textContent('.model-note')).toMatch(/^gru-4-airline-3-epochs\.rnnfc: a GRU 4 forecaster of “Passengers”/);
    expectSameMetrics(await shownMetrics(), shown);
    // a file that is not a forecaster: the library's error, and the page keeps what it shows
    await page.setInputFiles(`${bar} input.model-file`, {
      name: 'broken.rnnfc',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes.subarray(0, 100)),
    });
    await page.waitForSelector(`${bar} .model-error:not([hidden])`);
    expect(await page.textContent(`${bar} .model-error`)).toMatch(/expected/);
    expectSameMetrics(await shownMetrics(), shown);
    await s.screenshot('forecast-model-opened');
  });

  it('says there is no fitted model when the job is stopped before fit returns, and still shows the baselines', async () => {
    await page.fill('input[name="epochs"]', '300');
    // a network large enough that early stopping cannot end the fit between the two clicks below
    await page.fill('input[name="hiddenSize"]', '256');
    await page.$eval('.model-note', (el) => el.setAttribute('data-model', 'none'));
    await page.click('.training-panel [data-action="train"]');
    await page.waitForFunction(() => Number(document.querySelector('.training-panel')!.getAttribute('data-step')) >= 2);
    await page.click('.training-panel [data-action="pause"]'); // after the epoch in flight: fit stays parked
    await page.waitForSelector('.training-panel[data-state="paused"]');
    await page.click('.training-panel [data-action="stop"]');
    await page.waitForSelector('.model-note[data-model="stopped"]');
    await page.waitForSelector('.forecast-chart canvas[data-summary]');
    expect(await page.textContent('.model-note')).toMatch(/^Stopped after \d+ epochs, before the fit returned: there is no fitted model/);
    expect((await chartSummary()).map(([name]) => name)).toEqual(['history', 'actual', 'naive', 'seasonal naive (m = 12)', 'drift']);
    expect(Object.keys(await shownMetrics())).toEqual(['naive', 'seasonal naive (m = 12)', 'drift']);
    await s.screenshot('forecast-stopped');
  });

  it('trains an uploaded CSV with the columns chosen on the page', async () => {
    const rows = Array.from({ length: 96 }, (_, i) => {
      const month = `${2016 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
      return `${month},${(20 + 5 * Math.sin((2 * Math.PI * i) / 12)).toFixed(2)},${(100 + 2 * i + 10 * Math.cos((2 * Math.PI * i) / 12) + 4 * Math.sin(1.7 * i * i)).toFixed(1)}`;
    });
    const text = `month,temperature,sales\n${rows.join('\n')}\n`;
    await upload('shop.csv', text);
    expect(await errorText()).toBeNull();
    expect(await page.inputValue('select[name="series"]')).toBe('upload');
    expect(await page.inputValue('select[name="time"]')).toBe('month');
    expect(await page.inputValue('select[name="target"]')).toBe('temperature'); // the first numeric column
    await page.selectOption('select[name="target"]', 'sales');
    expect(await page.getAttribute('.series-note', 'data-points')).toBe('96');
    await page.fill('input[name="horizon"]', '6');
    await page.fill('input[name="lookback"]', '12');
    await page.fill('input[name="seasonality"]', '12');
    await page.fill('input[name="naiveSeason"]', '12');
    await page.fill('input[name="hiddenSize"]', '4');
    await page.fill('input[name="epochs"]', '2');
    await train();
    expect(await chartSummary()).toEqual([
      ['90% interval', 6],
      ['history', 36],
      ['actual', 7],
      ['forecast', 6],
      ['naive', 6],
      ['seasonal naive (m = 12)', 6],
      ['drift', 6],
    ]);
    const want = await inNode({
      series: 'upload',
      csv: { text, time: 'month', target: 'sales', missing: 'error', gaps: 'error' },
      cell: 'gru',
      strategy: 'direct',
      hiddenSize: 4,
      horizon: 6,
      lookback: 12,
      seasonality: 12,
      naiveSeason: 12,
      log: false,
      epochs: 2,
      seed: 3,
      level: 0.9,
    });
    expectSameMetrics(await shownMetrics(), want);
    await s.screenshot('forecast-uploaded-csv');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await s.screenshot('forecast-uploaded-csv-narrow');
  });

  it('logged no console errors', () => {
    expect(s.errors()).toEqual([]);
  });
});
