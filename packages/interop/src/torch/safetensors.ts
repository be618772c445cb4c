// safetensors (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, then the data buffer.
// Offsets are relative to the buffer; tensors are little-endian, row-major, and together cover the buffer
// exactly. The reader treats the file as hostile: every number is checked before anything is allocated,
// and every problem is a CorruptModelError naming the tensor (or the header part) at fault.
import { CorruptModelError, InvalidArgumentError, raw, ShapeError } from '@rnn/core';
import { type JsonValue, parseStrictJson } from './json.js';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** Bytes per element; also the writer's order (largest first, so every tensor stays aligned). */
export const ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  I64: 8,
  U64: 8,
  F32: 4,
  I32: 4,
  U32: 4,
  F16: 2,
  BF16: 2,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
export const SAFETENSORS_DTYPES = Object.keys(ITEM_SIZE) as SafetensorsDType[];

/**
 * Element arrays by dtype: F64 Float64Array; F32, F16, BF16 Float32Array (half floats widen exactly);
 * I64 BigInt64Array; U64 BigUint64Array; I32, U32, I16, U16, I8, U8 their typed arrays; BOOL Uint8Array of 0/1.
 */
export type TensorArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** A tensor read from a file (or written by toTorchStateDict); `dtype` tells the array type. */
export type StoredTensor = { shape: number[] } & (
  | { dtype: 'F64'; data: Float64Array }
  | { dtype: 'F32' | 'F16' | 'BF16'; data: Float32Array }
  | { dtype: 'I64'; data: BigInt64Array }
  | { dtype: 'U64'; data: BigUint64Array }
  | { dtype: 'I32'; data: Int32Array }
  | { dtype: 'U32'; data: Uint32Array }
  | { dtype: 'I16'; data: Int16Array }
  | { dtype: 'U16'; data: Uint16Array }
  | { dtype: 'I8'; data: Int8Array }
  | { dtype: 'U8' | 'BOOL'; data: Uint8Array }
);

/** What the writer takes: dtype defaults from the array type (F32 for plain number arrays). */
export interface TensorInput {
  dtype?: SafetensorsDType;
  shape: readonly number[];
  data: ArrayLike<number> | BigInt64Array | BigUint64Array;
}

export interface Safetensors {
  tensors: Map<string, StoredTensor>;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
}

/** The reference implementation's cap on the header (100 MB): a larger one is not a real file. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

const isObject = (v: JsonValue | undefined): v is Map<string, JsonValue> => v instanceof Map;
const isCount = (v: JsonValue | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses a safetensors file. Throws CorruptModelError for anything that is not a well-formed file. */
export function readSafetensors(bytes: Uint8Array): Safetensors {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('bytes', 'a Uint8Array (the contents of a .safetensors file)', bytes);
  if (bytes.length < 8)
    throw new CorruptModelError('safetensors header length', 'an 8-byte little-endian length', `a ${bytes.length}-byte file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const room = bytes.length - 8;
  if (declared > BigInt(Math.min(room, MAX_HEADER_BYTES)))
    throw new CorruptModelError(
      'safetensors header length',
      `at most ${Math.min(room, MAX_HEADER_BYTES)} bytes (the file has ${room} after the length field)`,
      `${declared} bytes`,
    );
  const n = Number(declared);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new CorruptModelError('safetensors header', 'UTF-8 text', raw('invalid UTF-8'));
  }
  const header = parseStrictJson(text, 'safetensors header');
  if (!isObject(header)) throw new CorruptModelError('safetensors header', 'a JSON object', raw(describeJson(header)));

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header.get(METADATA));
  const entries = [...header].filter(([name]) => name !== METADATA).map(([name, v]) => readEntry(name, v, dataLength));

  // The ranges, in offset order, must tile the buffer: no gap, no overlap, nothing left over.
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: string | null = null;
  for (const e of ordered) {
    if (e.begin < at)
      throw new CorruptModelError(
        `safetensors["${e.name}"].data_offsets`,
        `a byte range that does not overlap "${previous}" (which ends at ${at})`,
        raw(`[${e.begin}, ${e.end}]`),
      );
    if (e.begin > at)
      throw new CorruptModelError(
        `safetensors["${e.name}"].data_offsets`,
        `to start at byte ${at}, where ${previous === null ? 'the data buffer starts' : `"${previous}" ends`} (tensors must cover the buffer exactly)`,
        raw(`[${e.begin}, ${e.end}]`),
      );
    at = e.end;
    previous = e.name;
  }
  if (at !== dataLength)
    throw new CorruptModelError(
      'safetensors data buffer',
      `${at} bytes (the end of the last tensor${previous === null ? '' : `, "${previous}"`})`,
      `${dataLength} bytes`,
    );

  const tensors = new Map<string, StoredTensor>();
  for (const e of entries) {
    const data = decode(e.name, e.dtype, new DataView(bytes.buffer, bytes.byteOffset + dataStart + e.begin, e.end - e.begin));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data } as StoredTensor);
  }
  return { tensors, metadata };
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function readMetadata(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (v === undefined) return out;
  if (!isObject(v)) throw new CorruptModelError(`safetensors["${METADATA}"]`, 'an object of strings', raw(describeJson(v)));
  for (const [key, value] of v) {
    if (typeof value !== 'string')
      throw new CorruptModelError(`safetensors["${METADATA}"]["${key}"]`, 'a string', raw(describeJson(value)));
    out[key] = value;
  }
  return out;
}

function readEntry(name: string, v: JsonValue, dataLength: number): Entry {
  const arg = `safetensors["${name}"]`;
  if (!isObject(v)) throw new CorruptModelError(arg, 'an object {dtype, shape, data_offsets}', raw(describeJson(v)));
  const extra = [...v.keys()].find((k) => !ENTRY_KEYS.includes(k));
  if (extra !== undefined) throw new CorruptModelError(arg, 'only the keys dtype, shape, data_offsets', JSON.stringify(extra));
  const dtype = v.get('dtype');
  if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype))
    throw new CorruptModelError(`${arg}.dtype`, `one of ${SAFETENSORS_DTYPES.join(', ')}`, raw(describeJson(dtype)));
  const shape = v.get('shape');
  if (!Array.isArray(shape) || !shape.every(isCount))
    throw new CorruptModelError(`${arg}.shape`, 'an array of non-negative integers', raw(describeJson(shape)));
  const offsets = v.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(offsets[0]) || !isCount(offsets[1]) || offsets[0] > offsets[1])
    throw new CorruptModelError(`${arg}.data_offsets`, '[begin, end] with 0 <= begin <= end', raw(describeJson(offsets)));
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    throw new CorruptModelError(`${arg}.data_offsets`, `a range inside the ${dataLength}-byte data buffer`, raw(`[${begin}, ${end}]`));
  // The declared size must equal the byte range, which is bounded by the file: a huge shape cannot allocate.
  const dims = shape as number[];
  let bytes = dims.includes(0) ? 0 : ITEM_SIZE[dtype as SafetensorsDType];
  for (const d of dims) if (bytes <= Number.MAX_SAFE_INTEGER) bytes *= d; // past 2^53 it is too big anyway
  if (bytes !== end - begin)
    throw new CorruptModelError(
      `${arg}.shape`,
      `${end - begin} bytes (data_offsets [${begin}, ${end}]) for dtype ${dtype}`,
      raw(`[${dims.join(', ')}] (${bytes > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : bytes} bytes)`),
    );
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

function describeJson(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Map) return 'an object';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return JSON.stringify(v);
}

function decode(name: string, dtype: SafetensorsDType, view: DataView): TensorArray {
  const count = view.byteLength / ITEM_SIZE[dtype];
  const fill = <T extends { [i: number]: number | bigint }>(out: T, get: (offset: number) => number | bigint, size: number): T => {
    for (let i = 0; i < count; i++) out[i] = get(i * size) as T[number];
    return out;
  };
  switch (dtype) {
    case 'F64':
      return fill(new Float64Array(count), (o) => view.getFloat64(o, true), 8);
    case 'F32':
      return fill(new Float32Array(count), (o) => view.getFloat32(o, true), 4);
    case 'F16':
      return fill(new Float32Array(count), (o) => halfToNumber(view.getUint16(o, true)), 2);
    case 'BF16':
      return fill(new Float32Array(count), (o) => bfloatToNumber(view.getUint16(o, true)), 2);
    case 'I64':
      return fill(new BigInt64Array(count), (o) => view.getBigInt64(o, true), 8);
    case 'U64':
      return fill(new BigUint64Array(count), (o) => view.getBigUint64(o, true), 8);
    case 'I32':
      return fill(new Int32Array(count), (o) => view.getInt32(o, true), 4);
    case 'U32':
      return fill(new Uint32Array(count), (o) => view.getUint32(o, true), 4);
    case 'I16':
      return fill(new Int16Array(count), (o) => view.getInt16(o, true), 2);
    case 'U16':
      return fill(new Uint16Array(count), (o) => view.getUint16(o, true), 2);
    case 'I8':
      return fill(new Int8Array(count), (o) => view.getInt8(o), 1);
    case 'U8':
      return fill(new Uint8Array(count), (o) => view.getUint8(o), 1);
    case 'BOOL':
      return fill(
        new Uint8Array(count),
        (o) => {
          const b = view.getUint8(o);
          if (b > 1) throw new CorruptModelError(`safetensors["${name}"]`, 'BOOL bytes of 0 or 1', raw(`${b} at element ${o}`));
          return b;
        },
        1,
      );
  }
}

/** IEEE 754 binary16 → number (exact). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 (the top half of a float32) → number (exact). */
function bfloatToNumber(b: number): number {
  scratch.setUint32(0, b << 16);
  return scratch.getFloat32(0);
}

const scratch = new DataView(new ArrayBuffer(4));

/** number → binary16, rounding to nearest even; NaN stays NaN. Returns null when a finite value overflows. */
function numberToHalf(x: number): number | null {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24, ties to even
    const units = roundHalfEven(a * 2 ** 24);
    return sign | units; // units === 1024 rolls into the smallest normal, which is the right encoding
  }
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--; // log2 can round up just below a power of two
  if (2 ** (exponent + 1) <= a) exponent++;
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  if (exponent > 15) return null;
  return sign | ((exponent + 15) << 10) | mantissa;
}

/**
 * number → bfloat16, rounding to nearest even from the float32 value (as PyTorch converts a float32 tensor).
 * Returns null when a finite value overflows.
 */
function numberToBfloat(x: number): number | null {
  if (Number.isNaN(x)) return 0x7fc0;
  scratch.setFloat32(0, x);
  const bits = scratch.getUint32(0);
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
  if (Number.isFinite(x) && (rounded & 0x7f80) === 0x7f80) return null;
  return rounded;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

function defaultDtype(data: TensorInput['data']): SafetensorsDType {
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof BigUint64Array) return 'U64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint32Array) return 'U32';
  if (data instanceof Int16Array) return 'I16';
  if (data instanceof Uint16Array) return 'U16';
  if (data instanceof Int8Array) return 'I8';
  if (data instanceof Uint8Array) return 'U8';
  return 'F32';
}

const INT_RANGE: Partial<Record<SafetensorsDType, [bigint, bigint]>> = {
  I64: [-(2n ** 63n), 2n ** 63n - 1n],
  U64: [0n, 2n ** 64n - 1n],
  I32: [-(2n ** 31n), 2n ** 31n - 1n],
  U32: [0n, 2n ** 32n - 1n],
  I16: [-(2n ** 15n), 2n ** 15n - 1n],
  U16: [0n, 2n ** 16n - 1n],
  I8: [-128n, 127n],
  U8: [0n, 255n],
  BOOL: [0n, 1n],
};

/**
 * Serialises tensors as safetensors, laid out like the reference implementation: largest dtypes first,
 * then by name, with the header padded with spaces to a multiple of 8 bytes so every tensor is aligned.
 * Values must be representable in their dtype (half floats round to nearest even; a finite value that
 * would overflow, or a non-integer for an integer dtype, is an InvalidArgumentError).
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const list = (tensors instanceof Map ? [...tensors] : Object.entries(tensors ?? {})) as [string, TensorInput][];
  const items = list.map(([name, t]) => checkInput(name, t));
  items.sort((a, b) => ITEM_SIZE[b.dtype] - ITEM_SIZE[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const meta = Object.entries(metadata ?? {});
  for (const [k, v] of meta)
    if (typeof v !== 'string') throw new InvalidArgumentError(`metadata["${k}"]`, 'a string (safetensors metadata is str → str)', v);
  let offset = 0;
  const placed = items.map((t) => {
    const begin = offset;
    offset += t.count * ITEM_SIZE[t.dtype];
    return { ...t, begin };
  });
  // JSON.stringify keeps insertion order, except that integer-like keys jump ahead; build the text by hand.
  const parts: string[] = [];
  if (meta.length) parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(Object.fromEntries(meta))}`);
  for (const t of placed)
    parts.push(
      `${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [t.begin, t.begin + t.count * ITEM_SIZE[t.dtype]] })}`,
    );
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  for (const t of placed) encode(t, view, 8 + padded + t.begin);
  return out;
}

interface Checked {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  data: TensorInput['data'];
  count: number;
}

function checkInput(name: string, t: TensorInput): Checked {
  const arg = `tensors["${name}"]`;
  if (name === METADATA) throw new InvalidArgumentError('tensors', `no tensor named "${METADATA}" (reserved)`, name);
  if (typeof t !== 'object' || t === null) throw new InvalidArgumentError(arg, 'a tensor { dtype?, shape, data }', t);
  const dtype = t.dtype ?? defaultDtype(t.data);
  if (!Object.hasOwn(ITEM_SIZE, dtype)) throw new InvalidArgumentError(`${arg}.dtype`, `one of ${SAFETENSORS_DTYPES.join(', ')}`, dtype);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new InvalidArgumentError(`${arg}.shape`, 'an array of non-negative integers', t.shape);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (typeof t.data?.length !== 'number') throw new InvalidArgumentError(`${arg}.data`, 'an array of numbers', t.data);
  if (t.data.length !== count)
    throw new ShapeError(`${arg}.data`, `${count} values (shape [${t.shape.join(', ')}])`, `${t.data.length} values`);
  const bigints = t.data instanceof BigInt64Array || t.data instanceof BigUint64Array;
  if (bigints && dtype !== 'I64' && dtype !== 'U64')
    throw new InvalidArgumentError(`${arg}.dtype`, 'I64 or U64 for BigInt64Array / BigUint64Array data', dtype);
  return { name, dtype, shape: [...t.shape], data: t.data, count };
}

function encode(t: Checked, view: DataView, at: number): void {
  const size = ITEM_SIZE[t.dtype];
  const bad = (i: number, value: unknown): never => {
    throw new InvalidArgumentError(`tensors["${t.name}"].data[${i}]`, `a value representable as ${t.dtype}`, value);
  };
  const range = INT_RANGE[t.dtype];
  for (let i = 0; i < t.count; i++) {
    const o = at + i * size;
    const v = t.data[i]!;
    if (range) {
      const b = typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : bad(i, v);
      if (b < range[0] || b > range[1]) bad(i, v);
      if (t.dtype === 'I64') view.setBigInt64(o, b, true);
      else if (t.dtype === 'U64') view.setBigUint64(o, b, true);
      else if (size === 4) view.setUint32(o, Number(BigInt.asUintN(32, b)), true);
      else if (size === 2) view.setUint16(o, Number(BigInt.asUintN(16, b)), true);
      else view.setUint8(o, Number(BigInt.asUintN(8, b)));
      continue;
    }
    const x = v as number;
    if (t.dtype === 'F64') view.setFloat64(o, x, true);
    else if (t.dtype === 'F32') {
      if (Number.isFinite(x) && !Number.isFinite(Math.fround(x))) bad(i, x);
      view.setFloat32(o, x, true);
    } else {
      const h = t.dtype === 'F16' ? numberToHalf(x) : numberToBfloat(x);
      if (h === null) bad(i, x);
      view.setUint16(o, h!, true);
    }
  }
}
