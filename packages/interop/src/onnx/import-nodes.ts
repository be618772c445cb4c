// One node at a time: shape arithmetic first (import-shapes), then checks what may read the values that end a
// chain (a Softmax, the token ids, a sliced last step, axes an Unsqueeze inserted), then hands the node to the
// mapping of its operator. An operator outside the table is an UnsupportedError naming the node.
import { raw, UnsupportedError } from '@rnn/core';
import { denseActivation, denseBias, gemm, matMul } from './import-dense.js';
import { average, concat, gather, mergeDirections, reshape, squeeze, transpose } from './import-directions.js';
import { sliceLastStep } from './import-last-step.js';
import { CELL_KIND, recurrentNode } from './import-recurrent.js';
import { evaluateShapes } from './import-shapes.js';
import { unsqueeze } from './import-unsqueeze.js';
import { axisOf, type Chain, type Context, chainOf, chainValue, intsArg, intsOf, settle, type Value } from './import-values.js';
import { DataType } from './proto.js';
import { Attributes, type DecodedNode, readTensor, type TensorValue } from './read.js';

/** The node's outputs as values, in order (undefined: not produced by the mapping). */
export function evaluate(node: DecodedNode, where: string, values: Map<string, Value>, ctx: Context): (Value | undefined)[] {
  const op = node.op_type!;
  if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx')
    throw new UnsupportedError(`${where}.domain`, 'the default ONNX domain', node.domain);
  const attrs = new Attributes(node, where);
  const inputNames = node.input ?? [];
  const ins = inputNames.map((n) => (n === '' ? undefined : values.get(n)));
  // Shapes are read before the checks below: a Shape of any value only reads its dims.
  const shaped = evaluateShapes(op, ins, attrs, where, ctx, node.output?.[0] ?? '');
  if (shaped !== undefined) return [shaped];
  const chains = ins.filter((v): v is Extract<Value, { kind: 'chain' }> => v?.kind === 'chain').map((v) => v.chain);
  const afterSoftmax = chains.find((c) => c.softmax !== null);
  if (afterSoftmax && op !== 'Identity' && op !== 'Transpose')
    throw new UnsupportedError(where, `nothing after ${afterSoftmax.softmax} but Identity or Transpose (Softmax ends the model)`, op);
  const ids = chains.find((c) => c.ids);
  if (ids && op !== 'Gather' && op !== 'Identity') throw new UnsupportedError(where, 'an embedding Gather reading the token ids', op);
  const sliced = chains.find((c) => c.axes.includes('L'));
  if (sliced && op !== 'Squeeze' && op !== 'Identity' && op !== 'Transpose')
    throw new UnsupportedError(where, 'a Squeeze of the time step kept by a Slice', op);
  const inserted = chains.find((c) => c.unsqueezed !== null);
  if (inserted && op !== 'Squeeze' && op !== 'Reshape' && op !== 'Identity')
    throw new UnsupportedError(where, `a Squeeze or Reshape removing the axes inserted by ${inserted.unsqueezed}`, op);
  const chainArg = (k: number): Chain => chainOf(ins[k], `${where}.input[${k}]`);
  const one = (c: Chain): Value[] => [chainValue(c)];

  switch (op) {
    case 'Identity':
      return [ins[0]];
    case 'Dropout':
      ctx.ignored.push(`${where}: identity at inference`);
      return [ins[0], { kind: 'refused', why: `the mask of ${where}` }];
    case 'Constant':
      return [{ kind: 'const', tensor: constantValue(attrs, where), name: node.output?.[0] ?? '' }];
    case 'Transpose':
      return one(transpose(chainArg(0), attrs, where));
    case 'Gather':
      return one(gather(ins, attrs, where));
    case 'Squeeze': {
      const c = chainArg(0);
      return one(squeeze(c, intsArg(ins, 1, 'axes', attrs, ctx.opset >= 13, where), where));
    }
    case 'Unsqueeze':
      return [unsqueeze(ins, attrs, where, ctx, node.output?.[0] ?? '')];
    case 'Slice':
      return one(sliceLastStep(chainArg(0), ins, attrs, where, ctx));
    case 'Reshape':
      return one(reshape(chainArg(0), intsOf(ins[1], `${where}.input shape`), attrs, where));
    case 'Concat':
      return one(concat(ins, attrs, where));
    case 'Add':
    case 'Mul': {
      const k = ins[1];
      if (k?.kind !== 'const') return one(mergeDirections(ins, op, where));
      const c = chainArg(0);
      return one(op === 'Add' ? denseBias(c, k.tensor, where) : average(c, k, where));
    }
    case 'MatMul':
      return one(matMul(chainArg(0), ins, where));
    case 'Gemm':
      return one(gemm(chainArg(0), ins, attrs, where));
    case 'Sigmoid':
    case 'Tanh':
    case 'Relu':
    case 'HardSigmoid':
      return one(denseActivation(chainArg(0), op, attrs, where));
    case 'Softmax': {
      const c = settle(chainArg(0), `${where}.input[0]`);
      const axis = attrs.int('axis') ?? (ctx.opset >= 13 ? -1 : 1);
      if (axisOf(axis, c.axes.length, `${where}.attribute "axis"`) !== c.axes.length - 1)
        throw new UnsupportedError(`${where}.attribute "axis"`, 'the last axis', axis);
      return one({ ...c, softmax: where, last: null });
    }
    case 'RNN':
    case 'LSTM':
    case 'GRU':
      return recurrentNode(CELL_KIND[op]!, ins, inputNames, attrs, where, ctx);
    default:
      throw new UnsupportedError(
        where,
        'an operator of a recurrent chain (Gather, RNN, LSTM, GRU, MatMul, Gemm, Add, Mul, activations, Softmax, Transpose, Squeeze, Unsqueeze, Reshape, Concat, Identity; Shape, ConstantOfShape, Expand, Cast for zero initial states)',
        op,
      );
  }
}

/** A Constant node's value attribute, whichever of its forms it uses. */
function constantValue(attrs: Attributes, where: string): TensorValue {
  const t = attrs.tensor('value');
  if (t !== undefined) return readTensor(t, `${where}.attribute "value"`);
  const f = attrs.float('value_float');
  if (f !== undefined) return { dims: [], dataType: DataType.FLOAT, floats: Float64Array.of(f), ints: null };
  const i = attrs.int('value_int');
  if (i !== undefined) return { dims: [], dataType: DataType.INT64, floats: null, ints: [i] };
  const fs = attrs.floats('value_floats');
  if (fs !== undefined) return { dims: [fs.length], dataType: DataType.FLOAT, floats: Float64Array.from(fs), ints: null };
  const is = attrs.ints('value_ints');
  if (is !== undefined) return { dims: [is.length], dataType: DataType.INT64, floats: null, ints: is };
  throw new UnsupportedError(where, 'a numeric value (value, value_float(s), value_int(s))', raw(attrs.names().join(', ') || 'none'));
}
