// Shapes computed from the input, as PyTorch's exporter writes the zero initial state of a recurrent layer called
// without one when the batch is dynamic: Shape(x) → Gather / Slice (the batch entry) → Unsqueeze → Concat with
// constant sizes → ConstantOfShape(0), or Expand of a zero constant, with Casts between. A shape's entries are known
// sizes or the symbols batch / time; the zeros it builds stand in wherever an all-zero initial state is accepted,
// once their shape is checked against the recurrent node. Any other node reading a computed shape or zeros (a
// Reshape of the data by a computed shape, say) is refused naming it: only the zero state is representable.
import { CorruptModelError, raw, UnsupportedError } from '@rnn/core';
import { axisOf, type Context, constOf, type Dim, fmtComputed, fmtDims, fmtTensor, intsArg, size, type Value } from './import-values.js';
import { DataType } from './proto.js';
import { type Attributes, MAX_ELEMENTS, readTensor, type TensorValue } from './read.js';

type Shape = Value & { kind: 'shape' };
type Zeros = Value & { kind: 'zeros' };
type Inputs = readonly (Value | undefined)[];

const isComputed = (v: Value | undefined): v is Shape | Zeros => v?.kind === 'shape' || v?.kind === 'zeros';

/** What may read a computed shape: shape arithmetic, and the nodes making zeros of it. */
const SHAPE_READERS = ['Gather', 'Slice', 'Squeeze', 'Unsqueeze', 'Concat', 'Identity'];
/** What may read zeros: recurrent nodes (as initial states or P) and the nodes that keep them zeros. */
const ZEROS_READERS = ['RNN', 'LSTM', 'GRU', 'Slice', 'Identity'];

/**
 * The node's output when it is about shapes (Shape, ConstantOfShape, Expand, Cast, or a node reading a computed
 * shape or zeros); undefined when another mapping handles it (a recurrent node or Identity reading zeros).
 */
export function evaluateShapes(op: string, ins: Inputs, attrs: Attributes, where: string, ctx: Context, output: string): Value | undefined {
  if (op === 'Shape') return shapeOf(ins[0], attrs, where);
  if (op === 'ConstantOfShape') return constantOfShape(ins[0], attrs, where, output);
  if (op === 'Expand') return expand(ins, where, output);
  if (op === 'Cast') return cast(ins[0], attrs, where);
  const computed = ins.find(isComputed);
  if (computed === undefined) return undefined;
  if (!(computed.kind === 'shape' ? SHAPE_READERS : ZEROS_READERS).includes(op))
    throw new UnsupportedError(
      where,
      computed.kind === 'shape'
        ? 'Gather, Slice, Squeeze, Unsqueeze, Concat or Cast on a computed shape, or ConstantOfShape / Expand making zeros of it (a zero initial state)'
        : 'a recurrent node reading zeros as its initial state',
      raw(`"${op}" reading ${fmtComputed(computed)}`),
    );
  if (op === 'Identity' || computed.kind === 'zeros')
    return op === 'Slice' ? sliceZeros(shapeArg(ins[0], 'zeros', where), ins, attrs, where, ctx) : undefined;
  switch (op) {
    case 'Gather':
      return gather(shapeArg(ins[0], 'shape', where), ins[1], attrs, where);
    case 'Slice':
      return slice(shapeArg(ins[0], 'shape', where), ins, attrs, where, ctx);
    case 'Squeeze':
    case 'Unsqueeze':
      return squeezeOrUnsqueeze(op, shapeArg(ins[0], 'shape', where), ins, attrs, where, ctx);
    default:
      return concat(ins, attrs, where);
  }
}

/** A recurrent node's initial_h / initial_c / P given as computed zeros: their shape must be the input's. */
export function checkZeros(v: Zeros, expected: readonly Dim[], meaning: string, where: string): void {
  if (fmtDims(v.dims) !== fmtDims(expected))
    throw new UnsupportedError(where, `zeros ${fmtDims(expected)} (${meaning})`, raw(fmtComputed(v)));
}

/** What a value is, for refusals. */
function describeValue(v: Value | undefined): string {
  if (v === undefined) return 'none';
  if (isComputed(v)) return fmtComputed(v);
  if (v.kind === 'const') return `the constant "${v.name}"`;
  if (v.kind === 'refused') return v.why;
  return v.kind === 'chain' ? 'the layer chain' : 'sequence_lens';
}

function shapeArg<K extends 'shape' | 'zeros'>(v: Value | undefined, kind: K, where: string): Value & { kind: K } {
  if (v?.kind !== kind)
    throw new UnsupportedError(`${where}.input[0]`, kind === 'shape' ? 'a computed shape' : 'computed zeros', raw(describeValue(v)));
  return v as Value & { kind: K };
}

/** Shape: the value's dims, the dynamic ones as symbols; opset 15's start / end keep a part (clamped, as ONNX does). */
function shapeOf(v: Value | undefined, attrs: Attributes, where: string): Shape {
  let dims: Dim[];
  if (v?.kind === 'chain') {
    const c = v.chain;
    dims = c.axes.map((a) => (a === 'D' ? (c.pending?.node.directions.length ?? 0) : a === 'L' || a === 'U' ? 1 : a));
  } else if (v?.kind === 'const') dims = v.tensor.dims;
  else if (v?.kind === 'lengths') dims = ['B'];
  else if (v?.kind === 'shape') dims = v.scalar ? [] : [v.dims.length];
  else if (v?.kind === 'zeros') dims = [...v.dims];
  else throw new UnsupportedError(`${where}.input[0]`, 'a value rnn computes', raw(describeValue(v)));
  const clamp = (a: number): number => Math.min(Math.max(a < 0 ? a + dims.length : a, 0), dims.length);
  const end = attrs.int('end');
  return {
    kind: 'shape',
    dims: dims.slice(clamp(attrs.int('start') ?? 0), end === undefined ? dims.length : clamp(end)),
    scalar: false,
    from: where,
  };
}

/** Gather(shape, index or indices) on axis 0: the picked entries (a scalar index gives a scalar). */
function gather(s: Shape, indices: Value | undefined, attrs: Attributes, where: string): Shape {
  if (s.scalar) throw new CorruptModelError(`${where}.input[0]`, 'a tensor of rank 1 or more', 'a scalar');
  axisOf(attrs.int('axis') ?? 0, 1, `${where}.attribute "axis"`);
  const t = constOf(indices, `${where}.input[1]`);
  if (t.ints === null || t.dims.length > 1)
    throw new UnsupportedError(`${where}.input[1]`, 'a constant int index or 1-D indices', raw(fmtTensor(t)));
  const n = s.dims.length;
  const dims = t.ints.map((i) => {
    if (!(i >= -n && i < n)) throw new CorruptModelError(`${where}.input[1]`, `indices in [${-n}, ${n - 1}]`, i);
    return s.dims[(i + n) % n]!;
  });
  return { ...s, dims, scalar: t.dims.length === 0 };
}

/** The indices ONNX Slice keeps of an axis of size `dim` (negative start / end count from the end, then clamped). */
function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const from = start < 0 ? start + dim : start;
  const to = end < 0 ? end + dim : end;
  const kept: number[] = [];
  if (step > 0) for (let i = Math.max(0, from); i < Math.min(to, dim); i += step) kept.push(i);
  else for (let i = Math.min(from, dim - 1); i > Math.max(to, -1); i += step) kept.push(i);
  return kept;
}

/** Slice's starts, ends, axes, steps (inputs from opset 10, attributes before), checked to be of one length. */
function sliceArgs(ins: Inputs, attrs: Attributes, where: string, ctx: Context): [number[], number[], number[] | undefined, number[]] {
  const part = (k: number, name: string): number[] | undefined => intsArg(ins, k, name, attrs, ctx.opset >= 10, where);
  const [starts, ends, axes, steps] = [part(1, 'starts'), part(2, 'ends'), part(3, 'axes'), part(4, 'steps')];
  const n = starts?.length ?? 0;
  if (
    starts === undefined ||
    ends?.length !== n ||
    (axes !== undefined && axes.length !== n) ||
    (steps !== undefined && steps.length !== n)
  )
    throw new CorruptModelError(where, 'starts, ends (and axes, steps) of the same length', 'other inputs');
  if (steps?.includes(0)) throw new CorruptModelError(`${where} steps`, 'non-zero steps', `[${steps.join(', ')}]`);
  return [starts, ends, axes, steps ?? starts.map(() => 1)];
}

/** Slice of a 1-D computed shape. */
function slice(s: Shape, ins: Inputs, attrs: Attributes, where: string, ctx: Context): Shape {
  if (s.scalar) throw new CorruptModelError(`${where}.input[0]`, 'a tensor of rank 1 or more', 'a scalar');
  const [starts, ends, axes, steps] = sliceArgs(ins, attrs, where, ctx);
  if (starts.length !== 1) throw new CorruptModelError(where, 'one start and end for a 1-D shape', `${starts.length}`);
  axisOf(axes?.[0] ?? 0, 1, `${where} axes`);
  return { ...s, dims: sliceIndices(s.dims.length, starts[0]!, ends[0]!, steps[0]!).map((i) => s.dims[i]!) };
}

/** Slice of zeros (PyTorch's state of one layer out of several): their known sizes may be sliced. */
function sliceZeros(z: Zeros, ins: Inputs, attrs: Attributes, where: string, ctx: Context): Zeros {
  const [starts, ends, axes, steps] = sliceArgs(ins, attrs, where, ctx);
  const dims = [...z.dims];
  starts.forEach((start, k) => {
    const axis = axisOf(axes?.[k] ?? k, dims.length, `${where} axes`);
    const d = dims[axis]!;
    if (typeof d !== 'number')
      throw new UnsupportedError(where, 'a Slice of the known sizes of zeros', raw(`axis ${axis} (${fmtDims([d])}) of ${fmtComputed(z)}`));
    dims[axis] = sliceIndices(d, start, ends[k]!, steps[k]!).length;
  });
  return { ...z, dims };
}

/** Unsqueeze of a scalar shape entry into a 1-D shape, or Squeeze of a 1-D shape of one entry into a scalar. */
function squeezeOrUnsqueeze(op: 'Squeeze' | 'Unsqueeze', s: Shape, ins: Inputs, attrs: Attributes, where: string, ctx: Context): Shape {
  const axes = intsArg(ins, 1, 'axes', attrs, ctx.opset >= 13, where);
  const toScalar = op === 'Squeeze';
  const fits = s.scalar !== toScalar && (!toScalar || s.dims.length === 1) && (axes === undefined ? toScalar : axes.length === 1);
  if (!fits || (axes !== undefined && axisOf(axes[0]!, 1, `${where} axes`) !== 0))
    throw new UnsupportedError(
      where,
      toScalar ? 'a Squeeze of a one-entry shape into a scalar' : 'an Unsqueeze of a scalar shape entry into a 1-D shape',
      raw(`axes [${axes?.join(', ') ?? ''}] on the ${s.scalar ? 'scalar' : '1-D'} shape ${fmtDims(s.dims)} computed by ${s.from}`),
    );
  return { ...s, scalar: toScalar };
}

/** Concat on axis 0 of 1-D computed shapes and constant int vectors. */
function concat(ins: Inputs, attrs: Attributes, where: string): Shape {
  const axis = attrs.int('axis');
  if (axis === undefined) throw new CorruptModelError(`${where}.attribute "axis"`, 'an axis', 'none');
  axisOf(axis, 1, `${where}.attribute "axis"`);
  const dims: Dim[] = [];
  let from = '';
  ins.forEach((v, k) => {
    if (v?.kind === 'shape' && !v.scalar) {
      dims.push(...v.dims);
      from ||= v.from;
    } else if (v?.kind === 'const' && v.tensor.ints !== null && v.tensor.dims.length === 1) dims.push(...v.tensor.ints);
    else throw new UnsupportedError(`${where}.input[${k}]`, 'a 1-D computed shape or int constant', raw(describeValue(v)));
  });
  return { kind: 'shape', dims, scalar: false, from };
}

/** Cast: a computed shape to int64 / int32, or zeros to float / double, stay what they are. */
function cast(v: Value | undefined, attrs: Attributes, where: string): Value {
  const to = attrs.int('to');
  const ints = to === DataType.INT64 || to === DataType.INT32;
  const floats = to === DataType.FLOAT || to === DataType.DOUBLE;
  if ((v?.kind === 'shape' && ints) || (v?.kind === 'zeros' && floats)) return v;
  throw new UnsupportedError(
    where,
    'a Cast of a computed shape to int64 / int32 or of computed zeros to float / double',
    raw(`${describeValue(v)} to data type ${to ?? 'none'}`),
  );
}

/** The known sizes of a shape made into a constant or zeros, checked before anything is allocated. */
function knownDims(dims: readonly Dim[], where: string): number[] {
  const known = dims.filter((d): d is number => typeof d === 'number');
  if (known.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new CorruptModelError(where, 'non-negative sizes', fmtDims(dims));
  // the known sizes alone bound what a Slice of the zeros walks (and, all known, what a constant allocates)
  if (size(known) > MAX_ELEMENTS) throw new CorruptModelError(where, `at most ${MAX_ELEMENTS} elements`, fmtDims(dims));
  return known;
}

/** A constant of `dims` filled with `value`, of `like`'s data type. */
function filled(like: TensorValue, dims: number[], value: number, output: string): Value {
  const n = size(dims);
  const tensor: TensorValue =
    like.floats !== null
      ? { dims, dataType: like.dataType, floats: new Float64Array(n).fill(value), ints: null }
      : { dims, dataType: like.dataType, floats: null, ints: new Array<number>(n).fill(value) };
  return { kind: 'const', tensor, name: output };
}

/** ConstantOfShape: a constant for a constant shape; zeros of a computed one (any other value is refused). */
function constantOfShape(input: Value | undefined, attrs: Attributes, where: string, output: string): Value {
  const given = attrs.tensor('value');
  const fill: TensorValue =
    given === undefined
      ? { dims: [1], dataType: DataType.FLOAT, floats: Float64Array.of(0), ints: null }
      : readTensor(given, `${where}.attribute "value"`);
  const value = (fill.floats ?? fill.ints ?? [])[0];
  if (value === undefined || size(fill.dims) !== 1)
    throw new CorruptModelError(`${where}.attribute "value"`, 'a one-element tensor', fmtTensor(fill));
  if (input?.kind === 'const' && input.tensor.ints !== null && input.tensor.dims.length === 1)
    return filled(fill, knownDims(input.tensor.ints, `${where}.input[0]`), value, output);
  if (input?.kind !== 'shape' || input.scalar)
    throw new UnsupportedError(`${where}.input[0]`, 'a 1-D shape (an int constant or computed from the input)', raw(describeValue(input)));
  if (value !== 0)
    throw new UnsupportedError(`${where}.attribute "value"`, '0 (a zero initial state: rnn starts every sequence from zeros)', value);
  knownDims(input.dims, `${where}.input[0]`);
  return { kind: 'zeros', dims: input.dims, from: where };
}

/** Expand(constant, shape): the constant's one value broadcast; zeros when the shape is computed. */
function expand(ins: Inputs, where: string, output: string): Value {
  const t = constOf(ins[0], `${where}.input[0]`);
  const values = t.floats ?? t.ints ?? [];
  const shape = ins[1];
  let target: readonly Dim[];
  if (shape?.kind === 'shape' && !shape.scalar) target = shape.dims;
  else if (shape?.kind === 'const' && shape.tensor.ints !== null && shape.tensor.dims.length === 1) target = shape.tensor.ints;
  else
    throw new UnsupportedError(`${where}.input[1]`, 'a 1-D shape (an int constant or computed from the input)', raw(describeValue(shape)));
  // Multidirectional broadcast: a size 1 takes the other; a dynamic size against a known one must be it (or 1).
  const n = Math.max(t.dims.length, target.length);
  const dims = Array.from({ length: n }, (_, i): Dim => {
    const a = t.dims[t.dims.length - n + i] ?? 1;
    const b = target[target.length - n + i] ?? 1;
    if (a === 1) return b;
    if (b === 1 || b === a || typeof b === 'string') return a;
    throw new CorruptModelError(`${where}.input[1]`, `a shape that [${t.dims.join(', ')}] broadcasts to`, fmtDims(target));
  });
  const known = knownDims(dims, `${where}.input[1]`);
  const first = values[0];
  if (first === undefined || Array.prototype.some.call(values, (v: number) => v !== first))
    throw new UnsupportedError(`${where}.input[0]`, 'a constant of one repeated value', raw(fmtTensor(t)));
  if (known.length === dims.length) return filled(t, known, first, output);
  if (first !== 0)
    throw new UnsupportedError(`${where}.input[0]`, 'zeros (a zero initial state: rnn starts every sequence from zeros)', first);
  return { kind: 'zeros', dims, from: where };
}
