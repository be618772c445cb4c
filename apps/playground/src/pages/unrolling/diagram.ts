// The unrolled cell as SVG: one column per time step (x_t below, the cell with its gates, h_t and the
// prediction y_t above), the state h (and c) flowing right from step to step. Every coloured square is one
// number; its exact value is in its tooltip and in the group's data-values attribute.
import { divergingColor } from '../../ui/colors.js';
import { fmt, svg } from '../../ui/dom.js';
import type { UnrolledStep } from './unroll.js';

const SQ = 13; // one value
const GAP = 2;
const COL = 176; // column width
const BOX_W = 100;
const ROW = 22;
const TOP = 78; // y of h_t
const BOX_Y = 116;

export interface DiagramInput {
  steps: readonly UnrolledStep[];
  /** The characters read at each step, and the vocabulary for the predictions. */
  chars: readonly string[];
  vocab: readonly string[];
  /** Index of the step shown as current; later steps are drawn faded, not yet computed. */
  current: number;
}

const show = (ch: string): string => (ch === ' ' ? '␣' : ch);

/** A row of squares for a vector, tagged for tests and tooltips. */
function vector(name: string, t: number, values: readonly number[], x: number, y: number, label: string): SVGGElement {
  return svg(
    'g',
    { class: 'vec', 'data-vec': name, 'data-t': t, 'data-values': JSON.stringify(values) },
    ...values.map((v, i) =>
      svg(
        'rect',
        { x: x + i * (SQ + GAP), y, width: SQ, height: SQ, rx: 2, fill: divergingColor(v), class: 'value' },
        svg('title', {}, `${label}[${i}] = ${v}`),
      ),
    ),
  );
}

const widthOf = (n: number): number => n * (SQ + GAP) - GAP;

function arrow(x1: number, y1: number, x2: number, y2: number, kind: string): SVGLineElement {
  return svg('line', { x1, y1, x2, y2, class: `flow ${kind}`, 'marker-end': 'url(#arrowhead)' });
}

export function renderDiagram(input: DiagramInput): SVGSVGElement {
  const { steps, chars, vocab, current } = input;
  const first = steps[0];
  const gateNames = first ? Object.keys(first.gates) : [];
  const stateNames = first ? Object.keys(first.next) : ['h'];
  const H = first?.next.h?.length ?? 0;
  const rows = Math.max(1, gateNames.length);
  const boxH = rows * ROW + 14;
  const hY = BOX_Y + boxH - 16; // the h line through the boxes
  const cY = BOX_Y + 10; // the c line (LSTM)
  const xY = BOX_Y + boxH + 40;
  const width = COL * steps.length + 24;
  const height = xY + 54;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'unroll-diagram',
    role: 'img',
    'aria-label': `Cell unrolled over ${steps.length} steps, step ${current + 1} current`,
    'data-current': current,
  });
  root.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: 'arrowhead', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrowhead' }),
      ),
    ),
  );
  steps.forEach((s, t) => {
    const x0 = 24 + t * COL; // left edge of the gap before the box
    const bx = x0 + COL - BOX_W - 8; // box left
    const cx = bx + BOX_W / 2;
    const phase = t < current ? 'past' : t === current ? 'current' : 'future';
    const g = svg('g', { class: `step ${phase}`, 'data-t': t });
    // incoming state: h_{t-1} (and c_{t-1}) in the gap, arrows into the box
    const gapMid = (x0 + bx) / 2 - widthOf(H) / 2;
    for (const name of stateNames) {
      const y = name === 'c' ? cY : hY;
      g.append(
        arrow(x0 - 8, y + SQ / 2, bx, y + SQ / 2, `state ${name}`),
        vector(`prev.${name}`, t, s.prev[name] ?? [], gapMid, y - SQ - 2, `${name}_${t}`),
        svg('text', { x: gapMid, y: y + SQ + 10, class: 'label' }, t === 0 ? `${name}₀ = 0` : `${name}_${t}`),
      );
    }
    // the cell and its gates
    g.append(svg('rect', { x: bx, y: BOX_Y, width: BOX_W, height: boxH, rx: 8, class: 'cell' }));
    if (gateNames.length === 0) g.append(svg('text', { x: cx, y: BOX_Y + boxH / 2 + 4, class: 'label center' }, 'tanh'));
    gateNames.forEach((name, k) => {
      const y = BOX_Y + 8 + k * ROW;
      g.append(
        svg('text', { x: bx + 8, y: y + 10, class: 'label' }, name),
        vector(`gate.${name}`, t, s.gates[name]!, bx + 26, y, `${name}_${t + 1}`),
      );
    });
    // input below
    const ch = chars[t] ?? '';
    g.append(
      svg(
        'g',
        { class: 'vec input', 'data-vec': 'x', 'data-t': t, 'data-values': JSON.stringify(s.x) },
        svg('rect', { x: cx - 14, y: xY, width: 28, height: 28, rx: 4, class: 'char' }),
        svg('text', { x: cx, y: xY + 19, class: 'char-text center' }, show(ch)),
        svg('title', {}, `x_${t + 1}: one-hot of "${ch}" (index ${s.x.indexOf(1)})`),
      ),
      svg('text', { x: cx, y: xY + 42, class: 'label center' }, `x_${t + 1}`),
      arrow(cx, xY - 2, cx, BOX_Y + boxH + 2, 'input'),
    );
    // output above: h_t, then the prediction
    g.append(
      arrow(cx, BOX_Y - 2, cx, TOP + SQ + 4, 'output'),
      vector('next.h', t, s.next.h ?? [], cx - widthOf(H) / 2, TOP, `h_${t + 1}`),
      svg('text', { x: cx + widthOf(H) / 2 + 4, y: TOP + 10, class: 'label' }, `h_${t + 1}`),
    );
    if (s.next.c)
      g.append(svg('g', { class: 'vec hidden-vec', 'data-vec': 'next.c', 'data-t': t, 'data-values': JSON.stringify(s.next.c) }));
    if (s.y && s.probs) g.append(prediction(s.y, s.probs, vocab, t, cx));
    root.append(g);
  });
  return root;
}

/** The top three next characters with probability bars. */
function prediction(y: readonly number[], probs: readonly number[], vocab: readonly string[], t: number, cx: number): SVGGElement {
  const top = probs
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 3);
  const g = svg('g', {
    class: 'vec prediction',
    'data-vec': 'y',
    'data-t': t,
    'data-values': JSON.stringify(y),
    'data-probs': JSON.stringify(probs),
  });
  top.forEach(({ p, i }, k) => {
    const y0 = 8 + k * 17;
    g.append(
      svg('text', { x: cx - 44, y: y0 + 11, class: 'label mono' }, show(vocab[i]!)),
      svg('rect', { x: cx - 32, y: y0 + 2, width: Math.max(1, 52 * p), height: 11, class: 'bar' }),
      svg('text', { x: cx + 24, y: y0 + 11, class: 'label' }, fmt(p, 2)),
    );
  });
  g.append(svg('title', {}, `y_${t + 1}: predicted next character (softmax of the readout)`));
  return g;
}
