// ONNX import of zero initial states built from the input's shape, as PyTorch exports an nn.LSTM / GRU / RNN
// called without h0 under dynamic_axes: Shape → Gather / Slice → Unsqueeze → Concat → ConstantOfShape(0) or
// Expand of a zero constant. Each graph runs in onnxruntime at two batch sizes against the imported predict.
import { jsBackend } from '@rnn/backend-js';
import { describe, expect, it } from 'vitest';
import { thrown, values } from './cases.test-helpers.js';
import { type Attribute, attr, Graph } from './graph.js';
import { importOnnx } from './import.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';
import { AttributeType, DataType } from './proto.js';

const backend = jsBackend();
const [T, I, H] = [4, 3, 2];
const BATCHES = [2, 5];
const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;
type Op = keyof typeof GATES;

/** ConstantOfShape's value attribute: a one-element float tensor. */
const fillValue = (v: number): Attribute =>
  ({ name: 'value', type: AttributeType.TENSOR, t: { dims: [1], data_type: DataType.FLOAT, float_data: [v] } }) as Attribute;

interface Options {
  op: Op;
  directions?: 1 | 2;
  /**
   * How the batch entry is read: Gather(Shape(x), 0) + Unsqueeze, Gather(Shape(time-major X), 1) + Unsqueeze,
   * Slice [0:1], Shape's start / end (opset 15); 'time' reads the time entry instead (a refusal).
   */
  batch?: 'gather' | 'gather-transposed' | 'slice' | 'shape-range' | 'time';
  /** ConstantOfShape(value) (default 0) or Expand of a zero constant (or of `value`). */
  build?: 'constantOfShape' | 'expand';
  value?: number;
  cast?: boolean;
  opset?: number;
  /** layout 1: X and Y batch-major, the state [batch, D, H]. */
  layout?: 0 | 1;
  /** The hidden size written in the state's shape (default H). */
  stateHidden?: number;
  /** What the built shape / zeros also feed (refusals). */
  misuse?: (g: Graph, y: string, dims: string, zeros: string) => string;
}

/** x [B, T, I] (batch_first) → Transpose → RNN / GRU / LSTM with zero states built from Shape(x) → [B, T, D·H]. */
function dynamicGraph(o: Options): Uint8Array {
  const opset = o.opset ?? 17;
  const D = o.directions ?? 1;
  const g = new Graph();
  const x = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
  const layout = o.layout ?? 0;
  const X = layout === 1 ? x : g.op('Transpose', [x], [attr.ints('perm', [1, 0, 2])]);
  const unsqueeze0 = (v: string) =>
    opset >= 13 ? g.op('Unsqueeze', [v, g.int64s('axes0', [1], [0])]) : g.op('Unsqueeze', [v], [attr.ints('axes', [0])]);
  let batch: string;
  if (o.batch === 'slice')
    batch = g.op('Slice', [g.op('Shape', [x]), g.int64s('starts', [1], [0]), g.int64s('ends', [1], [1]), g.int64s('axes', [1], [0])]);
  else if (o.batch === 'shape-range') batch = g.op('Shape', [x], [attr.int('start', 0), attr.int('end', 1)]);
  else if (o.batch === 'gather-transposed') batch = unsqueeze0(g.op('Gather', [g.op('Shape', [X]), g.scalar('int64', 1)]));
  else batch = unsqueeze0(g.op('Gather', [g.op('Shape', [x]), g.scalar('int64', o.batch === 'time' ? 1 : 0)], [attr.int('axis', 0)]));
  const directions = g.int64s('directions', [1], [D]);
  const parts = layout === 1 ? [batch, directions] : [directions, batch];
  let dims = g.op('Concat', [...parts, g.int64s('hidden', [1], [o.stateHidden ?? H])], [attr.int('axis', 0)]);
  if (o.cast) dims = g.op('Cast', [dims], [attr.int('to', DataType.INT64)]);
  const zeros =
    o.build === 'expand'
      ? g.op('Expand', [g.floats('zero', [1], [o.value ?? 0]), dims])
      : g.op('ConstantOfShape', [dims], o.value === undefined ? [] : [fillValue(o.value)]);
  const h0 = o.cast ? g.op('Cast', [zeros], [attr.int('to', DataType.FLOAT)]) : zeros;
  const GH = GATES[o.op] * H;
  const Y = g.op(
    o.op,
    [
      X,
      g.floats('W', [D, GH, I], values(2, D * GH * I)),
      g.floats('R', [D, GH, H], values(3, D * GH * H)),
      g.floats('B', [D, 2 * GH], values(4, D * 2 * GH)),
      '',
      h0,
      ...(o.op === 'LSTM' ? [h0] : []),
    ],
    [
      attr.int('hidden_size', H),
      attr.string('direction', D === 2 ? 'bidirectional' : 'forward'),
      ...(layout === 1 ? [attr.int('layout', 1)] : []),
    ],
  );
  // PyTorch's output: [T, D, B, H] → [T, B, D, H] → [T, B, D·H] → batch_first; layout 1: [B, T, D, H] → [B, T, D·H].
  const join = (v: string) => g.op('Reshape', [v, g.int64s('shape', [3], [0, 0, -1])]);
  const y =
    layout === 1
      ? join(Y)
      : g.op('Transpose', [join(g.op('Transpose', [Y], [attr.ints('perm', [0, 2, 1, 3])]))], [attr.ints('perm', [1, 0, 2])]);
  g.output(o.misuse ? o.misuse(g, y, dims, zeros) : y, 'y', DataType.FLOAT, ['batch', 'time', D * H]);
  return g.toModel({ opset, irVersion: 8, name: 'dynamic', docString: '', metadata: {} });
}

/** The largest difference between onnxruntime and the imported predict over both batch sizes. */
async function maxDiffOverBatches(bytes: Uint8Array): Promise<number> {
  const { model } = importOnnx(backend, bytes);
  let worst = 0;
  for (const [k, b] of BATCHES.entries()) {
    const input = { data: Float32Array.from(values(10 + k, b * T * I)), shape: [b, T, I] };
    const ort = await runOnnx(bytes, { x: input });
    const got = model.predict(input);
    expect(got.shape).toEqual(ort.dims);
    worst = Math.max(worst, maxAbsDiff(ort.data, got.data));
  }
  model.dispose();
  expect(worst).toBeLessThan(1e-5);
  return worst;
}

describe('ONNX import of zero initial states built from the input shape (PyTorch dynamic_axes)', () => {
  for (const op of ['LSTM', 'GRU', 'RNN'] as const)
    for (const directions of [1, 2] as const)
      for (const build of ['constantOfShape', 'expand'] as const)
        it(`${op} ${directions === 2 ? 'bidirectional' : 'forward'}: Shape → Gather → Unsqueeze → Concat → ${build === 'expand' ? 'Expand of a zero constant' : 'ConstantOfShape'}`, async () => {
          const bytes = dynamicGraph({ op, directions, build });
          const imported = importOnnx(backend, bytes);
          const states = op === 'LSTM' ? ['initial_h', 'initial_c'] : ['initial_h'];
          for (const s of states) expect(imported.ignored).toContain(`node "${op}_node" (${op}).input ${s}: all zeros, the same as none`);
          expect(imported.model.layerConfigs()[0]).toMatchObject({ kind: directions === 2 ? 'bidirectional' : 'recurrent' });
          imported.model.dispose();
          await maxDiffOverBatches(bytes);
        });

  it('the batch entry read other ways: Shape of the time-major X, Slice [0:1], Shape start / end; with Casts', async () => {
    await maxDiffOverBatches(dynamicGraph({ op: 'LSTM', batch: 'gather-transposed', cast: true }));
    await maxDiffOverBatches(dynamicGraph({ op: 'GRU', directions: 2, batch: 'slice', build: 'expand' }));
    await maxDiffOverBatches(dynamicGraph({ op: 'RNN', batch: 'shape-range', opset: 15 }));
  });

  it('opset 12 (Unsqueeze axes as an attribute), an explicit value 0', async () => {
    await maxDiffOverBatches(dynamicGraph({ op: 'LSTM', directions: 2, opset: 12, value: 0 }));
  });

  // onnxruntime's CPU kernels refuse layout 1, so the layout-1 graph is checked against the layout-0 one.
  it('layout 1: the state [batch, num_directions, hidden_size] (the same model as layout 0)', () => {
    const m0 = importOnnx(backend, dynamicGraph({ op: 'LSTM', directions: 2 }));
    const m1 = importOnnx(backend, dynamicGraph({ op: 'LSTM', directions: 2, layout: 1 }));
    expect(m1.ignored).toContain('node "LSTM_node" (LSTM).input initial_c: all zeros, the same as none');
    for (const b of BATCHES) {
      const input = { data: Float32Array.from(values(b, b * T * I)), shape: [b, T, I] };
      expect(maxAbsDiff(m1.model.predict(input).data, m0.model.predict(input).data)).toBe(0);
    }
    m0.model.dispose();
    m1.model.dispose();
  });

  it('an embedding model: the batch read from Shape of the token ids', async () => {
    const g = new Graph();
    const ids = g.input('x', DataType.INT64, ['batch', 'time']);
    const embedded = g.op('Gather', [g.floats('table', [7, I], values(1, 7 * I)), ids]);
    const batch = g.op('Unsqueeze', [g.op('Gather', [g.op('Shape', [ids]), g.scalar('int64', 0)]), g.int64s('axes0', [1], [0])]);
    const dims = g.op('Concat', [g.int64s('directions', [1], [1]), batch, g.int64s('hidden', [1], [H])], [attr.int('axis', 0)]);
    const [, yh] = g.node(
      'GRU',
      [
        g.op('Transpose', [embedded], [attr.ints('perm', [1, 0, 2])]),
        g.floats('W', [1, 3 * H, I], values(2, 3 * H * I)),
        g.floats('R', [1, 3 * H, H], values(3, 3 * H * H)),
        '',
        '',
        g.op('ConstantOfShape', [dims]),
      ],
      [attr.int('hidden_size', H), attr.int('linear_before_reset', 1)],
      ['', 'Y_h'],
    );
    g.output(g.op('Squeeze', [yh!, g.int64s('axes1', [1], [0])]), 'y', DataType.FLOAT, ['batch', H]);
    const bytes = g.toModel({ opset: 17, irVersion: 8, name: 'tokens', docString: '', metadata: {} });
    const { model } = importOnnx(backend, bytes);
    expect(model.layerConfigs().map((c) => c.kind)).toEqual(['embedding', 'recurrent']);
    for (const b of BATCHES) {
      const input = { data: Int32Array.from({ length: b * T }, (_, i) => (i * 3 + b) % 7), shape: [b, T] };
      const ort = await runOnnx(bytes, { x: input });
      expect(maxAbsDiff(ort.data, model.predict(input).data)).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('two stacked layers, each taking its Slice of one [2, batch, H] zero state (PyTorch num_layers = 2)', async () => {
    const g = new Graph();
    const x = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [x], [attr.ints('perm', [1, 0, 2])]);
    const batch = g.op('Unsqueeze', [g.op('Gather', [g.op('Shape', [x]), g.scalar('int64', 0)]), g.int64s('axes0', [1], [0])]);
    const dims = g.op('Concat', [g.int64s('layers', [1], [2]), batch, g.int64s('hidden', [1], [H])], [attr.int('axis', 0)]);
    const h0 = g.op('ConstantOfShape', [dims], [fillValue(0)]);
    let seq = X;
    for (const k of [0, 1]) {
      const state = g.op('Slice', [h0, g.int64s('starts', [1], [k]), g.int64s('ends', [1], [k + 1]), g.int64s('axes', [1], [0])]);
      const inputSize = k === 0 ? I : H;
      const Y = g.op(
        'GRU',
        [
          seq,
          g.floats('W', [1, 3 * H, inputSize], values(2 + k, 3 * H * inputSize)),
          g.floats('R', [1, 3 * H, H], values(4 + k, 3 * H * H)),
          '',
          '',
          state,
        ],
        [attr.int('hidden_size', H), attr.int('linear_before_reset', 1)],
      );
      seq = g.op('Squeeze', [Y, g.int64s('axes1', [1], [1])]);
    }
    g.output(g.op('Transpose', [seq], [attr.ints('perm', [1, 0, 2])]), 'y', DataType.FLOAT, ['batch', 'time', H]);
    const bytes = g.toModel({ opset: 17, irVersion: 8, name: 'stacked', docString: '', metadata: {} });
    const imported = importOnnx(backend, bytes);
    expect(imported.model.layerConfigs().map((c) => c.kind)).toEqual(['recurrent', 'recurrent']);
    imported.model.dispose();
    await maxDiffOverBatches(bytes);
  });

  it('refuses a non-zero state, a state of the wrong shape, and a computed shape or zeros reaching the data', () => {
    const C = 'node "ConstantOfShape_node" (ConstantOfShape)';
    const S = 'node "Shape_node" (Shape)';
    expect(thrown(dynamicGraph({ op: 'LSTM', value: 0.5 }))).toEqual({
      type: 'UnsupportedError',
      message: `${C}.attribute "value": expected 0 (a zero initial state: rnn starts every sequence from zeros), received 0.5`,
    });
    expect(thrown(dynamicGraph({ op: 'GRU', build: 'expand', value: 0.5 }))).toEqual({
      type: 'UnsupportedError',
      message:
        'node "Expand_node" (Expand).input[0]: expected zeros (a zero initial state: rnn starts every sequence from zeros), received 0.5',
    });
    expect(thrown(dynamicGraph({ op: 'LSTM', stateHidden: H + 1 }))).toEqual({
      type: 'UnsupportedError',
      message: `node "LSTM_node" (LSTM).input initial_h: expected zeros [1, batch, ${H}] (num_directions, batch, hidden_size), received the zeros [1, batch, ${H + 1}] of ${C}`,
    });
    expect(thrown(dynamicGraph({ op: 'LSTM', directions: 2, layout: 1, batch: 'time' }))).toEqual({
      type: 'UnsupportedError',
      message: `node "LSTM_node" (LSTM).input initial_h: expected zeros [batch, 2, ${H}] (batch, num_directions, hidden_size), received the zeros [time, 2, ${H}] of ${C}`,
    });
    expect(thrown(dynamicGraph({ op: 'RNN', directions: 2, batch: 'time' }))).toEqual({
      type: 'UnsupportedError',
      message: `node "RNN_node" (RNN).input initial_h: expected zeros [2, batch, ${H}] (num_directions, batch, hidden_size), received the zeros [2, time, ${H}] of ${C}`,
    });
    expect(thrown(dynamicGraph({ op: 'GRU', misuse: (g, y, dims) => g.op('Reshape', [y, dims]) }))).toEqual({
      type: 'UnsupportedError',
      message: `node "Reshape_node_1" (Reshape): expected Gather, Slice, Squeeze, Unsqueeze, Concat or Cast on a computed shape, or ConstantOfShape / Expand making zeros of it (a zero initial state), received "Reshape" reading the shape [1, batch, ${H}] computed by ${S}`,
    });
    expect(
      thrown(
        dynamicGraph({
          op: 'GRU',
          misuse: (g, y, dims) => g.op('Reshape', [y, g.op('Unsqueeze', [dims, g.int64s('axes_1', [1], [0])])]),
        }),
      ),
    ).toEqual({
      type: 'UnsupportedError',
      message: `node "Unsqueeze_node_1" (Unsqueeze): expected an Unsqueeze of a scalar shape entry into a 1-D shape, received axes [0] on the 1-D shape [1, batch, ${H}] computed by ${S}`,
    });
    expect(
      thrown(
        dynamicGraph({
          op: 'GRU',
          misuse: (g, y, _dims, zeros) =>
            g.op('Add', [y, g.op('Slice', [zeros, g.int64s('s', [1], [0]), g.int64s('e', [1], [1]), g.int64s('a', [1], [1])])]),
        }),
      ),
    ).toEqual({
      type: 'UnsupportedError',
      message: `node "Slice_node" (Slice): expected a Slice of the known sizes of zeros, received axis 1 ([batch]) of the zeros [1, batch, ${H}] of ${C}`,
    });
    expect(thrown(dynamicGraph({ op: 'GRU', misuse: (g, y, _dims, zeros) => g.op('Add', [y, zeros]) }))).toEqual({
      type: 'UnsupportedError',
      message: `node "Add_node" (Add): expected a recurrent node reading zeros as its initial state, received "Add" reading the zeros [1, batch, ${H}] of ${C}`,
    });
    expect(thrown(dynamicGraph({ op: 'GRU', misuse: (g, y) => g.op('Cast', [y], [attr.int('to', DataType.FLOAT)]) }))).toEqual({
      type: 'UnsupportedError',
      message:
        'node "Cast_node" (Cast): expected a Cast of a computed shape to int64 / int32 or of computed zeros to float / double, received the layer chain to data type 1',
    });
  });
});
