// Unrolling: a cell stepped over a few characters, with the values that flow through it (x_t, h_{t-1},
// the gates, h_t, y_t). The values come from the core Cell's own forwardStep (see unroll.ts), computed on
// this thread in float64 (a few hundred numbers); training the weights happens in the worker.
import { jsBackend } from '@rnn/backend-js';
import type { Page, PageContext } from '../../shell/page.js';
import { CELL_KINDS, CELL_LABELS, type CellKind } from '../../training/cells.js';
import { fmt, h } from '../../ui/dom.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import { charModel, HIDDEN_SIZE, MAX_INPUT, unrollCharModel, VOCAB } from './charlm.js';
import { renderDiagram } from './diagram.js';
import { EQUATIONS } from './equations.js';
import type { UnrolledStep } from './unroll.js';

const STEP_MS = 1200;

type Weights = Record<string, ArrayLike<number>>;

export const unrollingPage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const backend = jsBackend({ dtype: 'float64' }); // display values exactly; the model is tiny
    const kindSelect = h('select', { name: 'cell' }, ...CELL_KINDS.map((k) => h('option', { value: k }, CELL_LABELS[k])));
    kindSelect.value = CELL_KINDS.includes(ctx.params.cell as CellKind) ? ctx.params.cell! : 'lstm';
    const textInput = h('input', { name: 'text', value: ctx.params.text ?? 'the c', maxlength: MAX_INPUT, size: MAX_INPUT + 2 });
    const seedInput = h('input', { name: 'seed', type: 'number', value: ctx.params.seed ?? '1', min: 0, step: 1 });
    const stepsInput = h('input', { name: 'steps', type: 'number', value: '200', min: 1, step: 1 });
    const weightsNote = h('span', { class: 'weights-note', 'data-weights': 'initial' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const diagramBox = h('div', { class: 'diagram-box' });
    const details = h('div', { class: 'step-details' });
    const stepLabel = h('span', { class: 'step-label' });
    let steps: UnrolledStep[] = [];
    let chars: string[] = [];
    let current = 0;
    let weights: Weights = {};
    let timer = 0;
    let training: { kind: CellKind; seed: number } | null = null; // what the running job trains

    const kind = (): CellKind => kindSelect.value as CellKind;
    const seed = (): number => Number(seedInput.value);

    /** The untrained model's weights for the chosen cell and seed (the same as the worker would start from). */
    const initialWeights = (): void => {
      const model = charModel(backend, kind(), seed());
      try {
        weights = model.getWeights();
      } finally {
        model.dispose();
      }
      weightsNote.textContent = `initial weights (seed ${seed()})`;
      weightsNote.dataset.weights = 'initial';
    };

    /** A bad input or seed is shown on the page (the typed error's message), never thrown at the user. */
    const fail = (e: unknown): void => {
      steps = [];
      error.textContent = e instanceof Error ? e.message : String(e);
      error.hidden = false;
      draw();
    };

    const compute = (): void => {
      try {
        steps = unrollCharModel(backend, kind(), weights, textInput.value);
      } catch (e) {
        fail(e);
        return;
      }
      chars = [...textInput.value];
      current = Math.min(current, steps.length - 1);
      error.hidden = true;
      draw();
    };

    const draw = (): void => {
      if (steps.length === 0) {
        diagramBox.replaceChildren();
        details.replaceChildren();
        stepLabel.textContent = '';
        return;
      }
      diagramBox.replaceChildren(renderDiagram({ steps, chars, vocab: VOCAB, current }));
      stepLabel.textContent = `step ${current + 1} of ${steps.length}`;
      details.replaceChildren(stepDetails(kind(), steps[current]!, chars[current]!, current));
    };

    const go = (t: number): void => {
      current = Math.max(0, Math.min(steps.length - 1, t));
      draw();
    };
    const stopPlaying = (): void => {
      clearInterval(timer);
      timer = 0;
      playButton.textContent = 'Play';
    };
    const playButton = h(
      'button',
      {
        type: 'button',
        'data-action': 'play',
        onClick: () => {
          if (timer) return stopPlaying();
          if (current >= steps.length - 1) go(0);
          playButton.textContent = 'Pause';
          timer = window.setInterval(() => (current >= steps.length - 1 ? stopPlaying() : go(current + 1)), STEP_MS);
        },
      },
      'Play',
    );

    const reset = (): void => {
      stopPlaying();
      panel.stop(); // weights for another cell or seed would not fit
      training = null;
      try {
        initialWeights();
      } catch (e) {
        fail(e); // e.g. "seed: expected a non-negative integer, received -1"
        return;
      }
      compute();
    };
    kindSelect.addEventListener('change', reset);
    seedInput.addEventListener('change', reset);
    textInput.addEventListener('input', compute);

    const panel = new TrainingPanel(ctx.training, {
      spec: () => {
        training = { kind: kind(), seed: seed() };
        return {
          task: 'charlm',
          backend: ctx.backend(),
          steps: Number(stepsInput.value),
          params: { cell: training.kind, seed: training.seed },
        };
      },
      onResult: (result) => {
        if (training?.kind !== kind() || training.seed !== seed()) return; // the user changed the model meanwhile
        weights = result as Weights;
        weightsNote.textContent = `trained weights (${panel.element.dataset.step} steps)`;
        weightsNote.dataset.weights = 'trained';
        compute();
      },
    });

    root.append(
      h('h2', {}, 'Unrolling'),
      h(
        'p',
        {},
        'A recurrent cell applies the same weights at every step: unrolled over a sequence it becomes a deep network, one layer per step, ',
        'with the state h (and an LSTM’s cell state c) flowing from each step to the next. ',
        `Here a ${HIDDEN_SIZE}-unit cell reads characters one-hot encoded and a dense readout predicts the next character. `,
        'Each square is one number (blue negative, red positive; hover for the exact value), computed by the core cell’s own forwardStep in float64. ',
        'Train the model (in the worker) to see the predictions sharpen.',
      ),
      h(
        'form',
        { class: 'options', onSubmit: (e) => e.preventDefault() },
        h('label', {}, 'cell ', kindSelect),
        h('label', {}, `input (≤ ${MAX_INPUT} of "${VOCAB.join('')}") `, textInput),
        h('label', {}, 'seed ', seedInput),
        h('label', {}, 'training steps ', stepsInput),
        weightsNote,
      ),
      error,
      h(
        'div',
        { class: 'step-controls' },
        h('button', { type: 'button', 'data-action': 'first', onClick: () => go(0) }, '« first'),
        h('button', { type: 'button', 'data-action': 'back', onClick: () => go(current - 1) }, '◀ back'),
        playButton,
        h('button', { type: 'button', 'data-action': 'forward', onClick: () => go(current + 1) }, 'forward ▶'),
        h('button', { type: 'button', 'data-action': 'last', onClick: () => go(steps.length - 1) }, 'last »'),
        stepLabel,
      ),
      diagramBox,
      details,
      panel.element,
    );
    reset();

    return () => {
      stopPlaying();
      panel.stop();
      backend.dispose();
    };
  },
};

/** The current step's equations with their numbers. */
function stepDetails(kind: CellKind, s: UnrolledStep, ch: string, t: number): HTMLElement {
  const vec = (v: readonly number[] | undefined): string => (v ? `[${v.map((x) => fmt(x, 3)).join(', ')}]` : '');
  const valuesOf = (name: string): readonly number[] | undefined => s.gates[name] ?? s.next[name];
  const rows: [string, string][] = [
    [`x_${t + 1}`, `one-hot("${ch}")`],
    ...Object.entries(s.prev).map(([n, v]): [string, string] => [`${n}_${t}`, vec(v)]),
    ...EQUATIONS[kind].map(([name, eq]): [string, string] => [eq, vec(valuesOf(name))]),
  ];
  const top = s.probs
    ? s.probs
        .map((p, i) => ({ p, ch: VOCAB[i]! }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 3)
        .map((x) => `"${x.ch}" ${fmt(x.p, 3)}`)
        .join(', ')
    : '';
  rows.push([`y_${t + 1} = h_${t + 1} W_y + b_y → softmax`, top]);
  return h(
    'table',
    { class: 'equations' },
    h('tbody', {}, ...rows.map(([a, b]) => h('tr', {}, h('td', { class: 'eq' }, a), h('td', { class: 'mono' }, b)))),
  );
}
