// ONNX import: an .onnx ModelProto whose graph is a chain rnn can represent, as a core Sequential.
//
// The graph is read symbolically, node by node in file order: every value is either a constant (initializer or
// Constant node), the token ids / features input, the sequence_lens input, or the output of the layer chain so
// far together with the meaning of each of its axes (batch, time, recurrent directions, features). Recurrent
// operators leave their output "pending" until the nodes after them show how the directions are used (Gather /
// Squeeze of one direction, Concat / Add / Mul / Mul-by-0.5 of both, or a Transpose that keeps them on their
// own axis), which decides the layer's merge mode and whether it returns sequences. Anything else is refused
// with an UnsupportedError naming the node, so an imported model always computes what the file computes.
//
// This module is the walk over the graph; the pieces it uses: import-values (the value / axis model),
// import-structure (inputs, node order), import-nodes (one node by operator), import-recurrent (RNN / LSTM / GRU),
// import-directions (selecting and merging directions), import-last-step, import-unsqueeze, import-shapes (zero
// initial states built from the input's shape), import-dense (embedding and dense head), import-activations,
// import-build (the Sequential).
import {
  type Backend,
  CorruptModelError,
  InvalidArgumentError,
  type Loss,
  type Optimizer,
  raw,
  type Sequential,
  UnsupportedError,
} from '@rnn/core';
import { build } from './import-build.js';
import { evaluate } from './import-nodes.js';
import { checkOrder, nodeName, readInputs } from './import-structure.js';
import { type Context, chainOf, fmtAxes, settle, type Value } from './import-values.js';
import { decodeModel, readTensor } from './read.js';

export interface OnnxImportOptions {
  /** For further training. Default softmaxCrossEntropy(). */
  loss?: Loss;
  /** For further training. Default adam(). */
  optimizer?: Optimizer;
  /** Seeds the rnn model (dropout, shuffling). Default 0. */
  seed?: number;
  /**
   * A final Softmax: 'reject' (default) throws an UnsupportedError; 'logits' drops it, so `predict` returns
   * logits (apply softmax yourself) and `softmaxCrossEntropy()` trains the model the file describes.
   */
  softmax?: 'reject' | 'logits';
}

export interface OnnxModelInput {
  /** The graph input's name. */
  name: string;
  /** 'x': `predict`'s input (features [batch, time, F] or token ids [batch, time]); 'lengths': predict's `lengths`. */
  role: 'x' | 'lengths';
  elemType: 'float32' | 'float64' | 'int32' | 'int64';
  /** As declared: a size, a dynamic dimension's name, or null for an unnamed one. */
  shape: (number | string | null)[];
}

export interface ImportedOnnxModel {
  model: Sequential;
  /** The graph inputs in file order. */
  inputs: OnnxModelInput[];
  /** The graph output's name. */
  output: string;
  /** A final Softmax was dropped (options.softmax 'logits'): `predict` returns its logits. */
  softmaxDropped: boolean;
  /** What of the file the rnn model does not keep (unused nodes and inputs, metadata, dropped no-ops), one line each. */
  ignored: string[];
}

/** Builds an rnn Sequential on `backend` from an .onnx file's bytes; see the package README for the mapping. */
export function importOnnx(backend: Backend, bytes: Uint8Array, options: OnnxImportOptions = {}): ImportedOnnxModel {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'an options object', options);
  const softmax = options.softmax ?? 'reject';
  if (softmax !== 'reject' && softmax !== 'logits') throw new InvalidArgumentError('options.softmax', '"reject" or "logits"', softmax);
  const m = decodeModel(bytes);
  const graph = m.graph;
  if (graph === undefined) throw new CorruptModelError('graph', 'a GraphProto', 'none');
  const opset = (m.opset_import ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined || !Number.isSafeInteger(opset) || opset < 1)
    throw new CorruptModelError('opset_import', 'a version of the default ONNX domain', opset === undefined ? 'none' : `${opset}`);

  const ctx: Context = { opset, ignored: [], lengthsUsed: new Set(), recurrentNodes: [] };
  const values = new Map<string, Value>();
  for (const [k, t] of (graph.initializer ?? []).entries()) {
    const name = t.name ?? '';
    const what = `graph.initializer[${k}] "${name}"`;
    if (name === '') throw new CorruptModelError(`graph.initializer[${k}].name`, 'a name', 'an empty one');
    if (values.has(name)) throw new CorruptModelError(what, 'a unique name', 'a second initializer of that name');
    values.set(name, { kind: 'const', tensor: readTensor(t, what), name });
  }
  const inputs = readInputs(graph.input ?? [], values);

  const nodes = graph.node ?? [];
  const outputs = graph.output ?? [];
  if (outputs.length !== 1)
    throw new UnsupportedError('graph.output', 'one output (rnn models are a chain of layers)', raw(`${outputs.length} outputs`));
  const outName = outputs[0]!.name ?? '';
  checkOrder(nodes, new Set(values.keys()), outName);

  // Only the nodes the output depends on are mapped; the rest are reported.
  const needed = new Set<number>();
  const wanted = new Set([outName]);
  for (let k = nodes.length - 1; k >= 0; k--)
    if ((nodes[k]!.output ?? []).some((o) => wanted.has(o))) {
      needed.add(k);
      for (const i of nodes[k]!.input ?? []) wanted.add(i);
    }
  nodes.forEach((node, k) => {
    if (!needed.has(k)) ctx.ignored.push(`${nodeName(node, k)}: its outputs do not reach the graph output`);
    else {
      const results = evaluate(node, nodeName(node, k), values, ctx);
      (node.output ?? []).forEach((o, j) => {
        const r = results[j];
        if (o !== '' && r !== undefined) values.set(o, r);
        else if (o !== '') values.set(o, { kind: 'refused', why: `output ${j} of ${nodeName(node, k)} (not produced by the mapping)` });
      });
    }
  });

  for (const input of inputs)
    if (input.role === 'lengths' && !ctx.lengthsUsed.has(input.name))
      ctx.ignored.push(`graph.input "${input.name}": not read by any recurrent node`);
  const usesLengths = ctx.recurrentNodes.filter((r) => r.lengths !== null);
  if (usesLengths.length > 0 && usesLengths.length < ctx.recurrentNodes.length) {
    const without = ctx.recurrentNodes.find((r) => r.lengths === null)!;
    throw new UnsupportedError(
      `${without.where}.input sequence_lens`,
      'the same sequence_lens on every recurrent node (predict applies `lengths` to all recurrent layers)',
      raw('none'),
    );
  }

  const outValue = values.get(outName)!;
  let chain = chainOf(outValue, `graph.output "${outName}"`);
  if (chain.unsqueezed !== null)
    throw new UnsupportedError(`graph.output "${outName}"`, `no axes left inserted by ${chain.unsqueezed}`, raw(fmtAxes(chain.axes)));
  chain = settle(chain, `graph.output "${outName}"`);
  if (chain.ids || chain.layers.length === 0)
    throw new UnsupportedError(`graph.output "${outName}"`, 'the output of at least one layer', raw('the graph input'));
  const batchMajor = chain.axes[0] === 'B' && chain.axes.slice(1).every((a, i) => typeof a === 'number' || (a === 'T' && i === 0));
  if (!batchMajor)
    throw new UnsupportedError(
      `graph.output "${outName}"`,
      'a batch-major output [batch, (time,) features...] as predict returns',
      raw(fmtAxes(chain.axes)),
    );
  let softmaxDropped = false;
  if (chain.softmax !== null) {
    if (softmax === 'reject')
      throw new UnsupportedError(
        chain.softmax,
        'no final Softmax (pass options.softmax "logits" to drop it; predict then returns logits)',
        'Softmax',
      );
    softmaxDropped = true;
    ctx.ignored.push(`${chain.softmax}: dropped (options.softmax "logits"); predict returns logits`);
  }
  if ((m.metadata_props ?? []).length > 0)
    ctx.ignored.push(
      `metadata_props (${(m.metadata_props ?? []).map((p) => p.key).join(', ')}): not used, the model is built from the graph`,
    );

  const model = build(backend, chain.layers, options);
  return {
    model,
    inputs: inputs.filter((i) => i.role === 'x' || ctx.lengthsUsed.has(i.name)),
    output: outName,
    softmaxDropped,
    ignored: ctx.ignored,
  };
}
