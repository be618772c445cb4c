// Gradients through time: how much of the loss's gradient reaches each earlier hidden state, for an RNN,
// an LSTM and a GRU learning the same memory task, with and without clipping, redrawn as they learn.
import type { Page, PageContext } from '../../shell/page.js';
import { CELL_KINDS, CELL_LABELS, type CellKind } from '../../training/cells.js';
import { fmt, h } from '../../ui/dom.js';
import { LineChart } from '../../ui/line-chart.js';
import { dataExtent, niceDomain } from '../../ui/scale.js';
import { TrainingPanel } from '../../ui/training-panel.js';
import { GRADIENT_SERIES, type GradientsPayload } from './series.js';

export const CELL_COLORS: Readonly<Record<CellKind, string>> = { rnn: '#d62728', lstm: '#1f77b4', gru: '#2ca02c' };

const label = (id: string): string => {
  const s = GRADIENT_SERIES.find((x) => x.id === id);
  return s ? `${CELL_LABELS[s.kind]}${s.clipped ? ' + clip' : ''}` : id;
};

interface Field {
  name: string;
  label: string;
  step: string;
  help: string;
}

const FIELDS: readonly Field[] = [
  { name: 'length', label: 'sequence length T', step: '1', help: 'the loss is at step T only' },
  {
    name: 'gain',
    label: 'recurrent init gain',
    step: '0.1',
    help: 'orthogonal(gain) recurrent kernels: below 1 shrinks, above 1 grows gradients',
  },
  { name: 'carryBias', label: 'carry-gate bias', step: '0.5', help: 'initial LSTM forget-gate bias b_f and GRU update-gate bias b_z' },
  { name: 'clipNorm', label: 'clip norm', step: '0.1', help: 'global gradient norm limit of the clipped models' },
  { name: 'hiddenSize', label: 'hidden units', step: '1', help: '' },
  { name: 'lr', label: 'learning rate', step: '0.001', help: 'Adam' },
  { name: 'steps', label: 'training steps', step: '1', help: '' },
];

type Values = Readonly<Record<string, number>>;

/** Three settings that each tell one part of the story (all with seed 1; see the README for what they show). */
export const PRESETS: readonly { id: string; label: string; values: Values; note: string }[] = [
  {
    id: 'vanishing',
    label: 'Vanishing',
    values: { length: 60, gain: 0.8, carryBias: 3, clipNorm: 1, hiddenSize: 16, lr: 0.01, steps: 300 },
    note: 'The RNN’s gradient shrinks by orders of magnitude on its way back to step 0 and it stays at chance; the LSTM and GRU, whose carry gates start at σ(3) ≈ 95%, get the gradient back and learn.',
  },
  {
    id: 'exploding',
    label: 'Exploding',
    values: { length: 40, gain: 3, carryBias: 1, clipNorm: 1, hiddenSize: 16, lr: 0.01, steps: 300 },
    note: 'With recurrent weights three times too large the RNN’s gradient grows thousands of times on its way back: unclipped, its updates overshoot and its loss jumps; clipped to norm 1 it learns.',
  },
  {
    id: 'defaults',
    label: 'Library defaults',
    values: { length: 50, gain: 1, carryBias: 1, clipNorm: 1, hiddenSize: 16, lr: 0.01, steps: 300 },
    note: 'An orthogonal recurrent kernel (gain 1) preserves the gradient’s norm, so here the plain RNN learns; the gated cells, whose gates pass σ(1) ≈ 73% of the state per step, keep only 10⁻⁷–10⁻⁵ of it at step 0 and stay near chance.',
  },
];

export const gradientsPage: Page = {
  mount(root: HTMLElement, ctx: PageContext) {
    const inputs = new Map<string, HTMLInputElement>();
    const presetNote = h('p', { class: 'note preset-note' });
    const applyPreset = (id: string): void => {
      const preset = PRESETS.find((p) => p.id === id) ?? PRESETS[0]!;
      for (const [name, v] of Object.entries(preset.values)) inputs.get(name)!.value = String(v);
      presetNote.textContent = `${preset.label}: ${preset.note}`;
    };
    const form = h(
      'form',
      { class: 'options', onSubmit: (e) => e.preventDefault() },
      ...FIELDS.map((f) => {
        const input = h('input', { type: 'number', name: f.name, step: f.step, title: f.help });
        inputs.set(f.name, input);
        return h('label', {}, `${f.label} `, input);
      }),
    );
    const presets = h(
      'div',
      { class: 'presets' },
      'Presets: ',
      ...PRESETS.map((p) => h('button', { type: 'button', 'data-preset': p.id, onClick: () => applyPreset(p.id) }, p.label)),
    );
    applyPreset(ctx.params.preset ?? 'vanishing');
    // a link may override single values: #/gradients?preset=exploding&length=80
    for (const [name, v] of Object.entries(ctx.params)) if (inputs.has(name)) inputs.get(name)!.value = v;
    const value = (name: string): number => Number(inputs.get(name)!.value);

    const charts = [false, true].map(
      (clipped) =>
        new LineChart(
          { xLabel: 'time step t', yLabel: '‖∂L/∂h_t‖', yKind: 'log', height: 240, legendValues: false },
          `Gradient norm per time step ${clipped ? 'with' : 'without'} clipping, for RNN, LSTM and GRU`,
        ),
    );
    charts.forEach((c, i) => (c.canvas.dataset.chart = i ? 'clipped' : 'unclipped'));
    const table = h('tbody');
    let latest: { step: number; loss: Record<string, number>; payload: GradientsPayload } | null = null;
    let frame = 0;

    const render = (): void => {
      frame = 0;
      if (!latest) return;
      const { payload, loss } = latest;
      const T = Object.values(payload.norms)[0]?.length ?? 0;
      // one y range for both panels, so with and without clipping compare at a glance
      const extent = dataExtent(Object.values(payload.norms), 'log');
      const yDomain = extent ? niceDomain(extent, 'log') : undefined;
      charts.forEach((chart, i) => {
        chart.setDomain({ xDomain: [0, Math.max(1, T - 1)], ...(yDomain ? { yDomain } : {}) });
        chart.set(
          GRADIENT_SERIES.filter((s) => s.clipped === (i === 1)).map((s) => ({
            name: CELL_LABELS[s.kind],
            color: CELL_COLORS[s.kind],
            y: payload.norms[s.id] ?? [],
          })),
        );
      });
      table.replaceChildren(
        ...GRADIENT_SERIES.map((s) => {
          const n = payload.norms[s.id] ?? new Float64Array();
          const reach = n.length ? n[0]! / n[n.length - 1]! : Number.NaN;
          return h(
            'tr',
            { 'data-series': s.id },
            h('td', {}, label(s.id)),
            h('td', {}, fmt(loss[s.id] ?? Number.NaN)),
            h('td', {}, fmt(reach, 3)),
            h('td', {}, fmt(payload.gradNorm[s.id] ?? Number.NaN, 3)),
          );
        }),
      );
    };

    const panel = new TrainingPanel(ctx.training, {
      spec: () => ({
        task: 'gradients',
        backend: ctx.backend(),
        steps: value('steps'),
        params: Object.fromEntries(FIELDS.filter((f) => f.name !== 'steps').map((f) => [f.name, value(f.name)])),
      }),
      style: (series) => {
        const s = GRADIENT_SERIES.find((x) => x.id === series);
        return { name: label(series), color: s ? CELL_COLORS[s.kind] : '#444', dashed: s?.clipped ?? false };
      },
      listeners: {
        onProgress: (e) => {
          latest = { step: e.step, loss: e.loss, payload: e.payload as GradientsPayload };
          if (!frame) frame = requestAnimationFrame(render);
        },
      },
    });

    root.append(
      h('h2', {}, 'Gradients through time'),
      h(
        'p',
        {},
        'Each model reads a sequence whose first step holds a ±1 signal and whose every step holds noise, and must output the sign of the signal at the last step. ',
        'The loss is only at the last step, so learning depends on how much of its gradient flows back to the first: ',
        h('strong', {}, '‖∂L/∂h_t‖'),
        ' for every t, recorded by the recurrent layer during backpropagation through time (log scale). ',
        'Through a plain RNN it is multiplied by the recurrent Jacobian at every step, so it shrinks or grows geometrically with distance (vanishing or exploding gradients); ',
        'an LSTM or GRU adds a path through its carry gate (forget f, update z) that passes it on nearly unchanged when the gate is open. ',
        'The clipped models (dashed in the loss chart) rescale each update to a global norm of at most clipNorm.',
      ),
      presets,
      form,
      presetNote,
      panel.element,
      h(
        'div',
        { class: 'grad-plots' },
        h('div', {}, h('h3', {}, 'Without clipping'), charts[0]!.element),
        h('div', {}, h('h3', {}, 'With clipping (clipNorm)'), charts[1]!.element),
      ),
      h(
        'table',
        { class: 'grad-table' },
        h('thead', {}, h('tr', {}, ...['model', 'loss', '‖∂L/∂h_0‖ / ‖∂L/∂h_T−1‖', '‖∇θ‖ before clipping'].map((c) => h('th', {}, c)))),
        table,
      ),
      h('p', { class: 'note' }, `Series: ${CELL_KINDS.map((k) => CELL_LABELS[k]).join(', ')}; chance-level loss is ln 2 ≈ 0.693.`),
    );
    for (const c of charts) c.set([]);

    return () => {
      panel.stop();
      cancelAnimationFrame(frame);
    };
  },
};
