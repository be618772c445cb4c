// Weight shards: the manifest says, group by group, which tensors lie one after another in the concatenation
// of that group's shard files. Reading checks every declared size against the bytes actually present before
// anything is allocated; writing stores float32 little-endian and cuts the stream into shards (a tensor may
// span two shards, as in TF.js).
import { CorruptModelError, checks, describe, InvalidArgumentError, NonFiniteError, UnsupportedError } from '@rnn/core';
import { array, finiteNumber, object, string, type WeightBytes, type WeightSpec } from './format.js';

/** Elements of one tensor (2^28 float32 = 1 GiB): a larger declaration is taken as hostile. */
const MAX_ELEMENTS = 2 ** 28;
const MAX_WEIGHTS = 100_000;
/** Bytes per element of the tensor dtypes TF.js writes; only float32 can hold rnn weights. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };
const TFJS_DTYPES = ['float32', 'int32', 'bool', 'string', 'complex64'];
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

export interface CheckedSpec extends WeightSpec {
  /** Where the spec sits in model.json, for messages. */
  at: string;
  size: number;
  bytes: number;
}

export interface CheckedGroup {
  paths: string[];
  specs: CheckedSpec[];
  bytes: number;
}

export interface DecodedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Validates the weights manifest and computes each tensor's byte length (nothing is allocated). */
export function checkManifest(value: unknown): CheckedGroup[] {
  const groups = array(value, 'weightsManifest');
  let count = 0;
  return groups.map((g, gi) => {
    const at = `weightsManifest[${gi}]`;
    const group = object(g, at);
    const paths = array(group.paths, `${at}.paths`).map((p, i) => string(p, `${at}.paths[${i}]`));
    const specs = array(group.weights, `${at}.weights`).map((w, wi) => checkSpec(w, `${at}.weights[${wi}]`));
    count += specs.length;
    if (count > MAX_WEIGHTS) throw new CorruptModelError('weightsManifest', `at most ${MAX_WEIGHTS} weights`, `${count} or more`);
    return { paths, specs, bytes: specs.reduce((s, w) => s + w.bytes, 0) };
  });
}

function checkSpec(value: unknown, at: string): CheckedSpec {
  const w = object(value, at);
  const name = string(w.name, `${at}.name`);
  const dims = array(w.shape, `${at}.shape`);
  let size = 1;
  const shape = dims.map((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
      throw new CorruptModelError(`${at}.shape[${i}] (weight "${name}")`, 'a non-negative integer', describe(d));
    size *= d;
    if (size > MAX_ELEMENTS)
      throw new CorruptModelError(`${at}.shape (weight "${name}")`, `at most ${MAX_ELEMENTS} elements`, checks.fmtShape(dims as number[]));
    return d;
  });
  const dtype = string(w.dtype, `${at}.dtype`);
  if (!TFJS_DTYPES.includes(dtype))
    throw new CorruptModelError(`${at}.dtype (weight "${name}")`, `a TF.js dtype (${TFJS_DTYPES.join(', ')})`, describe(dtype));
  const spec: CheckedSpec = { name, shape, dtype, at, size, bytes: 0 };
  if (w.group !== undefined) spec.group = string(w.group, `${at}.group`);
  if (w.quantization !== undefined && w.quantization !== null) {
    const q = object(w.quantization, `${at}.quantization`);
    const qtype = string(q.dtype, `${at}.quantization.dtype`);
    const width = QUANTIZED_BYTES[qtype];
    if (width === undefined)
      throw new CorruptModelError(`${at}.quantization.dtype (weight "${name}")`, '"uint8", "uint16" or "float16"', describe(qtype));
    spec.quantization = { dtype: qtype };
    if (qtype !== 'float16') {
      spec.quantization.scale = finiteNumber(q.scale, `${at}.quantization.scale (weight "${name}")`, Number.NaN);
      spec.quantization.min = finiteNumber(q.min, `${at}.quantization.min (weight "${name}")`, Number.NaN);
      if (Number.isNaN(spec.quantization.scale) || Number.isNaN(spec.quantization.min))
        throw new CorruptModelError(`${at}.quantization (weight "${name}")`, `scale and min for ${qtype} quantization`, describe(q));
    }
    spec.bytes = size * width;
    return spec;
  }
  const width = DTYPE_BYTES[dtype];
  if (width === undefined) throw new UnsupportedError(`${at}.dtype (weight "${name}")`, 'float32, int32 or bool', dtype);
  spec.bytes = size * width;
  return spec;
}

function asBytes(b: unknown, argument: string): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  throw new InvalidArgumentError(argument, 'an ArrayBuffer or Uint8Array', b);
}

/** The bytes of each group: one buffer for everything, or one buffer per shard path in manifest order. */
function groupBytes(groups: readonly CheckedGroup[], weights: WeightBytes | readonly WeightBytes[]): Uint8Array[] {
  const paths = groups.reduce((n, g) => n + g.paths.length, 0);
  if (!Array.isArray(weights)) {
    const all = asBytes(weights, 'weights');
    const total = groups.reduce((n, g) => n + g.bytes, 0);
    if (all.byteLength !== total)
      throw new CorruptModelError('weights', `${total} bytes (the sizes declared by weightsManifest)`, `${all.byteLength} bytes`);
    let offset = 0;
    return groups.map((g) => {
      offset += g.bytes;
      return all.subarray(offset - g.bytes, offset);
    });
  }
  if (weights.length !== paths)
    throw new InvalidArgumentError(
      'weights',
      `${paths} shard buffers (one per path in weightsManifest) or one concatenated buffer`,
      weights,
    );
  let next = 0;
  return groups.map((g, gi) => {
    const shards = g.paths.map((p) => asBytes(weights[next++], `weights[${next - 1}] ("${p}")`));
    const length = shards.reduce((n, s) => n + s.byteLength, 0);
    if (length !== g.bytes)
      throw new CorruptModelError(
        `weights of weightsManifest[${gi}] (${g.paths.join(', ')})`,
        `${g.bytes} bytes (the sizes declared by its weights)`,
        `${length} bytes`,
      );
    if (shards.length === 1) return shards[0]!;
    const joined = new Uint8Array(length);
    let offset = 0;
    for (const s of shards) {
      joined.set(s, offset);
      offset += s.byteLength;
    }
    return joined;
  });
}

/** Decodes the model's weights (optimizer state is skipped) to float32, by name. */
export function decodeWeights(groups: readonly CheckedGroup[], weights: WeightBytes | readonly WeightBytes[]): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  groupBytes(groups, weights).forEach((bytes, gi) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of groups[gi]!.specs) {
      const start = offset;
      offset += spec.bytes;
      if (spec.group === 'optimizer') continue;
      if (out.has(spec.name)) throw new CorruptModelError(`${spec.at}.name`, 'unique weight names', `a second weight "${spec.name}"`);
      if (spec.dtype !== 'float32') throw new UnsupportedError(`${spec.at}.dtype (weight "${spec.name}")`, 'float32', spec.dtype);
      const data = decode(view, start, spec);
      for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new NonFiniteError(`weight "${spec.name}"`, i, data[i]!);
      out.set(spec.name, { name: spec.name, shape: spec.shape, data });
    }
  });
  return out;
}

function decode(view: DataView, start: number, spec: CheckedSpec): Float32Array {
  const data = new Float32Array(spec.size);
  const q = spec.quantization;
  if (!q) for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(start + 4 * i, true);
  else if (q.dtype === 'float16') for (let i = 0; i < data.length; i++) data[i] = halfToFloat(view.getUint16(start + 2 * i, true));
  else if (q.dtype === 'uint8') for (let i = 0; i < data.length; i++) data[i] = view.getUint8(start + i) * q.scale! + q.min!;
  else for (let i = 0; i < data.length; i++) data[i] = view.getUint16(start + 2 * i, true) * q.scale! + q.min!;
  return data;
}

/** IEEE 754 half precision to a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Float32 little-endian shards of at most `shardBytes` each, and the manifest entries of the tensors. */
export function encodeWeights(
  tensors: readonly { name: string; shape: readonly number[]; data: ArrayLike<number> }[],
  shardBytes: number,
): { specs: WeightSpec[]; shards: ArrayBuffer[] } {
  const total = tensors.reduce((n, t) => n + 4 * t.data.length, 0);
  const all = new DataView(new ArrayBuffer(total));
  let offset = 0;
  for (const t of tensors)
    for (let i = 0; i < t.data.length; i++) {
      all.setFloat32(offset, t.data[i]!, true);
      offset += 4;
    }
  const shards: ArrayBuffer[] = [];
  for (let start = 0; start < total || shards.length === 0; start += shardBytes)
    shards.push(all.buffer.slice(start, Math.min(total, start + shardBytes)) as ArrayBuffer);
  return { specs: tensors.map((t) => ({ name: t.name, shape: [...t.shape], dtype: 'float32' })), shards };
}
