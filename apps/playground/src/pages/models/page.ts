// Models: the recent models kept in this browser (open, download, delete), and the network workbench: import a
// TF.js / Keras layers model or an ONNX model, or open an rnn model file (or a recent model's network), read its
// summary, run it on an input, and export it as an rnn model file, ONNX, TF.js layers or a PyTorch state_dict.
import './models.css';
import { jsBackend } from '@rnn/backend-js';
import { loadModelBytes, type Sequential } from '@rnn/core';
import { importOnnx, loadLayersModel } from '@rnn/interop';
import { downloadBytes, fileBytes, formatDate, formatSize, modelFileName, slug } from '../../models/files.js';
import { modelKind, modelKinds } from '../../models/kinds.js';
import {
  EXPORT_FORMATS,
  EXPORT_LABELS,
  type ExportFormat,
  exampleInput,
  exportFiles,
  type InputSpec,
  inputSpec,
  layersModelSource,
  parseInput,
} from '../../models/network.js';
import { type ModelInfo, openModelStore, RECENT_LIMIT } from '../../models/store.js';
import type { Page } from '../../shell/page.js';
import { routeHash } from '../../shell/router.js';
import { fmt, h } from '../../ui/dom.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const modelsPage: Page = {
  mount(root: HTMLElement) {
    const backend = jsBackend();
    let network: { model: Sequential; title: string; spec: InputSpec | null } | null = null;
    let alive = true;

    // recent models
    const storeNote = h('p', { class: 'note store-note', 'data-store': 'opening' }, 'Opening the recent models…');
    const recentError = h('p', { class: 'error recent-error', role: 'alert', hidden: true });
    const recentBody = h('tbody');
    const recentTable = h(
      'table',
      { class: 'recent-models' },
      h('thead', {}, h('tr', {}, h('th', {}, 'model'), h('th', {}, 'kind'), h('th', {}, 'saved'), h('th', {}, 'size'), h('th', {}, ''))),
      recentBody,
    );

    const refresh = async (): Promise<void> => {
      const state = await openModelStore();
      if (!alive) return;
      if ('unavailable' in state) {
        storeNote.dataset.store = 'unavailable';
        storeNote.textContent = `Recent models are not kept: ${state.unavailable}. Models can still be downloaded and opened from files.`;
        recentTable.hidden = true;
        return;
      }
      const list = await state.store.list();
      if (!alive) return;
      storeNote.dataset.store = 'ready';
      storeNote.textContent = list.length
        ? `The ${RECENT_LIMIT} models trained last on the text, inside, forecasting and classification pages are kept in this browser (IndexedDB); older ones are removed.`
        : 'No recent models yet: train one on Text generation, Inside the network, Forecasting or Classification.';
      recentTable.hidden = list.length === 0;
      recentBody.replaceChildren(...list.map(row));
    };

    const withStored = async (id: number, use: (bytes: Uint8Array, info: ModelInfo) => void | Promise<void>): Promise<void> => {
      recentError.hidden = true;
      try {
        const state = await openModelStore();
        if ('unavailable' in state) throw new Error(state.unavailable);
        const model = await state.store.get(id);
        await use(model.bytes, model);
      } catch (e) {
        recentError.textContent = message(e);
        recentError.hidden = false;
      }
    };

    const row = (m: ModelInfo): HTMLTableRowElement => {
      const kind = modelKind(m.kind);
      return h(
        'tr',
        { 'data-id': m.id, 'data-kind': m.kind },
        h('td', { class: 'title' }, m.title),
        h('td', {}, kind.label),
        h('td', {}, formatDate(m.savedAt)),
        h('td', { 'data-size': m.size }, formatSize(m.size)),
        h(
          'td',
          { class: 'actions' },
          h('a', { href: routeHash(kind.page, { model: String(m.id) }), 'data-action': 'open' }, 'open'),
          ' ',
          h(
            'button',
            {
              type: 'button',
              'data-action': 'download',
              onClick: () => void withStored(m.id, (bytes) => downloadBytes(modelFileName(m.title, m.kind), bytes)),
            },
            'download',
          ),
          ' ',
          h(
            'button',
            {
              type: 'button',
              'data-action': 'network',
              onClick: () => void withStored(m.id, async (bytes) => useNetwork(await kind.network(backend, bytes), m.title, [])),
            },
            'network',
          ),
          ' ',
          h(
            'button',
            {
              type: 'button',
              'data-action': 'delete',
              onClick: () =>
                void withStored(m.id, async () => {
                  const state = await openModelStore();
                  if ('store' in state) await state.store.delete(m.id);
                  await refresh();
                }),
            },
            'delete',
          ),
        ),
      );
    };

    // opening a network: a TF.js / Keras layers model, an ONNX model, or an rnn model file
    const openError = h('p', { class: 'error open-error', role: 'alert', hidden: true });
    const tfjsInput = h('input', { type: 'file', name: 'tfjs', multiple: true, accept: '.json,.bin' });
    const softmaxSelect = h(
      'select',
      { name: 'softmax' },
      h('option', { value: 'reject' }, 'refuse it'),
      h('option', { value: 'logits' }, 'drop it (predict gives logits)'),
    );
    const onnxInput = h('input', { type: 'file', name: 'onnx', accept: '.onnx' });
    const nativeInput = h('input', { type: 'file', name: 'native', accept: '.rnnmodel' });
    const opening = async (load: () => Promise<void>): Promise<void> => {
      openError.hidden = true;
      try {
        await load();
      } catch (e) {
        openError.textContent = message(e);
        openError.hidden = false;
      }
    };
    tfjsInput.addEventListener('change', () => {
      const files = [...(tfjsInput.files ?? [])];
      tfjsInput.value = '';
      void opening(async () => {
        const named = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await fileBytes(f) })));
        const { model, ignored } = loadLayersModel(backend, layersModelSource(named), {
          softmax: softmaxSelect.value as 'reject' | 'logits',
        });
        useNetwork(model, named.find((f) => f.name.endsWith('.json'))!.name, ignored);
      });
    });
    onnxInput.addEventListener('change', () => {
      const file = onnxInput.files?.[0];
      onnxInput.value = '';
      if (file)
        void opening(async () => {
          const { model, ignored } = importOnnx(backend, await fileBytes(file), { softmax: softmaxSelect.value as 'reject' | 'logits' });
          useNetwork(model, file.name, ignored);
        });
    });
    nativeInput.addEventListener('change', () => {
      const file = nativeInput.files?.[0];
      nativeInput.value = '';
      if (file) void opening(async () => useNetwork(loadModelBytes(backend, await fileBytes(file)), file.name, []));
    });

    // the loaded network: summary, try it, export
    const networkSection = h('section', { class: 'network', hidden: true, 'data-network': 'none' });
    const networkTitle = h('h3', {});
    const summaryBody = h('tbody');
    const totalCell = h('td', { class: 'total' });
    const ignoredList = h('ul', { class: 'ignored' });
    const ignoredNote = h('p', { class: 'note ignored-note' });
    const inputBox = h('textarea', { name: 'input', rows: 4, cols: 60, spellcheck: false });
    const inputNote = h('p', { class: 'note input-note' });
    const tryError = h('p', { class: 'error try-error', role: 'alert', hidden: true });
    const prediction = h('pre', { class: 'prediction', 'data-state': 'idle' });
    const exportError = h('p', { class: 'error export-error', role: 'alert', hidden: true });

    const useNetwork = (model: Sequential, title: string, ignored: readonly string[]): void => {
      network?.model.dispose();
      let spec: InputSpec | null = null;
      try {
        spec = inputSpec(model);
      } catch {
        spec = null; // a network whose first layer takes another input (the tagger's word + characters)
      }
      network = { model, title, spec };
      const summary = model.summary();
      networkTitle.textContent = title;
      summaryBody.replaceChildren(
        ...summary.layers.map((r) =>
          h(
            'tr',
            { 'data-layer': r.index },
            h('td', {}, String(r.index)),
            h('td', { class: 'layer' }, r.description),
            h('td', { class: 'parameters', 'data-parameters': r.parameters }, r.parameters.toLocaleString('en')),
          ),
        ),
      );
      const total = summary.parameters;
      totalCell.dataset.parameters = String(total);
      totalCell.textContent = total.toLocaleString('en');
      ignoredNote.textContent = ignored.length ? 'Settings of the file that rnn does not apply:' : 'Nothing in the file was left out.';
      ignoredList.replaceChildren(...ignored.map((line) => h('li', {}, line)));
      inputNote.textContent = !spec
        ? 'This network takes another kind of input (words with their characters): try it on its own page.'
        : 'tokens' in spec
          ? `A JSON array of token ids in [0, ${spec.tokens - 1}], one per step.`
          : `A JSON array of steps, each an array of ${spec.features} numbers ([T][${spec.features}]).`;
      inputBox.value = spec ? exampleInput(spec) : '';
      inputBox.disabled = runButton.disabled = !spec;
      prediction.textContent = '';
      prediction.dataset.state = 'idle';
      tryError.hidden = exportError.hidden = openError.hidden = recentError.hidden = true;
      networkSection.hidden = false;
      networkSection.dataset.network = slug(title);
    };

    const run = (): void => {
      if (!network?.spec) return;
      tryError.hidden = true;
      try {
        const y = network.model.predict(parseInput(inputBox.value, network.spec));
        const last = y.shape[y.shape.length - 1]!;
        const values = Array.from(y.data);
        const lines = [];
        for (let i = 0; i < values.length; i += last)
          lines.push(
            values
              .slice(i, i + last)
              .map((v) => fmt(v))
              .join('  '),
          );
        prediction.textContent = lines.join('\n');
        prediction.dataset.values = JSON.stringify(values);
        prediction.dataset.shape = JSON.stringify(y.shape);
        prediction.dataset.state = 'done';
      } catch (e) {
        prediction.textContent = '';
        prediction.dataset.state = 'error';
        tryError.textContent = message(e);
        tryError.hidden = false;
      }
    };
    const runButton = h('button', { type: 'button', class: 'primary', 'data-action': 'predict', onClick: run }, 'Run');

    const exportAs = (format: ExportFormat): void => {
      if (!network) return;
      exportError.hidden = true;
      try {
        for (const f of exportFiles(network.model, format, slug(network.title.replace(/\.[a-z0-9]+$/i, ''))))
          downloadBytes(f.name, f.bytes, f.type);
      } catch (e) {
        exportError.textContent = message(e); // e.g. interop's UnsupportedError for a layer the format lacks
        exportError.hidden = false;
      }
    };

    networkSection.append(
      h('h2', {}, 'Network'),
      networkTitle,
      h(
        'div',
        { class: 'table-box' },
        h(
          'table',
          { class: 'summary' },
          h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'layer'), h('th', {}, 'parameters'))),
          summaryBody,
          h('tfoot', {}, h('tr', {}, h('td', {}), h('td', {}, 'total'), totalCell)),
        ),
      ),
      ignoredNote,
      ignoredList,
      h('h3', {}, 'Try it'),
      inputNote,
      h('label', { class: 'block' }, 'input ', inputBox),
      h('p', {}, runButton),
      tryError,
      prediction,
      h('h3', {}, 'Export'),
      h(
        'p',
        { class: 'export-buttons' },
        ...EXPORT_FORMATS.flatMap((f) => [
          h('button', { type: 'button', 'data-export': f, onClick: () => exportAs(f) }, EXPORT_LABELS[f]),
          ' ',
        ]),
      ),
      h(
        'p',
        { class: 'note' },
        'TF.js downloads model.json and its weight files under the names model.json refers to: keep them in one directory for tf.loadLayersModel. ',
        'A format that cannot express a layer says which: the classifier’s pooling and the tagger’s character embedding exist in none of them, TF.js has no reset-after GRU, PyTorch no hard-sigmoid gates.',
      ),
      exportError,
    );

    root.append(
      h('h2', {}, 'Models'),
      h(
        'p',
        {},
        'Models trained on the other pages are kept here, and any page’s model bar downloads the current model as one file or opens such a file. ',
        `File kinds: ${modelKinds()
          .map((k) => `${k.extension} (${k.label})`)
          .join(', ')}, and .rnnmodel for a bare network (@rnn/core’s model file).`,
      ),
      h('h3', {}, 'Recent models'),
      storeNote,
      h('div', { class: 'table-box' }, recentTable),
      recentError,
      h('h3', {}, 'Open a network'),
      h(
        'p',
        {},
        'A TF.js or Keras layers model (model.json and its .bin weight files, as tf.LayersModel.save or the tensorflowjs converter writes them) ',
        'is imported with @rnn/interop into an rnn network; so is an ONNX model whose graph is a chain of recurrent, embedding and dense layers ',
        '(as exportOnnx and PyTorch write them), and an rnn model file.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'TF.js / Keras model.json + .bin files ', tfjsInput),
        h('label', {}, 'ONNX model (.onnx) ', onnxInput),
        h('label', {}, 'a softmax on the last layer: ', softmaxSelect),
        h('label', {}, 'rnn model file (.rnnmodel) ', nativeInput),
      ),
      openError,
      networkSection,
    );
    void refresh();

    return () => {
      alive = false;
      network?.model.dispose();
      backend.dispose();
    };
  },
};
