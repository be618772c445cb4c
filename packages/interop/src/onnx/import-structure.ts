// The graph's structure before any node is mapped: its inputs (one features or token-ids input, an optional
// sequence_lens) and the node order ONNX requires, which also rules out cycles, unknown inputs and values
// defined twice.
import { CorruptModelError, raw, UnsupportedError } from '@rnn/core';
import type { OnnxModelInput } from './import.js';
import { chainValue, inputChain, type Value } from './import-values.js';
import { type DecodedNode, type DecodedValueInfo, TYPE_NAME } from './read.js';

/** A node as errors name it: by its name if it has one, else by its index. */
export const nodeName = (node: DecodedNode, k: number): string =>
  node.name ? `node "${node.name}" (${node.op_type ?? '?'})` : `graph.node[${k}] (${node.op_type ?? '?'})`;

/** Graph inputs (minus initializers listed as inputs, as IR < 4 files do): one x, optionally sequence_lens. */
export function readInputs(infos: readonly DecodedValueInfo[], values: Map<string, Value>): OnnxModelInput[] {
  const inputs: OnnxModelInput[] = [];
  for (const [k, info] of infos.entries()) {
    const name = info.name ?? '';
    if (values.get(name)?.kind === 'const') continue;
    const what = `graph.input "${name}"`;
    if (name === '' || values.has(name)) throw new CorruptModelError(`graph.input[${k}].name`, 'a unique, non-empty name', `"${name}"`);
    const tensor = info.type?.tensor_type;
    if (tensor === undefined) throw new UnsupportedError(what, 'a tensor input', raw('another type'));
    const elemType = TYPE_NAME[tensor.elem_type ?? 0];
    const shape = (tensor.shape?.dim ?? []).map((d) => d.dim_value ?? d.dim_param ?? null);
    const isFloat = elemType === 'float32' || elemType === 'float64';
    const isInt = elemType === 'int32' || elemType === 'int64';
    const features = shape[2];
    let role: OnnxModelInput['role'];
    if (isFloat && shape.length === 3) {
      if (typeof features !== 'number' || !Number.isSafeInteger(features) || features <= 0)
        throw new UnsupportedError(`${what} dims[2]`, 'a fixed, positive feature count', features);
      role = 'x';
      values.set(name, chainValue(inputChain(['B', 'T', features], false)));
    } else if (isInt && shape.length === 2) {
      role = 'x';
      values.set(name, chainValue(inputChain(['B', 'T'], true)));
    } else if (elemType === 'int32' && shape.length === 1) {
      role = 'lengths';
      values.set(name, { kind: 'lengths', name });
    } else
      throw new UnsupportedError(
        what,
        'features [batch, time, F] (float), token ids [batch, time] (int32 / int64) or sequence_lens [batch] (int32)',
        raw(`${elemType ?? `elem_type ${tensor.elem_type}`} of rank ${shape.length}`),
      );
    inputs.push({ name, role, elemType: elemType!, shape });
  }
  const xs = inputs.filter((i) => i.role === 'x');
  if (xs.length !== 1)
    throw new UnsupportedError(
      'graph.input',
      'one features or token-ids input',
      raw(xs.length === 0 ? 'none' : xs.map((i) => `"${i.name}"`).join(', ')),
    );
  return inputs;
}

/** Nodes must be topologically sorted (as ONNX requires): this also rules out cycles and unknown inputs. */
export function checkOrder(nodes: readonly DecodedNode[], known: Set<string>, output: string): void {
  for (const [k, node] of nodes.entries()) {
    const where = nodeName(node, k);
    if (typeof node.op_type !== 'string' || node.op_type === '')
      throw new CorruptModelError(`graph.node[${k}].op_type`, 'an operator name', 'none');
    for (const [j, input] of (node.input ?? []).entries())
      if (input !== '' && !known.has(input))
        throw new CorruptModelError(`${where}.input[${j}]`, 'a value of an earlier node, an initializer or a graph input', `"${input}"`);
    for (const o of node.output ?? []) {
      if (o === '') continue;
      if (known.has(o)) throw new CorruptModelError(`${where}.output "${o}"`, 'a value name defined once', 'a second definition');
      known.add(o);
    }
  }
  if (!known.has(output)) throw new CorruptModelError(`graph.output "${output}"`, 'a value the graph computes', 'an unknown name');
}
