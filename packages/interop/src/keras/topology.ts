// The Keras topology in model.json: a Sequential model, or a Functional one whose layers form a single chain
// (one input, one output, no branches), read into the ordered list of layers and the declared input shape.
// Both the TF.js / Keras 2 spelling (`batch_input_shape`, nested-list inbound nodes) and the Keras 3 one
// (`batch_shape`, `keras_history` inbound nodes) are understood.
import { CorruptModelError, describe, raw, UnsupportedError } from '@rnn/core';
import { array, isObject, type Json, object, shape, string } from './format.js';

export interface KerasLayer {
  className: string;
  name: string;
  config: Json;
  /** Where the layer sits in model.json, for messages. */
  at: string;
  /** Functional models: the layers' calls (inbound_nodes). */
  inbound: unknown;
}

/** Which definition of `hard_sigmoid` the file was written with (see the package README). */
export type KerasVersion = 2 | 3;

export interface Topology {
  layers: KerasLayer[];
  /** [batch, time, features] or [batch, time] (token ids); null dimensions are free. */
  inputShape: (number | null)[];
  /** null when neither keras_version nor backend tells. */
  kerasVersion: KerasVersion | null;
  /** Present in files converted from Keras; never used (the loss and optimizer are the caller's). */
  hasTrainingConfig: boolean;
  /** The model's own name ("sequential"), when the file gives one. */
  name: string | null;
}

const MAX_LAYERS = 10_000;

/** Reads `modelTopology`. */
export function readTopology(value: unknown): Topology {
  const outer = object(value, 'modelTopology');
  // The tensorflowjs converter nests the model under model_config, beside keras_version and backend.
  const top = outer.model_config === undefined ? outer : object(outer.model_config, 'modelTopology.model_config');
  const at = outer === top ? 'modelTopology' : 'modelTopology.model_config';
  const className = string(top.class_name, `${at}.class_name`);
  let layers: KerasLayer[];
  let declared: unknown;
  if (className === 'Sequential') {
    // Keras 2.0 wrote a Sequential config as the bare list of layers.
    const config = Array.isArray(top.config) ? { layers: top.config } : object(top.config, `${at}.config`);
    layers = layerList(config.layers, `${at}.config.layers`);
    declared = config.build_input_shape;
  } else if (className === 'Model' || className === 'Functional') {
    layers = chain(object(top.config, `${at}.config`), `${at}.config`);
  } else {
    throw new UnsupportedError(`${at}.class_name`, '"Sequential", or "Model" / "Functional" (a linear chain of layers)', className);
  }
  const input = layers[0]?.className === 'InputLayer' ? layers.shift()! : null;
  if (layers.length === 0) throw new CorruptModelError(`${at}.config.layers`, 'at least one layer besides the input', 'none');
  return {
    layers,
    inputShape: inputShape(input, layers[0]!, declared, at),
    kerasVersion: kerasVersion(outer.keras_version ?? top.keras_version, outer.backend ?? top.backend),
    hasTrainingConfig: outer.training_config != null || top.training_config != null,
    name: typeof (top.config as { name?: unknown } | undefined)?.name === 'string' ? (top.config as { name: string }).name : null,
  };
}

function layerList(value: unknown, at: string): KerasLayer[] {
  const list = array(value, at);
  if (list.length > MAX_LAYERS) throw new CorruptModelError(at, `at most ${MAX_LAYERS} layers`, `${list.length} layers`);
  return list.map((l, i) => {
    const o = object(l, `${at}[${i}]`);
    const config = object(o.config, `${at}[${i}].config`);
    const name = config.name ?? o.name ?? `layer ${i}`;
    return {
      className: string(o.class_name, `${at}[${i}].class_name`),
      name: string(name, `${at}[${i}].config.name`),
      config,
      at: `${at}[${i}]`,
      inbound: o.inbound_nodes,
    };
  });
}

/** The layer names a Functional layer reads, from either inbound-node spelling. */
function inboundNames(value: unknown, at: string): string[][] {
  return array(value ?? [], at).map((node, n) => {
    if (Array.isArray(node)) return node.map((t, k) => string(array(t, `${at}[${n}][${k}]`)[0], `${at}[${n}][${k}][0]`));
    const args = array(object(node, `${at}[${n}]`).args, `${at}[${n}].args`);
    return args.flatMap((a, k) => {
      const history = isObject(a) && isObject(a.config) ? a.config.keras_history : undefined;
      if (!Array.isArray(history)) return []; // a constant argument, not a tensor
      return [string(history[0], `${at}[${n}].args[${k}].config.keras_history[0]`)];
    });
  });
}

/** `[["name", 0, 0]]` (Keras 2, TF.js) or `["name", 0, 0]` (Keras 3 with one tensor). */
function endpointNames(value: unknown, at: string): string[] {
  const a = array(value, at);
  if (typeof a[0] === 'string') return [a[0]];
  return a.map((e, i) => string(array(e, `${at}[${i}]`)[0], `${at}[${i}][0]`));
}

/** Orders a Functional model's layers from its input to its output, requiring a single chain. */
function chain(config: Json, at: string): KerasLayer[] {
  const layers = layerList(config.layers, `${at}.layers`);
  const inputs = endpointNames(config.input_layers, `${at}.input_layers`);
  const outputs = endpointNames(config.output_layers, `${at}.output_layers`);
  const notChain = (received: string) =>
    new UnsupportedError(`${at}`, 'a linear chain of layers (one input, one output, no branches)', raw(received));
  if (inputs.length !== 1 || outputs.length !== 1) throw notChain(`${inputs.length} inputs and ${outputs.length} outputs`);
  const byName = new Map<string, KerasLayer>();
  const readerOf = new Map<string, KerasLayer>();
  for (const l of layers) {
    if (byName.has(l.name)) throw new CorruptModelError(`${l.at}.name`, 'unique layer names', `a second layer "${l.name}"`);
    byName.set(l.name, l);
    const nodes = inboundNames(l.inbound, `${l.at}.inbound_nodes`);
    if (nodes.length === 0) continue;
    if (nodes.length !== 1 || nodes[0]!.length !== 1)
      throw notChain(`layer "${l.name}" called ${nodes.length} times or on several tensors`);
    const source = nodes[0]![0]!;
    if (readerOf.has(source)) throw notChain(`layer "${source}" read by "${readerOf.get(source)!.name}" and "${l.name}"`);
    readerOf.set(source, l);
  }
  const first = byName.get(inputs[0]!);
  if (!first) throw new CorruptModelError(`${at}.input_layers`, 'the name of a layer', describe(inputs[0]));
  const ordered = [first];
  for (let l = readerOf.get(first.name); l; l = readerOf.get(l.name)) ordered.push(l);
  if (ordered[ordered.length - 1]!.name !== outputs[0] || ordered.length !== layers.length)
    throw notChain(`layers not on the path from "${first.name}" to "${outputs[0]}"`);
  return ordered;
}

function inputShape(input: KerasLayer | null, first: KerasLayer, declared: unknown, at: string): (number | null)[] {
  const candidates: [unknown, string][] = [];
  if (input) candidates.push([input.config.batch_input_shape ?? input.config.batch_shape, `${input.at}.config.batch_shape`]);
  candidates.push([first.config.batch_input_shape ?? first.config.batch_shape, `${first.at}.config.batch_input_shape`]);
  candidates.push([declared, `${at}.config.build_input_shape`]);
  const buildConfig = first.config.build_config;
  if (isObject(buildConfig)) candidates.push([buildConfig.input_shape, `${first.at}.config.build_config.input_shape`]);
  for (const [v, where] of candidates) if (v !== undefined && v !== null) return shape(v, where);
  throw new CorruptModelError(`${at}`, 'an input shape (an InputLayer, batch_input_shape or build_input_shape)', 'none');
}

function kerasVersion(version: unknown, backend: unknown): KerasVersion | null {
  if (backend === 'tensor_flow.js') return 2;
  if (typeof version !== 'string') return null;
  if (version.startsWith('tfjs')) return 2;
  const major = /^(\d+)\./.exec(version)?.[1];
  if (major === '1' || major === '2') return 2;
  if (major === '3') return 3;
  return null;
}
