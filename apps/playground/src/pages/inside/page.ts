// Inside the network: the trained character model reads a text and each character is coloured by one unit's
// hidden state, cell state or gate activation at that step (the "visualising recurrent networks" view), over a
// heatmap of all units against time. The values come from @rnn/nlp's LanguageModel.inspect, on this thread.
import { jsBackend } from '@rnn/backend-js';
import { InvalidArgumentError } from '@rnn/core';
import { type Inspection, LanguageModel } from '@rnn/nlp';
import { ModelBar } from '../../models/model-bar.js';
import { networkName } from '../../models/network.js';
import type { Page, PageContext } from '../../shell/page.js';
import { CELL_KINDS, CELL_LABELS } from '../../training/cells.js';
import { fmt, h } from '../../ui/dom.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import { CORPUS_CHOICES, CORPUS_LABELS, type CorpusChoice, type TrainedLm } from '../text/corpus.js';
import { type LatestLm, latestLanguageModel, setLatestLanguageModel, trainedModel } from '../text/trained.js';
import { colorScale, displayToken, type Quantity, quantitiesOf, quantityLabel, unitsByVariation, valuesOf } from './activations.js';

const MAX_TEXT = 1000;
const SAMPLE: Readonly<Record<CorpusChoice, string>> = {
  shakespeare:
    'ROMEO:\nBut, soft! what light through yonder window breaks?\nIt is the east, and Juliet is the sun.\n\nJULIET:\nO Romeo, Romeo! wherefore art thou Romeo?\n',
  abc: 'X:1\nT:The Kesh (jig)\nM:6/8\nL:1/8\nK:G\n|:GAG GAB|ABA ABd|edd gdd|edB dBA:|\n',
  custom: '',
};
/** Heatmap cell size in CSS pixels. */
const CELL_W = 7;
const CELL_H = 4;

export const insidePage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const backend = jsBackend();
    let lm: LanguageModel | null = null;
    let inspection: (Inspection & { tokens: string[] }) | null = null;

    const corpusSelect = h(
      'select',
      { name: 'corpus' },
      ...CORPUS_CHOICES.filter((c) => c !== 'custom').map((c) => h('option', { value: c }, CORPUS_LABELS[c])),
    );
    const cellSelect = h('select', { name: 'cell' }, ...CELL_KINDS.map((k) => h('option', { value: k }, CELL_LABELS[k])));
    cellSelect.value = 'lstm';
    const hidden = h('input', { type: 'number', name: 'hiddenSize', value: '32', min: 1, step: 1 });
    const steps = h('input', { type: 'number', name: 'steps', value: ctx.params.steps ?? '300', min: 1, step: 1 });
    const modelNote = h(
      'p',
      { class: 'note model-note', 'data-model': 'none' },
      'No trained model yet: train one here or on “Text generation”.',
    );
    const text = h('textarea', { name: 'text', rows: 5, cols: 80 });
    text.value = SAMPLE.shakespeare;
    const layerSelect = h('select', { name: 'layer' });
    const quantitySelect = h('select', { name: 'quantity' });
    const unitInput = h('input', { type: 'number', name: 'unit', value: '0', min: 0, step: 1 });
    const topUnits = h('span', { class: 'top-units' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const coloured = h('div', { class: 'coloured-text', 'data-unit': '' });
    const canvas = h('canvas', { class: 'heatmap', 'aria-label': 'all units (rows) against the characters (columns)' });
    const heatmapNote = h('p', { class: 'note' });

    const layer = () => inspection?.layers[Number(layerSelect.value)] ?? null;

    const fail = (e: unknown): void => {
      error.textContent = e instanceof Error ? e.message : String(e);
      error.hidden = false;
    };

    /** Runs the text through the model and refreshes the quantity and layer choices. */
    const read = (): void => {
      if (!lm) return;
      error.hidden = true;
      try {
        if (text.value.length > MAX_TEXT)
          throw new InvalidArgumentError('text', `at most ${MAX_TEXT} characters`, `${text.value.length} characters`);
        inspection = lm.inspect(text.value);
      } catch (e) {
        inspection = null;
        fail(e); // e.g. an empty text
        draw();
        return;
      }
      const keepLayer = layerSelect.value;
      layerSelect.replaceChildren(
        ...inspection.layers.map((l, i) =>
          h('option', { value: i }, `layer ${l.layer} (${l.kind}${l.direction === 'backward' ? ', backward' : ''})`),
        ),
      );
      if (keepLayer && Number(keepLayer) < inspection.layers.length) layerSelect.value = keepLayer;
      const keep = quantitySelect.value;
      const quantities = quantitiesOf(layer()!);
      quantitySelect.replaceChildren(...quantities.map((q) => h('option', { value: q }, quantityLabel(q))));
      if (quantities.includes(keep)) quantitySelect.value = keep;
      draw();
    };

    const draw = (): void => {
      const l = layer();
      if (!inspection || !l) {
        coloured.replaceChildren();
        canvas.width = 0;
        return;
      }
      const q: Quantity = quantitySelect.value;
      const values = valuesOf(l, q);
      const H = values[0]!.length;
      unitInput.max = String(H - 1);
      const unit = Number(unitInput.value);
      if (!Number.isInteger(unit) || unit < 0 || unit >= H) {
        fail(new InvalidArgumentError('unit', `an integer in [0, ${H - 1}]`, unitInput.value));
        coloured.replaceChildren(); // nothing stale under the error
        return;
      }
      error.hidden = true;
      const color = colorScale(q, values);
      coloured.dataset.unit = String(unit);
      coloured.dataset.quantity = q;
      coloured.replaceChildren(
        ...inspection.tokens.flatMap((token, t) => {
          const v = values[t]![unit]!;
          const span = h(
            'span',
            {
              style: `background:${color(v)}`,
              title: `${JSON.stringify(token)} · ${quantityLabel(q)} unit ${unit}: ${fmt(v)}`,
              'data-value': v,
            },
            displayToken(token),
          );
          return token === '\n' ? [span, h('br')] : [span];
        }),
      );
      const ranked = unitsByVariation(values).slice(0, 8);
      topUnits.replaceChildren(
        'most varying units: ',
        ...ranked.map((u) => h('button', { type: 'button', class: 'unit-link', 'data-unit': u, onClick: () => selectUnit(u) }, String(u))),
      );
      // the heatmap: one column per character, one row per unit; the chosen unit's row is outlined
      const T = values.length;
      const ratio = window.devicePixelRatio || 1;
      canvas.style.width = `${T * CELL_W}px`;
      canvas.style.height = `${H * CELL_H}px`;
      canvas.width = Math.round(T * CELL_W * ratio);
      canvas.height = Math.round(H * CELL_H * ratio);
      const g = canvas.getContext('2d');
      if (!g) return;
      g.scale(ratio, ratio);
      for (let t = 0; t < T; t++)
        for (let u = 0; u < H; u++) {
          g.fillStyle = color(values[t]![u]!);
          g.fillRect(t * CELL_W, u * CELL_H, CELL_W, CELL_H);
        }
      g.strokeStyle = '#000';
      g.strokeRect(0.5, unit * CELL_H + 0.5, T * CELL_W - 1, CELL_H - 1);
      heatmapNote.textContent = `${H} units (rows, unit 0 at the top) × ${T} characters (columns); click a row to colour the text by that unit.`;
    };

    const selectUnit = (unit: number): void => {
      unitInput.value = String(unit);
      draw();
    };
    canvas.addEventListener('click', (e) => selectUnit(Math.floor((e.clientY - canvas.getBoundingClientRect().top) / CELL_H)));

    const useModel = (model: LatestLm): void => {
      const loaded = LanguageModel.fromBytes(backend, model.bytes); // a bad file throws here, the current model stays
      lm?.dispose();
      lm = loaded;
      const next = model.trained;
      modelNote.textContent = next
        ? `Model: ${CELL_LABELS[next.cell as keyof typeof CELL_LABELS] ?? next.cell} with ${next.hiddenSize} units trained ${next.steps} steps on ${CORPUS_LABELS[next.corpus]}.`
        : `Model: ${model.title} (${networkName(lm.model)}).`;
      modelNote.dataset.model = next ? 'trained' : 'opened';
      // the sample text that suits the corpus, unless the user wrote their own
      if (next && next.corpus !== 'custom' && Object.values(SAMPLE).includes(text.value)) text.value = SAMPLE[next.corpus];
      setLatestLanguageModel(model);
      bar.show(model);
      read();
    };
    const bar = new ModelBar({ kind: 'language-model', open: ({ title, bytes }) => useModel({ title, bytes, trained: null }) });

    const panel = new TrainingPanel(ctx.training, {
      spec: () => ({
        task: 'textlm',
        backend: ctx.backend(),
        steps: Number(steps.value),
        params: { corpus: corpusSelect.value, cell: cellSelect.value, hiddenSize: Number(hidden.value) },
      }),
      onResult: (result) => {
        const model = trainedModel(result as TrainedLm);
        useModel(model);
        void bar.trained(model);
      },
    });

    text.addEventListener('input', read);
    layerSelect.addEventListener('change', read);
    quantitySelect.addEventListener('change', draw);
    unitInput.addEventListener('input', draw);

    root.append(
      h('h2', {}, 'Inside the network'),
      h(
        'p',
        {},
        'A trained character model reads the text below; each character is coloured by the value one unit has after reading it: ',
        'the hidden state h (blue negative, red positive), an LSTM’s cell state c (scaled to the largest |c| in the text), ',
        'or a gate (sigmoid gates from white at 0 to green at 1; the tanh candidates g and n blue to red). ',
        'Some units learn to track quotes, line starts or word boundaries. The heatmap shows every unit at once.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'corpus ', corpusSelect),
        h('label', {}, 'cell ', cellSelect),
        h('label', {}, 'hidden units ', hidden),
        h('label', {}, 'training steps ', steps),
      ),
      panel.element,
      modelNote,
      h('label', { class: 'block' }, `text to read (up to ${MAX_TEXT} characters) `, text),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'layer ', layerSelect),
        h('label', {}, 'show ', quantitySelect),
        h('label', {}, 'unit ', unitInput),
        topUnits,
      ),
      error,
      coloured,
      heatmapNote,
      h('div', { class: 'heatmap-box' }, canvas),
      bar.element, // after the page's own error: the model bar's error is a second p.error
    );
    const previous = latestLanguageModel();
    if (previous) useModel(previous);
    void bar.openFromRoute(ctx.params);

    return () => {
      panel.stop();
      lm?.dispose();
      backend.dispose();
    };
  },
};
