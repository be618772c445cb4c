// Text generation: a character language model (RNN, LSTM or GRU) trains in the worker on a bundled corpus or
// pasted text; the trained model comes back to the page, which samples from it token by token
// (LanguageModel.stream) with temperature, top-k and top-p.
import { jsBackend } from '@rnn/backend-js';
import { LanguageModel } from '@rnn/nlp';
import { ModelBar } from '../../models/model-bar.js';
import { networkName } from '../../models/network.js';
import type { Page, PageContext } from '../../shell/page.js';
import { CELL_KINDS, CELL_LABELS } from '../../training/cells.js';
import { h } from '../../ui/dom.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import { CORPUS_CHOICES, CORPUS_LABELS, type CorpusChoice, type TrainedLm } from './corpus.js';
import { type LatestLm, latestLanguageModel, setLatestLanguageModel, trainedModel } from './trained.js';

const PROMPTS: Readonly<Record<CorpusChoice, string>> = { shakespeare: 'ROMEO:\n', abc: 'X:1\nT:', custom: '' };

const numberInput = (name: string, value: string, step = '1'): HTMLInputElement =>
  h('input', { type: 'number', name, value, step, min: 0 });

export const textPage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const backend = jsBackend(); // generation on the page: one token at a time, cheap
    let lm: LanguageModel | null = null;
    let generation = 0; // a new generation (or leaving the page) ends the one in progress

    const corpusSelect = h('select', { name: 'corpus' }, ...CORPUS_CHOICES.map((c) => h('option', { value: c }, CORPUS_LABELS[c])));
    const customText = h('textarea', {
      name: 'text',
      rows: 6,
      cols: 80,
      hidden: true,
      'aria-label': 'Text to learn',
      placeholder: 'Paste a text to learn (at least a few thousand characters)',
    });
    const cellSelect = h('select', { name: 'cell' }, ...CELL_KINDS.map((k) => h('option', { value: k }, CELL_LABELS[k])));
    cellSelect.value = 'lstm';
    const hidden = numberInput('hiddenSize', ctx.params.hiddenSize ?? '64');
    const embed = numberInput('embeddingSize', '16');
    const seqLen = numberInput('sequenceLength', '32');
    const batch = numberInput('batchSize', '16');
    const lr = numberInput('lr', '0.01', '0.001');
    const seed = numberInput('seed', '1');
    const steps = numberInput('steps', ctx.params.steps ?? '300');
    if (CORPUS_CHOICES.includes(ctx.params.corpus as CorpusChoice)) corpusSelect.value = ctx.params.corpus!;
    if (CELL_KINDS.includes(ctx.params.cell as never)) cellSelect.value = ctx.params.cell!;
    corpusSelect.addEventListener('change', () => {
      customText.hidden = corpusSelect.value !== 'custom';
      prompt.value = PROMPTS[corpusSelect.value as CorpusChoice];
    });

    const prompt = h('textarea', { name: 'prompt', rows: 2, cols: 40 });
    prompt.value = PROMPTS[corpusSelect.value as CorpusChoice];
    const temperature = numberInput('temperature', '0.8', '0.1');
    const topK = numberInput('topK', '0');
    const topP = numberInput('topP', '1', '0.05');
    const maxTokens = numberInput('maxTokens', '300');
    const genSeed = numberInput('genSeed', '1');
    const modelNote = h(
      'p',
      { class: 'note model-note', 'data-model': 'none' },
      'Train a model first (or train one on “Inside the network”).',
    );
    const output = h('pre', { class: 'generated', 'data-state': 'idle' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const generateButton = h(
      'button',
      { type: 'button', class: 'primary', 'data-action': 'generate', disabled: true, onClick: () => void generate() },
      'Generate',
    );
    const stopButton = h(
      'button',
      { type: 'button', 'data-action': 'stop-generation', onClick: () => stopGenerating() },
      'Stop generating',
    );

    const stopGenerating = (): void => {
      generation++;
      if (output.dataset.state === 'generating') output.dataset.state = 'stopped';
    };

    /** Generates from `model` (trained here or on "Inside the network", or opened from a file). */
    const useModel = (model: LatestLm): void => {
      const next = LanguageModel.fromBytes(backend, model.bytes); // a bad file throws here, the current model stays
      stopGenerating(); // the running generation reads the model disposed here
      lm?.dispose();
      lm = next;
      const { trained } = model;
      modelNote.textContent = trained
        ? `Model: ${CELL_LABELS[trained.cell as keyof typeof CELL_LABELS] ?? trained.cell} with ${trained.hiddenSize} units, ${lm.tokenizer.vocabulary.size} characters, ${lm.parameterCount} parameters, trained ${trained.steps} steps on ${CORPUS_LABELS[trained.corpus]}.`
        : `Model: ${model.title} (${networkName(lm.model)}, ${lm.tokenizer.vocabulary.size} characters, ${lm.parameterCount} parameters).`;
      modelNote.dataset.model = trained ? 'trained' : 'opened';
      generateButton.disabled = false;
      setLatestLanguageModel(model);
      bar.show(model);
    };
    const bar = new ModelBar({ kind: 'language-model', open: ({ title, bytes }) => useModel({ title, bytes, trained: null }) });

    /** Samples into the output one token at a time; the typed errors of bad settings are shown, not thrown. */
    const generate = async (): Promise<void> => {
      if (!lm) return;
      const id = ++generation;
      const n = (input: HTMLInputElement): number => Number(input.value);
      error.hidden = true;
      output.textContent = prompt.value;
      output.dataset.state = 'generating';
      try {
        const options = {
          prompt: prompt.value,
          ...(n(temperature) === 0 ? { greedy: true } : { temperature: n(temperature) }), // 0: always the likeliest
          maxTokens: n(maxTokens),
          seed: n(genSeed),
          ...(n(topK) > 0 ? { topK: n(topK) } : {}),
          ...(n(topP) < 1 ? { topP: n(topP) } : {}),
        };
        let count = 0;
        for await (const token of lm.stream(options)) {
          if (id !== generation) break;
          output.append(token.text);
          output.dataset.tokens = String(++count);
        }
      } catch (e) {
        if (id !== generation) return; // stopped, or the model was replaced meanwhile
        error.textContent = e instanceof Error ? e.message : String(e);
        error.hidden = false;
      }
      if (id === generation) output.dataset.state = 'done';
    };

    const panel = new TrainingPanel(ctx.training, {
      spec: () => ({
        task: 'textlm',
        backend: ctx.backend(),
        steps: Number(steps.value),
        params: {
          corpus: corpusSelect.value,
          ...(corpusSelect.value === 'custom' ? { text: customText.value } : {}),
          cell: cellSelect.value,
          hiddenSize: Number(hidden.value),
          embeddingSize: Number(embed.value),
          sequenceLength: Number(seqLen.value),
          batchSize: Number(batch.value),
          lr: Number(lr.value),
          seed: Number(seed.value),
        },
      }),
      onResult: (result) => {
        const model = trainedModel(result as TrainedLm);
        useModel(model);
        void bar.trained(model);
      },
    });

    root.append(
      h('h2', {}, 'Text generation'),
      h(
        'p',
        {},
        'A character-level language model reads a text one character at a time and learns to predict the next one. ',
        'It trains in the worker on random windows of the corpus; when training completes or is stopped, the model comes back to this page, ',
        'which samples from it one character at a time: temperature below 1 sharpens the distribution (0: always the likeliest character), top-k keeps the k likeliest characters (0: all), ',
        'top-p the smallest set holding that much probability (1: all).',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'corpus ', corpusSelect),
        h('label', {}, 'cell ', cellSelect),
        h('label', {}, 'hidden units ', hidden),
        h('label', {}, 'embedding size ', embed),
        h('label', {}, 'window length ', seqLen),
        h('label', {}, 'batch size ', batch),
        h('label', {}, 'learning rate ', lr),
        h('label', {}, 'seed ', seed),
        h('label', {}, 'training steps ', steps),
      ),
      customText,
      panel.element,
      h('h3', {}, 'Generate'),
      modelNote,
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'prompt ', prompt),
        h('label', {}, 'temperature ', temperature),
        h('label', {}, 'top-k ', topK),
        h('label', {}, 'top-p ', topP),
        h('label', {}, 'characters ', maxTokens),
        h('label', {}, 'seed ', genSeed),
        generateButton,
        stopButton,
      ),
      error,
      output,
      bar.element, // after the page's own error: the model bar's error is a second p.error
    );
    const previous = latestLanguageModel();
    if (previous) useModel(previous);
    void bar.openFromRoute(ctx.params);

    return () => {
      generation++;
      panel.stop();
      lm?.dispose();
      backend.dispose();
    };
  },
};
