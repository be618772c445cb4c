// End to end, in Debian's Chromium: the production build served with COOP/COEP like `pnpm start`.
// No timing thresholds: responsiveness is shown by the page's own timer ticking while the worker trains.
import { jsBackend } from '@rnn/backend-js';
import { EntityTagger, LanguageModel, TextClassifier } from '@rnn/nlp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nerTask, type TrainedTagger } from '../pages/classify/ner-task.js';
import { sentimentTask, type TrainedSentiment } from '../pages/classify/task.js';
import { splitTokens } from '../pages/classify/tokens.js';
import type { TrainedLm } from '../pages/text/corpus.js';
import { textTask } from '../pages/text/task.js';
import { charModel, corpusBatch, unrollCharModel } from '../pages/unrolling/charlm.js';
import type { CellKind } from '../training/cells.js';
import { openApp, type Session } from './harness.js';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openApp(inject('appDir'), 170_000);
  page = s.page;
  await page.goto(s.url);
  await page.waitForSelector('.page[data-page="gradients"][data-ready="true"]');
}, 90_000);

afterAll(async () => {
  await s?.close();
});

const panelState = (p: Page): Promise<{ state: string; step: number }> =>
  p.$eval('.training-panel', (el) => ({ state: el.getAttribute('data-state')!, step: Number(el.getAttribute('data-step')) }));

const waitForState = (p: Page, states: string[]): Promise<unknown> =>
  p.waitForFunction((want) => want.includes(document.querySelector('.training-panel')!.getAttribute('data-state')!), states);

const waitForStep = (p: Page, atLeast: number): Promise<unknown> =>
  p.waitForFunction((n) => Number(document.querySelector('.training-panel')!.getAttribute('data-step')) >= n, atLeast);

/** The number of ticks of the page's heartbeat so far (see the first test). */
const beats = (p: Page): Promise<number> => p.evaluate(() => (window as unknown as { beats: unknown[] }).beats.length);

async function waitForBeats(p: Page, more: number): Promise<void> {
  const target = (await beats(p)) + more;
  await p.waitForFunction((n) => (window as unknown as { beats: unknown[] }).beats.length >= n, target);
}

describe('playground in Chromium', () => {
  it('is cross-origin isolated, page and worker, and loads nothing from the network', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getAttribute('.isolation', 'data-isolated')).toBe('true');
    const workers = page.workers();
    expect(workers).toHaveLength(1); // the training worker, started by the shell
    expect(await workers[0]!.evaluate(() => (self as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
    // a heartbeat on the page's main thread for the responsiveness checks below: each animation frame
    // records the training step the page shows at that moment
    await page.evaluate(() => {
      const w = window as unknown as { beats: number[] };
      w.beats = [];
      const tick = (): void => {
        w.beats.push(Number(document.querySelector('.training-panel')?.getAttribute('data-step') ?? -1));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await waitForBeats(page, 3);
  });

  it('trains in the worker while the page stays responsive; pause, resume and stop work', async () => {
    await page.click('[data-preset="vanishing"]'); // T = 60
    await page.fill('input[name="steps"]', '100000');
    await page.selectOption('#backend', 'js');
    const before = await beats(page);
    await page.click('[data-action="train"]');
    // while the worker trains, the main thread keeps drawing frames, and sees the step advance between them:
    // frames at five different steps of one run (training on this thread would block them)
    await page.waitForFunction(
      (from) => new Set((window as unknown as { beats: number[] }).beats.slice(from).filter((step) => step > 0)).size >= 5,
      before,
    );
    expect((await panelState(page)).state).toBe('running');

    await page.click('[data-action="pause"]');
    await waitForState(page, ['paused']);
    const paused = await panelState(page);
    await waitForBeats(page, 30); // the page keeps ticking, the step does not move
    expect(await panelState(page)).toEqual(paused);
    expect(await page.textContent('.training-panel .status')).toMatch(/^paused · step \d+ \/ 100000 · js-float32$/);

    await page.click('[data-action="resume"]');
    await waitForState(page, ['running']);
    await waitForStep(page, paused.step + 5);

    await page.click('[data-action="stop"]');
    await waitForState(page, ['stopped']);
    const stopped = await panelState(page);
    await waitForBeats(page, 30);
    expect(await panelState(page)).toEqual(stopped);
    expect(stopped.step).toBeGreaterThan(paused.step);
    expect(stopped.step).toBeLessThan(100000);
    expect(await page.isDisabled('[data-action="stop"]')).toBe(true);
  });

  it('plots ||dL/dh_t|| for RNN, LSTM and GRU, with and without clipping, on a log axis', async () => {
    for (const chart of ['unclipped', 'clipped']) {
      const summary = JSON.parse((await page.getAttribute(`canvas[data-chart="${chart}"]`, 'data-summary'))!) as {
        name: string;
        points: number;
      }[];
      expect(summary.map((x) => [x.name, x.points])).toEqual([
        ['RNN', 60],
        ['LSTM', 60],
        ['GRU', 60],
      ]);
    }
    const loss = JSON.parse((await page.getAttribute('.training-panel canvas', 'data-summary'))!) as { name: string }[];
    expect(loss.map((x) => x.name)).toEqual(['RNN', 'RNN + clip', 'LSTM', 'LSTM + clip', 'GRU', 'GRU + clip']);
    expect(await page.$$eval('.grad-table tr[data-series]', (rows) => rows.length)).toBe(6);
    await s.screenshot('gradients-trained');
  });

  it('trains on the backend chosen in the switcher', async () => {
    await page.selectOption('#backend', 'wasm');
    await page.fill('input[name="length"]', '10');
    await page.fill('input[name="steps"]', '5');
    await page.click('[data-action="train"]');
    await waitForState(page, ['completed', 'failed']);
    expect(await page.textContent('.training-panel .status')).toMatch(/^completed · step 5 \/ 5 · wasm-(relaxed-)?simd$/);
    expect(await page.textContent('.training-panel .timing')).toMatch(/ms\/step/);
  });

  it('compares backends: the same model on js, wasm and tfjs, with measured ms/step', async () => {
    await page.click('[data-action="compare"]');
    await page.waitForFunction(
      () => [...document.querySelectorAll('.compare-table tr[data-backend]')].every((r) => r.getAttribute('data-status') !== 'pending'),
      undefined,
      { timeout: 120_000 },
    );
    const rows = await page.$$eval('.compare-table tr[data-backend]', (trs) =>
      trs.map((tr) => ({
        choice: tr.getAttribute('data-backend'),
        status: tr.getAttribute('data-status'),
        ms: Number(tr.getAttribute('data-ms-per-step')),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })),
    );
    expect(rows.map((r) => r.choice)).toEqual(['js', 'wasm', 'wasm-threads', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu']);
    const byChoice = Object.fromEntries(rows.map((r) => [r.choice, r]));
    for (const choice of ['js', 'wasm', 'wasm-threads', 'tfjs-wasm', 'tfjs-cpu']) {
      expect(byChoice[choice]!.status, byChoice[choice]!.cells.join(' | ')).toBe('ok');
      expect(byChoice[choice]!.ms).toBeGreaterThan(0);
    }
    expect(byChoice.wasm!.cells[1]).toMatch(/^wasm-(relaxed-)?simd$/);
    // a pool of Web Workers: the page is cross-origin isolated and the backend runs in the training worker
    expect(byChoice['wasm-threads']!.cells[1]).toMatch(/^wasm-(relaxed-)?simd-threads$/);
    expect(byChoice['tfjs-wasm']!.cells[1]).toBe('tfjs-wasm');
    const webgl = byChoice['tfjs-webgl']!;
    if (webgl.status === 'ok') expect(webgl.cells[1]).toBe('tfjs-webgl');
    else {
      // WebGL could not start here: the table must show tfjs's own reason
      expect(webgl.cells[4]).toMatch(/^backend: expected a tfjs "webgl" backend that initialises here, received .+/);
      console.warn(`tfjs-webgl unavailable in this Chromium: ${webgl.cells[4]}`);
    }
    await s.screenshot('backends-compared');
  });

  describe('unrolling', () => {
    /** What the page shows for each value of each step, from the diagram's data attributes. */
    const shown = (p: Page): Promise<Record<string, number[]>> =>
      p.$$eval('.unroll-diagram [data-vec]', (els) =>
        Object.fromEntries(
          els.map((el) => [`${el.getAttribute('data-vec')}@${el.getAttribute('data-t')}`, JSON.parse(el.getAttribute('data-values')!)]),
        ),
      );

    const expected = (kind: CellKind, weights: Record<string, ArrayLike<number>>, text: string): Record<string, number[]> => {
      const out: Record<string, number[]> = {};
      unrollCharModel(jsBackend({ dtype: 'float64' }), kind, weights, text).forEach((step, t) => {
        out[`x@${t}`] = step.x;
        for (const [n, v] of Object.entries(step.prev)) out[`prev.${n}@${t}`] = v;
        for (const [n, v] of Object.entries(step.gates)) out[`gate.${n}@${t}`] = v;
        for (const [n, v] of Object.entries(step.next)) out[`next.${n}@${t}`] = v;
        out[`y@${t}`] = step.y!;
      });
      return out;
    };

    const expectSame = (actual: Record<string, number[]>, want: Record<string, number[]>, digits: number): void => {
      expect(Object.keys(actual).sort()).toEqual(Object.keys(want).sort());
      for (const [key, values] of Object.entries(want)) {
        expect(actual[key], key).toHaveLength(values.length);
        values.forEach((v, i) => expect(actual[key]![i], `${key}[${i}]`).toBeCloseTo(v, digits));
      }
    };

    it('renders the values a Node-side unroll of the same model computes, for each cell', async () => {
      await page.goto(`${s.url}#/unrolling`);
      await page.waitForSelector('.page[data-page="unrolling"][data-ready="true"]');
      await page.fill('input[name="text"]', 'the c');
      for (const kind of ['rnn', 'lstm', 'gru'] as const) {
        await page.selectOption('select[name="cell"]', kind);
        const marker = { rnn: 'next.h', lstm: 'gate.f', gru: 'gate.z' }[kind];
        await page.waitForSelector(`.unroll-diagram [data-vec="${marker}"]`);
        const model = charModel(jsBackend({ dtype: 'float64' }), kind, 1); // the page's initial weights: seed 1
        expectSame(await shown(page), expected(kind, model.getWeights(), 'the c'), 12);
        model.dispose();
      }
    });

    it('steps forward and back through time', async () => {
      const current = (): Promise<string | null> => page.getAttribute('.unroll-diagram', 'data-current');
      await page.click('[data-action="first"]');
      expect(await current()).toBe('0');
      await page.click('[data-action="forward"]');
      await page.click('[data-action="forward"]');
      expect(await current()).toBe('2');
      expect(await page.textContent('.step-label')).toBe('step 3 of 5');
      expect(await page.$$eval('.unroll-diagram .step.future', (els) => els.map((e) => e.getAttribute('data-t')))).toEqual(['3', '4']);
      await page.click('[data-action="back"]');
      expect(await current()).toBe('1');
      await page.click('[data-action="last"]');
      expect(await current()).toBe('4');
      await page.click('[data-action="forward"]'); // stays on the last step
      expect(await current()).toBe('4');
    });

    it('after training in the worker, shows what the trained weights compute', async () => {
      await page.selectOption('#backend', 'js');
      await page.selectOption('select[name="cell"]', 'lstm');
      await page.fill('input[name="steps"]', '20');
      await page.click('[data-action="train"]');
      await page.waitForSelector('.weights-note[data-weights="trained"]');
      // the same 20 steps in Node on the same backend (js, float32) from the same seed
      const model = charModel(jsBackend(), 'lstm', 1);
      const batch = corpusBatch();
      for (let i = 0; i < 20; i++) model.trainStep(batch);
      expectSame(await shown(page), expected('lstm', model.getWeights(), 'the c'), 6);
      await s.screenshot('unrolling-trained');
      model.dispose();
    });

    it('names the bad character or seed instead of drawing', async () => {
      await page.fill('input[name="text"]', 'thz');
      expect(await page.textContent('.page p.error')).toMatch(/^text\[2\]: expected one of the characters ".+", received "z"$/);
      expect(await page.$('.unroll-diagram')).toBeNull();
      await page.fill('input[name="text"]', 'the');
      await page.fill('input[name="seed"]', '-1');
      await page.dispatchEvent('input[name="seed"]', 'change');
      expect(await page.textContent('.page p.error')).toBe('seed: expected a non-negative integer, received -1');
      await page.fill('input[name="seed"]', '2');
      await page.dispatchEvent('input[name="seed"]', 'change');
      expect(await page.isHidden('.page p.error')).toBe(true);
      expect(await page.$$('.unroll-diagram .step')).toHaveLength(3);
    });
  });

  describe('text generation and inside the network', () => {
    const TRAIN = { hiddenSize: '16', embeddingSize: '8', sequenceLength: '16', batchSize: '8', steps: '25' };
    let lm: LanguageModel;
    let nodeLosses: number[] = [];

    beforeAll(() => {
      // the worker's job, run in Node on the same backend (js, float32) with the same settings and seed
      const run = textTask.create(jsBackend(), {
        corpus: 'shakespeare',
        cell: 'lstm',
        hiddenSize: 16,
        embeddingSize: 8,
        sequenceLength: 16,
        batchSize: 8,
        lr: 0.01,
        seed: 1,
      });
      nodeLosses = Array.from({ length: 25 }, () => run.step().loss.loss!);
      lm = LanguageModel.load(jsBackend(), (run.result!() as TrainedLm).files);
      run.dispose();
    });
    afterAll(() => lm?.dispose());

    it('trains a character LSTM on Tiny Shakespeare in the worker and streams what it generates', async () => {
      await page.goto(`${s.url}#/text`);
      await page.waitForSelector('.page[data-page="text"][data-ready="true"]');
      await page.selectOption('#backend', 'js');
      for (const [name, value] of Object.entries(TRAIN)) await page.fill(`input[name="${name}"]`, value);
      await page.click('[data-action="train"]');
      await page.waitForSelector('.model-note[data-model="trained"]');
      expect(await panelState(page)).toEqual({ state: 'completed', step: 25 });
      // the loss falls, step by step as in Node (the chart redraws on animation frames: wait for the last step)
      await page.waitForFunction(
        () => JSON.parse(document.querySelector('.training-panel canvas')!.getAttribute('data-summary') ?? '[]')[0]?.points === 25,
      );
      const [loss] = JSON.parse((await page.getAttribute('.training-panel canvas', 'data-summary'))!) as {
        first: number;
        last: number;
        points: number;
      }[];
      expect(loss!.points).toBe(25);
      expect(loss!.first).toBeCloseTo(nodeLosses[0]!, 5);
      expect(loss!.last).toBeCloseTo(nodeLosses[24]!, 5);
      expect(loss!.last).toBeLessThan(loss!.first - 0.5);
      expect(await page.textContent('.model-note')).toMatch(
        /^Model: LSTM with 16 units, \d+ characters, .* trained 25 steps on Tiny Shakespeare/,
      );
      await page.fill('input[name="maxTokens"]', '60');
      await page.fill('input[name="temperature"]', '0.8');
      await page.fill('input[name="topK"]', '10');
      await page.click('[data-action="generate"]');
      await page.waitForSelector('pre.generated[data-state="done"]');
      expect(await page.getAttribute('pre.generated', 'data-tokens')).toBe('60');
      const want = lm.generate({ prompt: 'ROMEO:\n', temperature: 0.8, topK: 10, maxTokens: 60, seed: 1 });
      expect(await page.textContent('pre.generated')).toBe(`ROMEO:\n${want}`); // the same model, the same draws
      await s.screenshot('text-generated');
    });

    it('names a bad sampling setting instead of generating', async () => {
      await page.fill('input[name="temperature"]', '-1');
      await page.click('[data-action="generate"]');
      await page.waitForSelector('pre.generated[data-state="done"]');
      expect(await page.textContent('.page p.error')).toMatch(/^sampling\.temperature: expected a finite number > 0 .*, received -1$/);
    });

    it('colours the text by a unit of the model trained on the text page, with the values inspect computes', async () => {
      await page.goto(`${s.url}#/inside`);
      await page.waitForSelector('.page[data-page="inside"][data-ready="true"]');
      await page.waitForSelector('.model-note[data-model="trained"]'); // the model from the text page, not retrained
      await page.selectOption('select[name="quantity"]', 'gate:f');
      await page.fill('input[name="unit"]', '3');
      await page.waitForSelector('.coloured-text[data-unit="3"][data-quantity="gate:f"]');
      const text = await page.inputValue('textarea[name="text"]');
      const want = lm.inspect(text).layers[0]!.gates.f!.map((row) => row[3]!);
      const shown = await page.$$eval('.coloured-text span', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
      expect(shown).toHaveLength([...text].length);
      shown.forEach((v, t) => expect(v, `t=${t}`).toBeCloseTo(want[t]!, 5));
      expect(await page.$$eval('select[name="quantity"] option', (els) => els.map((e) => e.getAttribute('value')))).toEqual([
        'hidden',
        'cell',
        'gate:i',
        'gate:f',
        'gate:g',
        'gate:o',
      ]);
      const size = await page.$eval('canvas.heatmap', (c) => [c.style.width, c.style.height]);
      expect(size).toEqual([`${[...text].length * 7}px`, `${16 * 4}px`]); // one column per character, one row per unit
      await s.screenshot('inside-coloured');
      await page.fill('input[name="unit"]', '16');
      expect(await page.textContent('.page p.error')).toBe('unit: expected an integer in [0, 15], received "16"');
    });

    it('trains another model there: a simple RNN has only its hidden state to show', async () => {
      await page.selectOption('select[name="cell"]', 'rnn');
      await page.fill('input[name="hiddenSize"]', '8');
      await page.fill('input[name="steps"]', '5');
      await page.fill('input[name="unit"]', '0');
      await page.click('[data-action="train"]');
      await page.waitForFunction(() => document.querySelector('.model-note')?.textContent?.startsWith('Model: RNN with 8 units'));
      expect(await page.$$eval('select[name="quantity"] option', (els) => els.map((e) => e.getAttribute('value')))).toEqual(['hidden']);
      const values = await page.$$eval('.coloured-text span', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(Math.abs(v)).toBeLessThan(1); // tanh
      expect(await page.$$('.top-units .unit-link')).toHaveLength(8);
    });
  });

  describe('classification and tagging', () => {
    const SENTENCE = 'The battery lasts all day and the screen is gorgeous.';
    const NER_SENTENCE = 'Maria flew from Boston to Paris with Air France on Monday .';

    it('trains the sentiment classifier in the worker and classifies a typed sentence as Node does', async () => {
      await page.goto(`${s.url}#/classify`);
      await page.waitForSelector('.page[data-page="classify"][data-ready="true"]');
      await page.selectOption('#backend', 'js');
      await page.fill('input[name="hiddenSize"]', '8');
      await page.fill('input[name="embeddingSize"]', '8');
      await page.fill('input[name="steps"]', '40');
      await page.click('.training-panel:not(.ner-panel) [data-action="train"]');
      await page.waitForSelector('.model-note[data-model="trained"]');
      const accuracy = Number(await page.getAttribute('.model-note', 'data-accuracy'));
      expect(accuracy).toBeGreaterThan(0.4);
      expect(accuracy).toBeLessThanOrEqual(1);
      // the same job in Node on the same backend (js, float32) and seed
      const run = sentimentTask.create(jsBackend(), { cell: 'gru', hiddenSize: 8, embeddingSize: 8 });
      for (let i = 0; i < 40; i++) run.step();
      const trained = run.result!() as TrainedSentiment;
      run.dispose();
      expect(accuracy).toBeCloseTo(trained.accuracy, 10);
      const clf = TextClassifier.load(jsBackend(), trained.files);
      await page.fill('input[name="sentence"]', SENTENCE);
      const want = clf.classify([SENTENCE])[0]!;
      const shown = await page.$$eval('.verdict .bar-row', (els) =>
        els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-probability'))] as const),
      );
      expect(shown.map(([label]) => label)).toEqual(['negative', 'positive']);
      shown.forEach(([, p], i) => expect(p).toBeCloseTo(want.probabilities[i]!, 5));
      expect(await page.getAttribute('.verdict', 'data-label')).toBe(want.label);
      // why: each word's gradient × input, as TextClassifier.explain computes it in Node
      const why = clf.explain(SENTENCE);
      expect(await page.getAttribute('.why', 'data-label')).toBe(why.label);
      const saliency = await page.$$eval('.why .saliency-token', (els) =>
        els.map((e) => [e.textContent, Number(e.getAttribute('data-saliency'))] as const),
      );
      expect(saliency.map(([token]) => token)).toEqual(why.tokens);
      saliency.forEach(([, v], t) => expect(v, why.tokens[t]).toBeCloseTo(why.saliency[t]!, 5));
      await s.screenshot('classify-sentiment-why');
      clf.dispose();
      await page.fill('input[name="sentence"]', '');
      expect(await page.textContent('.page p.error:not(.ner-error)')).toMatch(/^texts\[0\]: expected/);
    });

    it('trains the entity tagger in the worker and tags a typed sentence as Node does', async () => {
      await page.fill('input[name="nerHiddenSize"]', '8');
      await page.fill('input[name="nerSteps"]', '4');
      await page.click('.ner-panel [data-action="train"]');
      await page.waitForSelector('.ner-note[data-model="trained"]');
      const run = nerTask.create(jsBackend(), { hiddenSize: 8 });
      for (let i = 0; i < 4; i++) run.step();
      const trained = run.result!() as TrainedTagger;
      run.dispose();
      expect(Number(await page.getAttribute('.ner-note', 'data-f1'))).toBeCloseTo(trained.f1, 10);
      const tagger = EntityTagger.fromBytes(jsBackend(), trained.bytes);
      await page.fill('input[name="nerSentence"]', NER_SENTENCE);
      const tags = await page.$$eval('.tagged .token', (els) => els.map((e) => e.getAttribute('data-tag')));
      expect(tags).toEqual(tagger.predict([splitTokens(NER_SENTENCE)])[0]);
      await s.screenshot('classify-ner');
      tagger.dispose();
    });
  });

  it('made every request to the local server', () => {
    const foreign = s.requests.filter((url) => !url.startsWith(s.url) && !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(s.log.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });
});
