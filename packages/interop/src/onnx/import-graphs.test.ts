// ONNX import of hand-built graphs: what the exporter never writes but the importer accepts (checked against
// onnxruntime on the same file), every refusal with its exact message, and a fuzz property for damaged files.
import { jsBackend } from '@rnn/backend-js';
import {
  bidirectional,
  CorruptModelError,
  dense,
  embedding,
  gru,
  InvalidArgumentError,
  meanSquaredError,
  RnnError,
  Sequential,
  sgd,
} from '@rnn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown, values } from './cases.test-helpers.js';
import { exportOnnx } from './export.js';
import { type Attribute, attr, Graph } from './graph.js';
import { importOnnx } from './import.js';
import { maxAbsDiff, runOnnx } from './ort.test-helpers.js';
import { DataType, ModelProto } from './proto.js';

const runs = Number(process.env.RNN_FUZZ_RUNS ?? 200);
const seed = Number(process.env.RNN_FUZZ_SEED ?? 42);
const backend = jsBackend();
const [B, T, I, H] = [2, 4, 3, 2];

function x(seed = 1, shape = [B, T, I]): { data: Float32Array; shape: number[] } {
  return {
    data: Float32Array.from(
      values(
        seed,
        shape.reduce((a, b) => a * b, 1),
      ),
    ),
    shape,
  };
}

const model = (g: Graph, opset = 17): Uint8Array => g.toModel({ opset, irVersion: 8, name: 'test', docString: '', metadata: {} });

interface Plain {
  graph: {
    node: { op_type: string; name: string; input: string[]; output: string[]; attribute?: Record<string, unknown>[] }[];
    initializer: Record<string, unknown>[];
    input: Record<string, unknown>[];
    output: Record<string, unknown>[];
  };
  opset_import: { domain: string; version: number }[];
}

/** Decodes, lets `edit` change the plain object, encodes again. */
function edit(bytes: Uint8Array, change: (m: Plain) => void): Uint8Array {
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as Plain;
  change(m);
  return new Uint8Array(ModelProto.encode(ModelProto.fromObject(m)).finish());
}

async function expectMatchesOrt(bytes: Uint8Array, input = x()): Promise<number> {
  const { model: m } = importOnnx(backend, bytes);
  const ort = await runOnnx(bytes, { x: input });
  const got = m.predict(input);
  expect(got.shape).toEqual(ort.dims);
  const d = maxAbsDiff(ort.data, got.data);
  expect(d).toBeLessThan(1e-5);
  m.dispose();
  return d;
}

/** x [B, T, I] → (Transpose) → an LSTM → Y_h → Squeeze → (after) → y [B, H]; options change single pieces. */
function lstmGraph(
  o: {
    attributes?: Attribute[];
    bias?: boolean;
    extra?: (g: Graph) => string[];
    layout?: 0 | 1;
    opset?: number;
    after?: (g: Graph, h: string) => string;
  } = {},
): Uint8Array {
  const g = new Graph();
  const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
  const X = o.layout === 1 ? input : g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
  const inputs = [X, g.floats('W', [1, 4 * H, I], values(2, 4 * H * I)), g.floats('R', [1, 4 * H, H], values(3, 4 * H * H))];
  inputs.push(o.bias === false ? '' : g.floats('B', [1, 8 * H], values(4, 8 * H)));
  inputs.push(...(o.extra?.(g) ?? []));
  const attributes = [attr.int('hidden_size', H), ...(o.layout === 1 ? [attr.int('layout', 1)] : []), ...(o.attributes ?? [])];
  const [, yh] = g.node('LSTM', inputs, attributes, ['', 'Y_h']);
  const squeezed =
    (o.opset ?? 17) >= 13
      ? g.op('Squeeze', [yh!, g.int64s('axes', [1], [o.layout === 1 ? 1 : 0])])
      : g.op('Squeeze', [yh!], [attr.ints('axes', [0])]);
  g.output(o.after ? o.after(g, squeezed) : squeezed, 'y', DataType.FLOAT, ['batch', H]);
  return model(g, o.opset);
}

/** Unsqueeze(value, axes): axes as an input from opset 13, as an attribute before. */
function unsqueeze(g: Graph, value: string, axes: number[], opset = 17): string {
  return opset >= 13
    ? g.op('Unsqueeze', [value, g.int64s('unsqueeze_axes', [axes.length], axes)])
    : g.op('Unsqueeze', [value], [attr.ints('axes', axes)]);
}

/** An all-zero initial_h [1, B, H] written as Unsqueeze(zeros [B, H], 0), as exporters write initial states. */
const unsqueezedH0 =
  (opset: number, fill = (n: number) => new Array(n).fill(0)) =>
  (g: Graph) => ['', unsqueeze(g, g.floats('h0', [B, H], fill(B * H)), [0], opset)];

describe('ONNX import of graphs the exporter does not write', () => {
  it('LSTM without B, Squeeze of the direction axis, a zero initial_h; Gemm dense (transB) with bias', async () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const h0 = g.floats('h0', [1, B, H], new Array(B * H).fill(0));
    const [, yh] = g.node(
      'LSTM',
      [X, g.floats('W', [1, 4 * H, I], values(2, 4 * H * I)), g.floats('R', [1, 4 * H, H], values(3, 4 * H * H)), '', '', h0],
      [attr.int('hidden_size', H)],
      ['', 'Y_h'],
    );
    const h = g.op('Squeeze', [yh!, g.int64s('axes', [1], [0])]);
    const y = g.op('Gemm', [h, g.floats('fc_W', [3, H], values(5, 3 * H)), g.floats('fc_b', [3], values(6, 3))], [attr.int('transB', 1)]);
    g.output(g.op('Identity', [y]), 'y', DataType.FLOAT, ['batch', 3]);
    const bytes = model(g);
    const imported = importOnnx(backend, bytes);
    expect(imported.model.layerConfigs().map((c) => c.kind)).toEqual(['recurrent', 'dense']);
    expect(imported.ignored).toContain('node "LSTM_node" (LSTM).input initial_h: all zeros, the same as none');
    imported.model.dispose();
    await expectMatchesOrt(bytes);
  });

  for (const [op, gates, attributes] of [
    ['RNN', 1, []],
    ['GRU', 3, [attr.int('linear_before_reset', 0)]],
    ['GRU', 3, [attr.int('linear_before_reset', 1)]],
    ['LSTM', 4, []],
  ] as const)
    it(`${op}${attributes.map((a) => ` linear_before_reset ${a.i}`).join('')} with non-zero Wb and Rb, bidirectional concat of every step`, async () => {
      const g = new Graph();
      const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
      const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
      const GH = gates * H;
      const w = [g.floats('W', [2, GH, I], values(2, 2 * GH * I)), g.floats('R', [2, GH, H], values(3, 2 * GH * H))];
      const Y = g.op(
        op,
        [X, ...w, g.floats('B', [2, 2 * GH], values(4, 4 * GH))],
        [attr.int('hidden_size', H), attr.string('direction', 'bidirectional'), ...attributes],
      );
      const [f, b] = [0, 1].map((d) => g.op('Gather', [Y, g.scalar('int64', d)], [attr.int('axis', 1)]));
      const merged = g.op('Concat', [f!, b!], [attr.int('axis', -1)]);
      g.output(g.op('Transpose', [merged], [attr.ints('perm', [1, 0, 2])]), 'y', DataType.FLOAT, ['batch', 'time', 2 * H]);
      await expectMatchesOrt(model(g));
    });

  it('Squeeze with the axes attribute (opset 12)', async () => {
    await expectMatchesOrt(lstmGraph({ opset: 12 }));
  });

  it('PyTorch-style bidirectional output: Transpose [T, B, 2, H] + Reshape [0, 0, -1] is merge concat; GRU linear_before_reset', async () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const w = [g.floats('W', [2, 3 * H, I], values(2, 6 * H * I)), g.floats('R', [2, 3 * H, H], values(3, 6 * H * H))];
    const Y = g.op(
      'GRU',
      [X, ...w, g.floats('B', [2, 6 * H], values(4, 12 * H))],
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional'), attr.int('linear_before_reset', 1)],
    );
    const tbdh = g.op('Transpose', [Y], [attr.ints('perm', [0, 2, 1, 3])]);
    const joined = g.op('Reshape', [tbdh, g.int64s('shape', [3], [0, 0, -1])]);
    g.output(g.op('Transpose', [joined], [attr.ints('perm', [1, 0, 2])]), 'y', DataType.FLOAT, ['batch', 'time', 2 * H]);
    const bytes = model(g);
    const imported = importOnnx(backend, bytes);
    expect(imported.model.layerConfigs()[0]).toMatchObject({ kind: 'bidirectional', mergeMode: 'concat' });
    imported.model.dispose();
    await expectMatchesOrt(bytes);
  });

  it('float_data / int64_data instead of raw_data, and DOUBLE initializers', async () => {
    const bytes = lstmGraph();
    const typed = edit(bytes, (m) => {
      for (const t of m.graph.initializer) {
        const raw = t.raw_data as Uint8Array;
        const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        if (t.data_type === DataType.FLOAT) t.float_data = Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
        else t.int64_data = Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
        delete t.raw_data;
      }
    });
    await expectMatchesOrt(typed);
    expect(maxAbsDiff((await runOnnx(bytes, { x: x() })).data, (await runOnnx(typed, { x: x() })).data)).toBe(0);
    const doubles = edit(typed, (m) => {
      for (const t of m.graph.initializer)
        if (t.data_type === DataType.FLOAT) {
          t.data_type = DataType.DOUBLE;
          t.double_data = t.float_data;
          delete t.float_data;
        }
    });
    const [a, b] = [importOnnx(backend, typed).model, importOnnx(backend, doubles).model];
    expect(maxAbsDiff(a.predict(x()).data, b.predict(x()).data)).toBe(0);
    a.dispose();
    b.dispose();
  });

  it('layout = 1 (batch-major X and Y) computes what the layout-0 graph computes', async () => {
    const [m0, m1] = [importOnnx(backend, lstmGraph()).model, importOnnx(backend, lstmGraph({ layout: 1 })).model];
    const ort = await runOnnx(lstmGraph(), { x: x() });
    expect(maxAbsDiff(m1.predict(x()).data, ort.data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(m1.predict(x()).data, m0.predict(x()).data)).toBe(0);
    m0.dispose();
    m1.dispose();
  });

  /** PyTorch batch_first: Y [T, 1, B, H] → Squeeze → [T, B, H] → Transpose → [B, T, H], then the last step. */
  function lastStepGraph(select: 'gather' | 'slice', direction = 'forward'): Uint8Array {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const w = [g.floats('W', [1, 3 * H, I], values(2, 3 * H * I)), g.floats('R', [1, 3 * H, H], values(3, 3 * H * H))];
    const Y = g.op('GRU', [X, ...w], [attr.int('hidden_size', H), attr.string('direction', direction)]);
    const steps = g.op('Transpose', [g.op('Squeeze', [Y, g.int64s('axes', [1], [1])])], [attr.ints('perm', [1, 0, 2])]);
    const last =
      select === 'gather'
        ? g.op('Gather', [steps, g.scalar('int64', -1)], [attr.int('axis', 1)])
        : g.op('Squeeze', [
            g.op('Slice', [steps, g.int64s('starts', [1], [-1]), g.int64s('ends', [1], [2 ** 53 - 1]), g.int64s('axes', [1], [1])]),
            g.int64s('squeeze_axes', [1], [1]),
          ]);
    const y = g.op('Add', [g.op('MatMul', [last, g.floats('fc_W', [H, 2], values(5, 2 * H))]), g.floats('fc_b', [2], values(6, 2))]);
    g.output(y, 'y', DataType.FLOAT, ['batch', 2]);
    return model(g);
  }

  for (const select of ['gather', 'slice'] as const)
    it(`the last step of a forward layer's outputs (${select === 'gather' ? 'Gather -1' : 'Slice [-1:] + Squeeze'} on time) is its final state`, async () => {
      const bytes = lastStepGraph(select);
      const imported = importOnnx(backend, bytes);
      expect(imported.model.layerConfigs().map((c) => c.kind)).toEqual(['recurrent', 'dense']);
      expect(imported.model.outputShape([B, T, I])).toEqual([B, 2]);
      imported.model.dispose();
      await expectMatchesOrt(bytes);
    });

  it('refuses the last step of a reverse or bidirectional layer (not its final state)', () => {
    expect(thrown(lastStepGraph('gather', 'reverse'))).toEqual({
      type: 'UnsupportedError',
      message:
        'node "Gather_node" (Gather): expected the last step of a forward layer without sequence_lens (its final state), received the reverse node "GRU_node" (GRU)',
    });
  });

  it('Constant nodes, Dropout and unused nodes', async () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const [, yh] = g.node(
      'RNN',
      [X, g.floats('W', [1, H, I], values(2, H * I)), g.floats('R', [1, H, H], values(3, H * H))],
      [attr.int('hidden_size', H), attr.strings('activations', ['Relu'])],
      ['', 'Y_h'],
    );
    const zero = g.node('Constant', [], [attr.int('value_int', 0)], ['zero'])[0]!;
    const h = g.op('Gather', [yh!, zero], [attr.int('axis', 0)]);
    g.node('Relu', [h], [], ['unused']);
    const [dropped] = g.node('Dropout', [h], [], ['dropped']);
    g.output(dropped!, 'y', DataType.FLOAT, ['batch', H]);
    const bytes = model(g);
    const imported = importOnnx(backend, bytes);
    expect(imported.ignored).toEqual([
      'node "Relu_node" (Relu): its outputs do not reach the graph output',
      'node "Dropout_node" (Dropout): identity at inference',
    ]);
    expect(imported.model.layerConfigs()[0]).toMatchObject({ kind: 'recurrent' });
    imported.model.dispose();
    await expectMatchesOrt(bytes);
  });
});

describe('ONNX import of Unsqueeze', () => {
  it('on constants: a zero initial_h [B, H] made [1, B, H] (axes as an input at opset 13, as an attribute at 12)', async () => {
    for (const opset of [13, 12]) {
      const bytes = lstmGraph({ opset, extra: unsqueezedH0(opset) });
      const imported = importOnnx(backend, bytes);
      expect(imported.ignored).toContain('node "LSTM_node" (LSTM).input initial_h: all zeros, the same as none');
      imported.model.dispose();
      await expectMatchesOrt(bytes);
    }
  });

  it('re-inserting an axis the next node removes: Squeeze of a bidirectional Y_h, Reshape after a one-direction Y', async () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const [, yh] = g.node(
      'LSTM',
      [X, g.floats('W', [2, 4 * H, I], values(2, 8 * H * I)), g.floats('R', [2, 4 * H, H], values(3, 8 * H * H))],
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional')],
      ['', 'Y_h'],
    );
    const back = g.op('Squeeze', [unsqueeze(g, yh!, [0]), g.int64s('axes', [1], [0])]); // [2, B, H] → [1, 2, B, H] → [2, B, H]
    g.output(g.op('Transpose', [back], [attr.ints('perm', [1, 0, 2])]), 'y', DataType.FLOAT, ['batch', 2, H]);
    const bytes = model(g);
    const imported = importOnnx(backend, bytes);
    expect(imported.model.layerConfigs()[0]).toMatchObject({
      kind: 'bidirectional',
      mergeMode: 'none',
      forward: { returnSequences: false },
    });
    imported.model.dispose();
    await expectMatchesOrt(bytes);

    const seq = new Graph();
    const i2 = seq.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const Y = seq.op(
      'GRU',
      [
        seq.op('Transpose', [i2], [attr.ints('perm', [1, 0, 2])]),
        seq.floats('W', [1, 3 * H, I], values(2, 3 * H * I)),
        seq.floats('R', [1, 3 * H, H], values(3, 3 * H * H)),
      ],
      [attr.int('hidden_size', H), attr.int('linear_before_reset', 1)],
    );
    const steps = seq.op('Squeeze', [Y, seq.int64s('axes', [1], [1])]); // [T, B, H]
    const same = seq.op('Reshape', [unsqueeze(seq, steps, [-1]), seq.int64s('shape', [3], [0, 0, H])]); // [T, B, H, 1] → [T, B, H]
    const batchMajor = seq.op('Transpose', [same], [attr.ints('perm', [1, 0, 2])]);
    const out = seq.op('Add', [
      seq.op('MatMul', [batchMajor, seq.floats('fc_W', [H, 3], values(5, 3 * H))]),
      seq.floats('fc_b', [3], values(6, 3)),
    ]);
    seq.output(out, 'y', DataType.FLOAT, ['batch', 'time', 3]);
    const bytes2 = model(seq);
    const imported2 = importOnnx(backend, bytes2);
    expect(imported2.model.layerConfigs().map((c) => c.kind)).toEqual(['recurrent', 'dense']);
    imported2.model.dispose();
    await expectMatchesOrt(bytes2);
  });

  it('refuses any other Unsqueeze, naming it', () => {
    const U = 'node "Unsqueeze_node" (Unsqueeze)';
    const thrownAfter = (then: (g: Graph, h: string) => string) => thrown(lstmGraph({ after: then }));
    expect(thrownAfter((g, h) => g.op('MatMul', [unsqueeze(g, h, [1]), g.floats('fc', [H, 3], values(5, 3 * H))]))).toEqual({
      type: 'UnsupportedError',
      message: `node "MatMul_node" (MatMul): expected a Squeeze or Reshape removing the axes inserted by ${U}, received "MatMul"`,
    });
    expect(thrownAfter((g, h) => g.op('Squeeze', [unsqueeze(g, h, [1]), g.int64s('axes1', [1], [2])]))).toEqual({
      type: 'UnsupportedError',
      message: `node "Squeeze_node_1" (Squeeze) axes: expected the axes [1] inserted by ${U}, received [2]`,
    });
    expect(thrownAfter((g, h) => g.op('Reshape', [unsqueeze(g, h, [1]), g.int64s('shape', [2], [0, 2 * H])]))).toEqual({
      type: 'UnsupportedError',
      message: `node "Reshape_node" (Reshape).input shape: expected a shape that drops the axes inserted by ${U}, received [0, 4] on [batch, inserted 1, 2]`,
    });
    expect(thrownAfter((g, h) => unsqueeze(g, h, [1]))).toEqual({
      type: 'UnsupportedError',
      message: `graph.output "y": expected no axes left inserted by ${U}, received [batch, inserted 1, 2]`,
    });
    expect(thrownAfter((g, h) => unsqueeze(g, h, [1, -3]))).toEqual({
      type: 'CorruptModelError',
      message: `${U} axes: expected distinct axes, received [1, -3]`,
    });
    expect(thrown(lstmGraph({ extra: unsqueezedH0(17, (n) => values(9, n)) }))).toEqual({
      type: 'UnsupportedError',
      message:
        'node "LSTM_node" (LSTM).input initial_h: expected a zero initial state (rnn starts every sequence from zeros), received non-zero values',
    });

    const g = new Graph();
    const ids = g.input('x', DataType.INT64, ['batch', 'time']);
    const table = g.floats('table', [5, I], values(1, 5 * I));
    g.output(g.op('Gather', [table, unsqueeze(g, ids, [2])]), 'y', DataType.FLOAT, ['batch', 'time', 1, I]);
    expect(thrown(model(g))).toEqual({
      type: 'UnsupportedError',
      message: `${U}: expected an embedding Gather reading the token ids, received "Unsqueeze"`,
    });
  });
});

describe('ONNX import refusals', () => {
  const L = 'node "LSTM_node" (LSTM)';
  it.each([
    [
      'clip',
      lstmGraph({ attributes: [attr.float('clip', 3)] }),
      `${L}.attribute "clip": expected no cell clipping (rnn cells do not clip), received 3`,
    ],
    [
      'input_forget',
      lstmGraph({ attributes: [attr.int('input_forget', 1)] }),
      `${L}.attribute "input_forget": expected 0 (rnn LSTMs have separate input and forget gates), received 1`,
    ],
    [
      'peepholes',
      lstmGraph({ extra: (g) => ['', '', '', g.floats('P', [1, 3 * H], values(9, 3 * H))] }),
      `${L}.input P: expected no peepholes (rnn LSTMs have none), received non-zero values`,
    ],
    [
      'non-zero initial_h',
      lstmGraph({ extra: (g) => ['', g.floats('h0', [1, B, H], values(9, B * H))] }),
      `${L}.input initial_h: expected a zero initial state (rnn starts every sequence from zeros), received non-zero values`,
    ],
    [
      'an activation rnn has not',
      lstmGraph({ attributes: [attr.strings('activations', ['Sigmoid', 'Elu', 'Elu'])] }),
      `${L}.attribute "activations": expected Tanh, Sigmoid, Relu, HardSigmoid (alpha 0.2 or 1/6, beta 0.5) or Affine (1, 0), received "Elu"`,
    ],
    [
      'different LSTM g and h',
      lstmGraph({ attributes: [attr.strings('activations', ['Sigmoid', 'Tanh', 'Relu'])] }),
      `${L}.attribute "activations": expected the same cell (g) and output (h) functions of an LSTM, received Tanh and Relu`,
    ],
    [
      'a HardSigmoid rnn has not',
      lstmGraph({ attributes: [attr.strings('activations', ['HardSigmoid', 'Tanh', 'Tanh']), attr.floats('activation_alpha', [0.3])] }),
      `${L}.attribute "activations": expected HardSigmoid with alpha 0.2 or 1/6 and beta 0.5, received alpha ${Math.fround(0.3)}, beta 0.5`,
    ],
  ])('%s: UnsupportedError', (_, bytes, message) => {
    expect(thrown(bytes)).toEqual({ type: 'UnsupportedError', message });
  });

  it('a second graph output, the cell state Y_c, a final Softmax without options.softmax, an unknown operator', () => {
    const two = edit(lstmGraph(), (m) => {
      m.graph.output.push({ ...m.graph.output[0], name: 'Y_h' });
    });
    expect(thrown(two)).toEqual({
      type: 'UnsupportedError',
      message: 'graph.output: expected one output (rnn models are a chain of layers), received 2 outputs',
    });

    const cellState = edit(lstmGraph(), (m) => {
      const lstmNode = m.graph.node.find((n) => n.op_type === 'LSTM')!;
      lstmNode.output = ['', 'Y_h', 'Y_c'];
      m.graph.node.find((n) => n.op_type === 'Squeeze')!.input[0] = 'Y_c';
    });
    expect(thrown(cellState).message).toBe(
      'node "Squeeze_node" (Squeeze).input[0]: expected a value rnn computes, received the cell state Y_c of node "LSTM_node" (LSTM) (rnn layers output the hidden state)',
    );

    const withSoftmax = edit(lstmGraph(), (m) => {
      m.graph.node.push({ op_type: 'Softmax', name: 'sm', input: ['y'], output: ['probs'] });
      m.graph.output[0]!.name = 'probs';
    });
    expect(thrown(withSoftmax)).toEqual({
      type: 'UnsupportedError',
      message:
        'node "sm" (Softmax): expected no final Softmax (pass options.softmax "logits" to drop it; predict then returns logits), received "Softmax"',
    });
    expect(thrown(withSoftmax, { softmax: 'logits' }).type).toBe('none');
    expect(() => importOnnx(backend, withSoftmax, { softmax: 'drop' as never })).toThrow(InvalidArgumentError);

    const unknown = edit(lstmGraph(), (m) => {
      m.graph.node.find((n) => n.op_type === 'Squeeze')!.op_type = 'LayerNormalization';
    });
    expect(thrown(unknown).message).toMatch(
      /^node "Squeeze_node" \(LayerNormalization\): expected an operator of a recurrent chain .*, received "LayerNormalization"$/,
    );
  });

  it('only one direction of a bidirectional output, a time-major output', () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const [, yh] = g.node(
      'RNN',
      [X, g.floats('W', [2, H, I], values(2, 2 * H * I)), g.floats('R', [2, H, H], values(3, 2 * H * H))],
      [attr.int('hidden_size', H), attr.string('direction', 'bidirectional')],
      ['', 'Y_h'],
    );
    g.output(g.op('Gather', [yh!, g.scalar('int64', 1)], [attr.int('axis', 0)]), 'y', DataType.FLOAT, ['batch', H]);
    expect(thrown(model(g))).toEqual({
      type: 'UnsupportedError',
      message:
        'graph.output "y": expected the output of node "RNN_node" (RNN) with its directions selected (Gather / Squeeze) or merged (Concat, Add, Mul), received only direction 1',
    });

    const timeMajor = new Graph();
    const i2 = timeMajor.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const [Y] = timeMajor.node(
      'RNN',
      [
        timeMajor.op('Transpose', [i2], [attr.ints('perm', [1, 0, 2])]),
        timeMajor.floats('W', [1, H, I], values(2, H * I)),
        timeMajor.floats('R', [1, H, H], values(3, H * H)),
      ],
      [attr.int('hidden_size', H)],
      ['Y'],
    );
    timeMajor.output(timeMajor.op('Squeeze', [Y!, timeMajor.int64s('axes', [1], [1])]), 'y', DataType.FLOAT, ['time', 'batch', H]);
    expect(thrown(model(timeMajor))).toEqual({
      type: 'UnsupportedError',
      message: 'graph.output "y": expected a batch-major output [batch, (time,) features...] as predict returns, received [time, batch, 2]',
    });
  });

  it('sequence_lens on one recurrent node of two', () => {
    const g = new Graph();
    const input = g.input('x', DataType.FLOAT, ['batch', 'time', I]);
    const lengths = g.input('sequence_lens', DataType.INT32, ['batch']);
    const X = g.op('Transpose', [input], [attr.ints('perm', [1, 0, 2])]);
    const weights = (k: number) => [
      g.floats(`W${k}`, [1, H, k ? H : I], values(k, H * (k ? H : I))),
      g.floats(`R${k}`, [1, H, H], values(3, H * H)),
    ];
    const Y = g.op('Squeeze', [g.op('RNN', [X, ...weights(0), '', lengths], [attr.int('hidden_size', H)]), g.int64s('axes', [1], [1])]);
    const [, yh] = g.node('RNN', [Y, ...weights(1)], [attr.int('hidden_size', H)], ['', 'Y_h']);
    g.output(g.op('Squeeze', [yh!, g.int64s('axes0', [1], [0])]), 'y', DataType.FLOAT, ['batch', H]);
    expect(thrown(model(g))).toEqual({
      type: 'UnsupportedError',
      message:
        'node "RNN_node_1" (RNN).input sequence_lens: expected the same sequence_lens on every recurrent node (predict applies `lengths` to all recurrent layers), received none',
    });
  });

  it('damaged files: CorruptModelError naming what', () => {
    expect(thrown(Uint8Array.of(0xff, 0xff, 0xff))).toMatchObject({ type: 'CorruptModelError' });
    expect(thrown(Uint8Array.of(0xff, 0xff, 0xff)).message).toMatch(/^bytes: expected an ONNX ModelProto \(protobuf\), received /);
    expect(() => importOnnx(backend, 'x.onnx' as never)).toThrow('bytes: expected the .onnx file as a Uint8Array, received "x.onnx"');
    expect(thrown(new Uint8Array())).toEqual({ type: 'CorruptModelError', message: 'graph: expected a GraphProto, received none' });

    const missing = edit(lstmGraph(), (m) => {
      m.graph.initializer = m.graph.initializer.filter((t) => t.name !== 'R');
    });
    expect(thrown(missing)).toEqual({
      type: 'CorruptModelError',
      message: 'node "LSTM_node" (LSTM).input[2]: expected a value of an earlier node, an initializer or a graph input, received "R"',
    });

    const cycle = edit(lstmGraph(), (m) => {
      m.graph.node.find((n) => n.op_type === 'Transpose')!.input[0] = 'y';
    });
    expect(thrown(cycle)).toEqual({
      type: 'CorruptModelError',
      message:
        'node "Transpose_node" (Transpose).input[0]: expected a value of an earlier node, an initializer or a graph input, received "y"',
    });

    const short = edit(lstmGraph(), (m) => {
      const w = m.graph.initializer.find((t) => t.name === 'W')!;
      w.raw_data = (w.raw_data as Uint8Array).subarray(4);
    });
    expect(thrown(short)).toEqual({
      type: 'CorruptModelError',
      message: `graph.initializer[0] "W".raw_data: expected ${4 * 4 * H * I} bytes (${4 * H * I} elements of 4), received ${4 * 4 * H * I - 4} bytes`,
    });

    const huge = edit(lstmGraph(), (m) => {
      m.graph.initializer.find((t) => t.name === 'W')!.dims = [1e6, 1e6, 1e6];
    });
    expect(thrown(huge)).toEqual({
      type: 'CorruptModelError',
      message: 'graph.initializer[0] "W".dims: expected at most 134217728 elements, received [1000000, 1000000, 1000000]',
    });

    const wrongShape = edit(lstmGraph(), (m) => {
      m.graph.initializer.find((t) => t.name === 'W')!.dims = [1, 4 * H * I];
    });
    expect(thrown(wrongShape)).toEqual({
      type: 'CorruptModelError',
      message: `node "LSTM_node" (LSTM).input W: expected float [1, ${4 * H}, ${I}], received float32 [1, ${4 * H * I}]`,
    });

    const wrongType = edit(lstmGraph(), (m) => {
      m.graph.initializer.find((t) => t.name === 'W')!.data_type = 8;
    });
    expect(thrown(wrongType)).toEqual({
      type: 'CorruptModelError',
      message: 'graph.initializer[0] "W".data_type: expected FLOAT (1), INT32 (6), INT64 (7) or DOUBLE (11), received 8',
    });

    const wrongAttribute = edit(lstmGraph({ attributes: [attr.string('direction', 'sideways')] }), () => {});
    expect(thrown(wrongAttribute)).toEqual({
      type: 'CorruptModelError',
      message: `${'node "LSTM_node" (LSTM)'}.attribute "direction": expected "forward", "reverse" or "bidirectional", received sideways`,
    });

    const attributeType = edit(lstmGraph(), (m) => {
      const a = m.graph.node.find((n) => n.op_type === 'LSTM')!.attribute!.find((a) => a.name === 'hidden_size')!;
      a.type = 3;
    });
    expect(thrown(attributeType)).toEqual({
      type: 'CorruptModelError',
      message: 'node "LSTM_node" (LSTM).attribute "hidden_size": expected type INT, received type 3',
    });
  });
});

describe('fuzz: damaged .onnx files throw typed errors', () => {
  const exported = new Sequential(backend, {
    layers: [
      embedding({ vocabSize: 5, embeddingSize: I }),
      bidirectional({ cell: gru({ inputSize: I, hiddenSize: H }), mergeMode: 'average', returnSequences: true }),
      dense({ inputSize: H, outputSize: 2, activation: 'hardSigmoid' }),
    ],
    loss: meanSquaredError(),
    optimizer: sgd(),
  });
  const files = [
    lstmGraph({ extra: (g) => ['', g.floats('h0', [1, B, H], new Array(B * H).fill(0))] }),
    lstmGraph({ layout: 1, bias: false }),
    lstmGraph({
      opset: 12,
      extra: unsqueezedH0(12),
      after: (g, h) => g.op('Squeeze', [unsqueeze(g, h, [1], 12)], [attr.ints('axes', [1])]),
    }),
    exportOnnx(exported, { softmax: true, sequenceLengths: true }),
    // PyTorch dynamic_axes: zero states made by ConstantOfShape of [1, Shape(x)[0], H]
    lstmGraph({
      extra: (g) => {
        const batch = g.op('Unsqueeze', [g.op('Gather', [g.op('Shape', ['x']), g.scalar('int64', 0)]), g.int64s('batch_axes', [1], [0])]);
        const dims = g.op('Concat', [g.int64s('directions', [1], [1]), batch, g.int64s('hidden', [1], [H])], [attr.int('axis', 0)]);
        const zeros = g.op('ConstantOfShape', [dims]);
        return ['', zeros, zeros];
      },
    }),
  ];
  exported.dispose();
  const outcome = (bytes: Uint8Array): void => {
    try {
      importOnnx(backend, bytes, { softmax: 'logits' }).model.dispose();
    } catch (e) {
      if (!(e instanceof RnnError)) throw e;
    }
  };

  it('fuzz: bytes truncated, extended or bit-flipped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.constant(0), fc.integer({ min: -64, max: 16 })),
        (k, flips, resize) => {
          const source = files[k]!;
          const bytes = new Uint8Array(Math.max(0, source.length + resize));
          bytes.set(source.subarray(0, bytes.length));
          for (const [at, bit] of flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << bit;
          outcome(bytes);
        },
      ),
      { numRuns: runs, seed },
    );
  });

  it('fuzz: dims, data types, node inputs and attribute values replaced', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.nat(),
        fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constant(2 ** 40)),
        fc.constantFrom('dims', 'data_type', 'input', 'i', 'perm'),
        (k, at, value, field) => {
          const bytes = edit(files[k]!, (m) => {
            const t = m.graph.initializer[at % m.graph.initializer.length]!;
            const node = m.graph.node[at % m.graph.node.length]!;
            if (field === 'dims') t.dims = [value, ...((t.dims as number[]) ?? []).slice(1)];
            else if (field === 'data_type') t.data_type = value;
            else if (field === 'input') node.input[at % Math.max(1, node.input.length)] = `v${value}`;
            else for (const a of node.attribute ?? []) if (field === 'i' && 'i' in a) a.i = value;
            if (field === 'perm') for (const a of node.attribute ?? []) if ('ints' in a) a.ints = [value, 0, 1];
          });
          outcome(bytes);
        },
      ),
      { numRuns: runs, seed: seed + 1 },
    );
  });

  it('CorruptModelError is what damage gives', () => {
    expect(thrown(Uint8Array.of(0x0a)).type).toBe(CorruptModelError.name);
  });
});
