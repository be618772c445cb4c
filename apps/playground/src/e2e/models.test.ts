// Saving, opening, importing and exporting models, end to end in Chromium (a real IndexedDB): a language model
// trained on the text page is kept in the recent models, survives a reload, opens back into the text and inside
// pages, downloads as a file that @rnn/nlp reads in Node with the same generations, and uploads again; damaged and
// wrong files are named on the page. A TF.js model made here with tfjs-layers is imported on the models page:
// its summary and outputs are the ones interop and tfjs compute in Node, and its exports read back (ONNX in
// onnxruntime-node). An ONNX model exported in Node is imported the same way and runs as onnxruntime runs it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend } from '@rnn/backend-js';
import { bidirectional, dense, gru, loadModelBytes, lstm, meanSquaredError, Rng, recurrent, Sequential, sgd } from '@rnn/core';
import { exportOnnx, importOnnx, loadLayersModel } from '@rnn/interop';
import { EntityTagger, LanguageModel, TextClassifier } from '@rnn/nlp';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomizeTfjs, saveTfjs, tf } from '../../../../packages/interop/src/keras/tfjs.test-helpers.js';
import { runOnnx } from '../../../../packages/interop/src/onnx/ort.test-helpers.js';
import { splitTokens } from '../pages/classify/tokens.js';
import { openApp, type Session } from './harness.js';

let s: Session;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'rnn-models-e2e-'));

beforeAll(async () => {
  s = await openApp(inject('appDir'), 170_000);
  page = s.page;
  await page.goto(s.url);
}, 90_000);

afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TRAIN = { hiddenSize: '8', embeddingSize: '4', sequenceLength: '8', batchSize: '4', steps: '5' };
const GENERATE = { prompt: 'ROMEO:\n', temperature: 0.8, maxTokens: 40, seed: 1 };

const ready = (id: string): Promise<unknown> => page.waitForSelector(`.page[data-page="${id}"][data-ready="true"]`);

async function generateOnPage(): Promise<string> {
  await page.fill('input[name="maxTokens"]', String(GENERATE.maxTokens));
  await page.click('[data-action="generate"]');
  await page.waitForSelector('pre.generated[data-state="done"]');
  return (await page.textContent('pre.generated'))!;
}

/** Clicks and returns the download's bytes and suggested name. */
async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return saved(d);
}

async function saved(d: Download): Promise<{ name: string; bytes: Uint8Array }> {
  const path = join(dir, `${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(path);
  return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
}

const recentTitles = (): Promise<string[]> =>
  page.$$eval('table.recent-models tbody tr td.title', (tds) => tds.map((td) => td.textContent!));

function writeFile(name: string, bytes: Uint8Array | ArrayBuffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, typeof bytes === 'string' ? bytes : new Uint8Array(bytes));
  return path;
}

describe('models in Chromium', () => {
  let generated = '';
  let lmFile: { name: string; bytes: Uint8Array };
  let recentId = '';

  it('keeps a language model trained on the text page in the recent models, across a reload', async () => {
    await page.goto(`${s.url}#/text`);
    await ready('text');
    await page.selectOption('#backend', 'js');
    for (const [name, value] of Object.entries(TRAIN)) await page.fill(`input[name="${name}"]`, value);
    await page.click('[data-action="train"]');
    await page.waitForSelector('.model-bar[data-kind="language-model"] .model-status[data-saved="saved"]');
    expect(await page.textContent('.model-status')).toMatch(
      /^Saved to recent models \(Models page\): LSTM 8 · Tiny Shakespeare · 5 steps, \d+(\.\d)? kB\.$/,
    );
    generated = await generateOnPage();
    await s.screenshot('models-text-bar');

    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector('.store-note[data-store="ready"]');
    const rows = async () =>
      page.$$eval('table.recent-models tbody tr', (trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-id')!,
          kind: tr.getAttribute('data-kind'),
          cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
        })),
      );
    const before = await rows();
    expect(before).toHaveLength(1);
    expect(before[0]!.kind).toBe('language-model');
    expect(before[0]!.cells.slice(0, 2)).toEqual(['LSTM 8 · Tiny Shakespeare · 5 steps', 'language model']);
    expect(before[0]!.cells[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    recentId = before[0]!.id;
    await page.reload();
    await ready('models');
    await page.waitForSelector('.store-note[data-store="ready"]');
    expect(await rows()).toEqual(before); // IndexedDB, not page state
    await s.screenshot('models-recent');
  });

  it('opens a recent model back into the text page, which generates the same text', async () => {
    await page.click(`table.recent-models tr[data-id="${recentId}"] [data-action="open"]`);
    await ready('text');
    expect(page.url()).toContain(`#/text?model=${recentId}`);
    await page.waitForSelector('.model-note[data-model="opened"]');
    expect(await page.textContent('.model-note')).toMatch(
      /^Model: LSTM 8 · Tiny Shakespeare · 5 steps \(LSTM 8, \d+ characters, \d+ parameters\)\.$/,
    );
    expect(await generateOnPage()).toBe(generated);
  });

  it('downloads the model as one file that @rnn/nlp reads in Node: same generations, same predictions', async () => {
    lmFile = await download(() => page.click('.model-bar [data-action="download-model"]'));
    expect(lmFile.name).toBe('lstm-8-tiny-shakespeare-5-steps.rnnlm');
    const lm = LanguageModel.fromBytes(jsBackend(), lmFile.bytes);
    expect(`${GENERATE.prompt}${lm.generate(GENERATE)}`).toBe(generated);
    const inspected = lm.inspect('ROMEO: O').layers[0]!.hidden;
    expect(inspected).toHaveLength(8);
    lm.dispose();
  });

  it('uploads the file again, and names a damaged file or another kind of file without breaking the page', async () => {
    await page.goto(`${s.url}#/text`);
    await page.reload(); // a fresh tab: no model on the page
    await ready('text');
    expect(await page.getAttribute('.model-note', 'data-model')).toBe('none');
    await page.setInputFiles('input[name="language-model-file"]', writeFile(lmFile.name, lmFile.bytes));
    await page.waitForSelector('.model-note[data-model="opened"]');
    expect(await page.textContent('.model-status')).toMatch(/^Opened lstm-8-tiny-shakespeare-5-steps\.rnnlm \(\d+(\.\d)? kB\)\.$/);
    expect(await generateOnPage()).toBe(generated);

    const damaged = Uint8Array.from(lmFile.bytes);
    damaged[200]! ^= 0x10;
    await page.setInputFiles('input[name="language-model-file"]', writeFile('damaged.rnnlm', damaged));
    await page.waitForSelector('.model-bar p.error[role="alert"]:not([hidden])');
    expect(await page.textContent('.model-bar p.error')).toMatch(
      /^file\.checksum: expected CRC-32 [0-9a-f]+ \(the file is damaged or was altered\), received [0-9a-f]+$/,
    );
    await s.screenshot('models-text-damaged');
    expect(await generateOnPage()).toBe(generated); // the model in use is still the good one
    await page.setInputFiles('input[name="language-model-file"]', writeFile('short.rnnlm', lmFile.bytes.subarray(0, 12)));
    await page.waitForFunction(() =>
      document.querySelector('.model-bar p.error')?.textContent?.startsWith('file: expected at least 20 bytes'),
    );

    // a language model is not a sentiment classifier
    await page.goto(`${s.url}#/classify`);
    await ready('classify');
    await page.setInputFiles('input[name="sentiment-file"]', writeFile(lmFile.name, lmFile.bytes));
    await page.waitForSelector('.model-bar[data-kind="sentiment"] p.error:not([hidden])');
    expect(await page.textContent('.model-bar[data-kind="sentiment"] p.error')).toBe(
      'manifest.kind: expected "text-classifier", received language-model',
    );
    expect(await page.getAttribute('.model-note', 'data-model')).toBe('none');
  });

  it('inspects a recent model on the inside page', async () => {
    await page.goto(`${s.url}#/inside?model=${recentId}`);
    await page.reload();
    await ready('inside');
    await page.waitForSelector('.model-note[data-model="opened"]');
    await page.waitForSelector('.coloured-text span');
    const lm = LanguageModel.fromBytes(jsBackend(), lmFile.bytes);
    const text = await page.inputValue('textarea[name="text"]');
    const want = lm.inspect(text).layers[0]!.hidden.map((row) => row[0]!);
    const shown = await page.$$eval('.coloured-text span', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(shown).toHaveLength(want.length);
    shown.forEach((v, t) => expect(v).toBeCloseTo(want[t]!, 5));
    lm.dispose();
    await s.screenshot('models-inside-opened');
  });

  it('downloads and opens the sentiment classifier and the entity tagger on the classification page', async () => {
    const SENTENCE = 'The battery lasts all day and the screen is gorgeous.';
    const NER_SENTENCE = 'Maria flew from Boston to Paris with Air France on Monday .';
    await page.goto(`${s.url}#/classify`);
    await page.reload();
    await ready('classify');
    for (const [name, value] of Object.entries({ hiddenSize: '4', embeddingSize: '4', steps: '5', nerHiddenSize: '4', nerSteps: '2' }))
      await page.fill(`input[name="${name}"]`, value);
    await page.click('.training-panel:not(.ner-panel) [data-action="train"]');
    await page.waitForSelector('.model-bar[data-kind="sentiment"] .model-status[data-saved="saved"]');
    await page.click('.ner-panel [data-action="train"]');
    await page.waitForSelector('.model-bar[data-kind="tagger"] .model-status[data-saved="saved"]');
    const clfFile = await download(() => page.click('.model-bar[data-kind="sentiment"] [data-action="download-model"]'));
    const nerFile = await download(() => page.click('.model-bar[data-kind="tagger"] [data-action="download-model"]'));
    expect(clfFile.name).toMatch(/^bigru-4-sentiment-5-steps-\d+(-\d+)?-accuracy\.rnnclf$/);
    expect(nerFile.name).toMatch(/^bilstm-4-entities-2-steps-f1-\d+(-\d+)?\.rnnner$/);

    // a fresh tab opens both files and classifies / tags exactly as @rnn/nlp does in Node with the same files
    await page.reload();
    await ready('classify');
    await page.setInputFiles('input[name="sentiment-file"]', writeFile(clfFile.name, clfFile.bytes));
    await page.waitForSelector('.model-note[data-model="opened"]');
    await page.fill('input[name="sentence"]', SENTENCE);
    const clf = TextClassifier.fromBytes(jsBackend(), clfFile.bytes);
    const want = clf.classify([SENTENCE])[0]!;
    const shown = await page.$$eval('.verdict .bar-row', (els) => els.map((e) => Number(e.getAttribute('data-probability'))));
    expect(shown).toHaveLength(2);
    shown.forEach((p, i) => expect(p).toBeCloseTo(want.probabilities[i]!, 6));
    clf.dispose();
    await page.setInputFiles('input[name="tagger-file"]', writeFile(nerFile.name, nerFile.bytes));
    await page.waitForSelector('.ner-note[data-model="opened"]');
    await page.fill('input[name="nerSentence"]', NER_SENTENCE);
    const tagger = EntityTagger.fromBytes(jsBackend(), nerFile.bytes);
    const tags = await page.$$eval('.tagged .token', (els) => els.map((e) => e.getAttribute('data-tag')));
    expect(tags).toEqual(tagger.predict([splitTokens(NER_SENTENCE)])[0]);
    tagger.dispose();
    await s.screenshot('models-classify-opened');
  });

  describe('a TF.js model made with tfjs-layers', () => {
    const T = 4;
    const F = 3;
    let files: { json: string; shard: string; modelJson: string; weights: ArrayBuffer };
    let tfModel: tf.LayersModel;
    const input = [
      [0.5, -1, 0.25],
      [1, 0, -0.5],
      [-0.75, 0.5, 2],
      [0.1, 0.2, 0.3],
    ];

    beforeAll(async () => {
      tfModel = tf.sequential({
        layers: [
          tf.layers.lstm({ units: 5, returnSequences: true, inputShape: [null, F] }),
          tf.layers.gru({ units: 4 }), // TF.js's GRU is the reset-before variant
          tf.layers.dense({ units: 2 }),
        ],
      });
      randomizeTfjs(tfModel, new Rng(4), 0.6);
      const saved = await saveTfjs(tfModel);
      const modelJson = JSON.stringify(saved.modelJson);
      files = {
        json: writeFile('model.json', modelJson),
        shard: writeFile('group1-shard1of1.bin', saved.weights),
        modelJson,
        weights: saved.weights,
      };
    });
    afterAll(() => tfModel?.dispose());

    it('imports model.json with its shard: the summary and the outputs interop and tfjs compute in Node', async () => {
      await page.goto(`${s.url}#/models`);
      await ready('models');
      await page.setInputFiles('input[name="tfjs"]', [files.json, files.shard]);
      await page.waitForSelector('section.network:not([hidden])');
      const node = loadLayersModel(jsBackend(), { modelJson: files.modelJson, weights: files.weights });
      const rows = await page.$$eval('table.summary tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(rows).toEqual(node.model.summary().layers.map((r) => [String(r.index), r.description, r.parameters.toLocaleString('en')]));
      expect(rows.map((r) => r[1]!.replace(/ \d+ → \d+/, ''))).toEqual(['LSTM, every step', 'GRU (reset-before), last step', 'dense']);
      const total = node.model.params.reduce((n, p) => n + p.value.size, 0);
      expect(Number(await page.getAttribute('td.total', 'data-parameters'))).toBe(total);
      expect(total).toBe(tfModel.countParams());
      expect(await page.$$eval('ul.ignored li', (lis) => lis.map((li) => li.textContent))).toEqual(node.ignored);

      await page.fill('textarea[name="input"]', JSON.stringify(input));
      await page.click('[data-action="predict"]');
      await page.waitForSelector('pre.prediction[data-state="done"]');
      const shown = JSON.parse((await page.getAttribute('pre.prediction', 'data-values'))!) as number[];
      const x = { data: Float32Array.from(input.flat()), shape: [1, T, F] };
      expect(shown).toEqual(Array.from(node.model.predict(x).data)); // the same code on the same backend
      const reference = (tfModel.predict(tf.tensor3d([input])) as tf.Tensor).dataSync();
      shown.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-5));
      node.model.dispose();
      await s.screenshot('models-tfjs-imported');

      await page.fill('textarea[name="input"]', '[[1, 2], [3]]');
      await page.click('[data-action="predict"]');
      expect(await page.textContent('p.try-error')).toBe('input[0]: expected an array of 3 numbers (one step), received [1, 2]');
    });

    it('exports it: ONNX runs in onnxruntime-node, the rnn model file loads, PyTorch names the layer it lacks', async () => {
      const onnx = await download(() => page.click('[data-export="onnx"]'));
      expect(onnx.name).toBe('model.onnx');
      const node = loadLayersModel(jsBackend(), { modelJson: files.modelJson, weights: files.weights }).model;
      const x = { data: Float32Array.from(input.flat()), shape: [1, T, F] };
      const want = node.predict(x).data;
      const ran = await runOnnx(onnx.bytes, { x });
      expect(ran.dims).toEqual([1, 2]);
      ran.data.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5));

      const native = await download(() => page.click('[data-export="native"]'));
      expect(native.name).toBe('model.rnnmodel');
      const loaded = loadModelBytes(jsBackend(), native.bytes);
      expect(loaded.predict(x).data).toEqual(want);
      loaded.dispose();

      const tfjsFiles: Download[] = [];
      const both = new Promise<void>((resolve) =>
        page.on('download', (d) => {
          tfjsFiles.push(d);
          if (tfjsFiles.length === 2) resolve();
        }),
      );
      await page.click('[data-export="tfjs"]');
      await both;
      const [json, shard] = await Promise.all(tfjsFiles.map(saved));
      expect([json!.name, shard!.name]).toEqual(['model.json', 'group1-shard1of1.bin']);
      const reloaded = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: JSON.parse(new TextDecoder().decode(json!.bytes)).modelTopology,
          weightSpecs: JSON.parse(new TextDecoder().decode(json!.bytes)).weightsManifest[0].weights,
          weightData: shard!.bytes.slice().buffer,
        }),
      );
      const again = (reloaded.predict(tf.tensor3d([input])) as tf.Tensor).dataSync();
      again.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5));
      reloaded.dispose();

      // TF.js's LSTM uses hard_sigmoid gates, which PyTorch's nn.LSTM cannot express
      await page.click('[data-export="safetensors"]');
      await page.waitForSelector('p.export-error:not([hidden])');
      expect(await page.textContent('p.export-error')).toMatch(/^layers\[0\].*expected .*sigmoid/);
      node.dispose();
      await s.screenshot('models-export');

      // the rnn model file opens on this page too
      await page.setInputFiles('input[name="native"]', writeFile('model.rnnmodel', native.bytes));
      await page.waitForFunction(() => document.querySelector('section.network h3')?.textContent === 'model.rnnmodel');
      expect(await page.$$eval('table.summary tbody tr', (trs) => trs.length)).toBe(3);
    });

    it("names a model.json without its shard, a damaged shard and an unsupported layer with interop's errors", async () => {
      const expected = (modelJson: string, weights: ArrayBuffer | ArrayBuffer[]): string => {
        try {
          loadLayersModel(jsBackend(), { modelJson, weights: weights as never });
        } catch (e) {
          return (e as Error).message;
        }
        throw new Error('loaded');
      };
      const shown = async (): Promise<string> => {
        await page.waitForSelector('p.open-error:not([hidden])');
        return (await page.textContent('p.open-error'))!;
      };
      await page.setInputFiles('input[name="tfjs"]', [files.json]);
      expect(await shown()).toBe(expected(files.modelJson, [undefined as never]));
      expect(await shown()).toMatch(/^weights\[0\] \("group1-shard1of1\.bin"\): /);

      await page.setInputFiles('input[name="tfjs"]', [files.json, writeFile('group1-shard1of1.bin', files.weights.slice(0, 100))]);
      await page.waitForFunction(() => document.querySelector('p.open-error')?.textContent?.startsWith('weights of weightsManifest[0]'));
      expect(await shown()).toBe(expected(files.modelJson, [files.weights.slice(0, 100)]));

      const conv = tf.sequential({
        layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 3] }), tf.layers.flatten(), tf.layers.dense({ units: 1 })],
      });
      const c = await saveTfjs(conv);
      conv.dispose();
      const convDir = mkdtempSync(join(dir, 'conv-'));
      writeFileSync(join(convDir, 'model.json'), JSON.stringify(c.modelJson));
      writeFileSync(join(convDir, 'group1-shard1of1.bin'), new Uint8Array(c.weights));
      await page.setInputFiles('input[name="tfjs"]', [join(convDir, 'model.json'), join(convDir, 'group1-shard1of1.bin')]);
      await page.waitForFunction(() => /Conv1D/i.test(document.querySelector('p.open-error')?.textContent ?? ''));
      expect(await shown()).toBe(expected(JSON.stringify(c.modelJson), c.weights));
      await s.screenshot('models-import-error');
    });
  });

  describe('an ONNX model exported in Node', () => {
    const input = [
      [0.5, -1, 0.25],
      [1, 0, -0.5],
      [-0.75, 0.5, 2],
      [0.1, 0.2, 0.3],
    ];
    const x = { data: Float32Array.from(input.flat()), shape: [1, 4, 3] };
    let bytes: Uint8Array;

    beforeAll(() => {
      const model = new Sequential(jsBackend(), {
        layers: [
          bidirectional({ cell: gru({ inputSize: 3, hiddenSize: 4 }), mergeMode: 'sum', returnSequences: true }),
          recurrent({ cell: lstm({ inputSize: 4, hiddenSize: 5 }) }),
          dense({ inputSize: 5, outputSize: 2, activation: 'tanh' }),
        ],
        loss: meanSquaredError(),
        optimizer: sgd(),
      });
      const rng = new Rng(9);
      model.setWeights(
        Object.fromEntries(model.params.map((p) => [p.name, Float64Array.from({ length: p.value.size }, () => rng.uniform(-0.6, 0.6))])),
      );
      bytes = exportOnnx(model, { sequenceLengths: true });
      model.dispose();
    });

    it('imports the .onnx file: the summary of importOnnx in Node, try-it output equal to onnxruntime', async () => {
      await page.goto(`${s.url}#/models`);
      await ready('models');
      await page.setInputFiles('input[name="onnx"]', writeFile('bigru.onnx', bytes));
      await page.waitForFunction(() => document.querySelector('section.network h3')?.textContent === 'bigru.onnx');
      const node = importOnnx(jsBackend(), bytes);
      const rows = await page.$$eval('table.summary tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(rows).toEqual(node.model.summary().layers.map((r) => [String(r.index), r.description, r.parameters.toLocaleString('en')]));
      expect(rows.map((r) => r[1]!.replace(/ \d+ → \d+/, ''))).toEqual([
        'bidirectional GRU (sum), every step',
        'LSTM, last step',
        'dense (tanh)',
      ]);
      expect(await page.$$eval('ul.ignored li', (lis) => lis.map((li) => li.textContent))).toEqual(node.ignored);

      await page.fill('textarea[name="input"]', JSON.stringify(input));
      await page.click('[data-action="predict"]');
      await page.waitForSelector('pre.prediction[data-state="done"]');
      const shown = JSON.parse((await page.getAttribute('pre.prediction', 'data-values'))!) as number[];
      expect(shown).toEqual(Array.from(node.model.predict(x).data));
      const ort = await runOnnx(bytes, { x, lengths: [4] });
      expect(ort.dims).toEqual([1, 2]);
      shown.forEach((v, i) => expect(Math.abs(v - ort.data[i]!)).toBeLessThan(1e-5));
      node.model.dispose();
      await s.screenshot('models-onnx-imported');
    });

    it("names a damaged .onnx file with interop's message", async () => {
      const damaged = bytes.slice(0, bytes.length - 40);
      let expected = '';
      try {
        importOnnx(jsBackend(), damaged);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).toMatch(/^bytes: expected an ONNX ModelProto/);
      await page.setInputFiles('input[name="onnx"]', writeFile('damaged.onnx', damaged));
      await page.waitForSelector('p.open-error:not([hidden])');
      expect(await page.textContent('p.open-error')).toBe(expected);
    });
  });

  it("summarises a recent model's network and runs it on token ids, then deletes it", async () => {
    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector(`table.recent-models tr[data-id="${recentId}"]`);
    await page.click(`tr[data-id="${recentId}"] [data-action="network"]`);
    await page.waitForFunction(() => document.querySelector('section.network h3')?.textContent === 'LSTM 8 · Tiny Shakespeare · 5 steps');
    await page.fill('textarea[name="input"]', '[1, 2, 3]');
    await page.click('[data-action="predict"]');
    await page.waitForSelector('pre.prediction[data-state="done"]');
    const lm = LanguageModel.fromBytes(jsBackend(), lmFile.bytes);
    const want = Array.from(lm.model.predict({ data: Int32Array.from([1, 2, 3]), shape: [1, 3] }).data);
    expect(JSON.parse((await page.getAttribute('pre.prediction', 'data-values'))!)).toEqual(want);
    lm.dispose();
    const recent = await download(() => page.click(`tr[data-id="${recentId}"] [data-action="download"]`));
    expect(recent).toEqual(lmFile);

    await page.click(`tr[data-id="${recentId}"] [data-action="delete"]`);
    await page.waitForSelector(`tr[data-id="${recentId}"]`, { state: 'detached' });
    expect(await recentTitles()).toEqual([
      expect.stringMatching(/^BiLSTM 4 · entities · 2 steps · F1 /),
      expect.stringMatching(/^BiGRU 4 · sentiment · 5 steps · [\d.]+% accuracy$/),
    ]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await s.screenshot('models-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps the 10 newest models: a new one evicts the oldest in the same transaction', async () => {
    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector('.store-note[data-store="ready"]');
    const before = await recentTitles();
    // fill the store up to 10 with older entries, written with IndexedDB directly
    await page.evaluate(async (count) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('rnn-playground', 1);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('models', 'readwrite');
      for (let i = 0; i < count; i++)
        tx.objectStore('models').add({ kind: 'language-model', title: `old ${i}`, savedAt: Date.now(), size: 3, bytes: new Uint8Array(3) });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    }, 10 - before.length);
    await page.reload();
    await ready('models');
    await page.waitForSelector('table.recent-models tbody tr');
    const full = await recentTitles();
    expect(full).toHaveLength(10);
    const oldest = full[full.length - 1]!;

    await page.goto(`${s.url}#/text`);
    await ready('text');
    for (const [name, value] of Object.entries({ ...TRAIN, steps: '3' })) await page.fill(`input[name="${name}"]`, value);
    await page.click('[data-action="train"]');
    await page.waitForSelector('.model-status[data-saved="saved"]');
    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector('table.recent-models tbody tr');
    const after = await recentTitles();
    expect(after).toEqual(['LSTM 8 · Tiny Shakespeare · 3 steps', ...full.slice(0, 9)]); // newest first
    expect(after).not.toContain(oldest);
  });

  it('shows a failed save and writes nothing; without IndexedDB the pages work and say models are not kept', async () => {
    // sessionStorage picks the failure for the documents loaded after it is set
    await page.addInitScript(() => {
      const mode = sessionStorage.getItem('idb');
      if (mode === 'failing')
        IDBObjectStore.prototype.getAllKeys = () => {
          throw new DOMException('simulated failure after the record was added', 'UnknownError');
        };
      if (mode === 'none') Object.defineProperty(window, 'indexedDB', { value: undefined });
    });
    const train = async (): Promise<void> => {
      await page.reload();
      await ready('text');
      for (const [name, value] of Object.entries({ ...TRAIN, steps: '2' })) await page.fill(`input[name="${name}"]`, value);
      await page.click('[data-action="train"]');
      await page.waitForSelector('.model-note[data-model="trained"]');
    };
    await page.goto(`${s.url}#/text`);
    await page.evaluate(() => sessionStorage.setItem('idb', 'failing'));
    await train();
    await page.waitForSelector('.model-status[data-saved="failed"]');
    expect(await page.textContent('.model-bar p.error')).toBe('simulated failure after the record was added');
    expect(await generateOnPage()).toMatch(/^ROMEO:\n/); // the page works on
    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector('table.recent-models tbody tr');
    const titles = await recentTitles();
    expect(titles).toHaveLength(10); // the transaction was rolled back: no record, no eviction
    expect(titles).not.toContain('LSTM 8 · Tiny Shakespeare · 2 steps');

    await page.goto(`${s.url}#/text`);
    await page.evaluate(() => sessionStorage.setItem('idb', 'none'));
    await train();
    await page.waitForSelector('.model-status[data-saved="unavailable"]');
    expect(await page.textContent('.model-status')).toBe(
      'Not saved to recent models: IndexedDB cannot be used here (the browser offers none, as in some private modes). Download it to keep it.',
    );
    expect((await download(() => page.click('[data-action="download-model"]'))).name).toBe('lstm-8-tiny-shakespeare-2-steps.rnnlm');
    await s.screenshot('models-no-indexeddb');
    await page.goto(`${s.url}#/models`);
    await ready('models');
    await page.waitForSelector('.store-note[data-store="unavailable"]');
    expect(await page.textContent('.store-note')).toBe(
      'Recent models are not kept: IndexedDB cannot be used here (the browser offers none, as in some private modes). Models can still be downloaded and opened from files.',
    );
    await page.evaluate(() => sessionStorage.removeItem('idb'));
    expect(s.errors()).toEqual([]);
  });
});
