// Reading an ONNX ModelProto defensively: the decoded message, its tensors (initializers and Constant values)
// and typed node attributes. Every field is checked before use and every size before allocation, so a damaged
// or hostile file is a CorruptModelError naming the field.
import { CorruptModelError, describe } from '@rnn/core';
import { AttributeType, DataType, ModelProto } from './proto.js';

export interface DecodedAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: DecodedTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface DecodedNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: DecodedAttribute[];
}

export interface DecodedTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  external_data?: unknown[];
  data_location?: number;
}

export interface DecodedValueInfo {
  name?: string;
  type?: {
    tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } };
  };
}

export interface DecodedModel {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  metadata_props?: { key?: string; value?: string }[];
  graph?: {
    node?: DecodedNode[];
    initializer?: DecodedTensor[];
    input?: DecodedValueInfo[];
    output?: DecodedValueInfo[];
  };
}

/** Elements a tensor may hold (1 GiB of float64): larger dims are damage, not a recurrent model. */
export const MAX_ELEMENTS = 2 ** 27;

export function decodeModel(bytes: Uint8Array): DecodedModel {
  if (!(bytes instanceof Uint8Array)) throw new CorruptModelError('bytes', 'the .onnx file as a Uint8Array', describe(bytes));
  let message: ReturnType<typeof ModelProto.decode>;
  try {
    message = ModelProto.decode(bytes);
  } catch (e) {
    throw new CorruptModelError('bytes', 'an ONNX ModelProto (protobuf)', (e as Error).message);
  }
  // int64 fields as numbers (Slice ends such as INT64_MAX lose precision but stay huge); bytes stay Uint8Array.
  return ModelProto.toObject(message, { longs: Number, defaults: false, arrays: false }) as DecodedModel;
}

/** A decoded tensor: floating-point values as float64, integer values as numbers. */
export interface TensorValue {
  dims: number[];
  dataType: number;
  floats: Float64Array | null;
  ints: number[] | null;
}

const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
};

export const TYPE_NAME: Readonly<Record<number, string>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
};

/** The values of a TensorProto; `what` names it in errors. */
export function readTensor(t: DecodedTensor, what: string): TensorValue {
  const dims = t.dims ?? [];
  let size = 1;
  for (const [k, d] of dims.entries()) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CorruptModelError(`${what}.dims[${k}]`, 'a non-negative integer', d);
    size *= d;
    if (size > MAX_ELEMENTS) throw new CorruptModelError(`${what}.dims`, `at most ${MAX_ELEMENTS} elements`, `[${dims.join(', ')}]`);
  }
  if (t.data_location === 1 || (t.external_data?.length ?? 0) > 0)
    throw new CorruptModelError(`${what}.data_location`, 'data inside the file (external data files are not read)', 'EXTERNAL');
  const dataType = t.data_type ?? 0;
  const width = ELEMENT_BYTES[dataType];
  if (width === undefined)
    throw new CorruptModelError(`${what}.data_type`, 'FLOAT (1), INT32 (6), INT64 (7) or DOUBLE (11)', `${dataType}`);
  const isFloat = dataType === DataType.FLOAT || dataType === DataType.DOUBLE;
  const typed: Record<number, number[] | undefined> = {
    [DataType.FLOAT]: t.float_data,
    [DataType.DOUBLE]: t.double_data,
    [DataType.INT32]: t.int32_data,
    [DataType.INT64]: t.int64_data,
  };
  const fields = typed[dataType];
  let values: ArrayLike<number>;
  if (t.raw_data !== undefined && t.raw_data.length > 0) {
    if (fields !== undefined && fields.length > 0) throw new CorruptModelError(what, 'raw_data or a typed data field, not both', 'both');
    if (t.raw_data.length !== size * width)
      throw new CorruptModelError(`${what}.raw_data`, `${size * width} bytes (${size} elements of ${width})`, `${t.raw_data.length} bytes`);
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++)
      out[i] =
        dataType === DataType.FLOAT
          ? view.getFloat32(i * 4, true)
          : dataType === DataType.DOUBLE
            ? view.getFloat64(i * 8, true)
            : dataType === DataType.INT32
              ? view.getInt32(i * 4, true)
              : Number(view.getBigInt64(i * 8, true));
    values = out;
  } else {
    const data = fields ?? [];
    if (data.length !== size) throw new CorruptModelError(`${what} data`, `${size} values (dims [${dims.join(', ')}])`, `${data.length}`);
    values = data;
  }
  return isFloat
    ? { dims: [...dims], dataType, floats: Float64Array.from(values), ints: null }
    : { dims: [...dims], dataType, floats: null, ints: Array.from(values) };
}

const decodeText = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Typed access to a node's attributes; `where` names the node in errors. */
export class Attributes {
  private readonly byName = new Map<string, DecodedAttribute>();

  constructor(
    node: DecodedNode,
    private readonly where: string,
  ) {
    for (const a of node.attribute ?? []) {
      if (typeof a.name !== 'string' || a.name === '') throw new CorruptModelError(`${where}.attribute`, 'a name', describe(a.name));
      if (this.byName.has(a.name)) throw new CorruptModelError(`${where}.attribute "${a.name}"`, 'one definition', 'two');
      this.byName.set(a.name, a);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, type: number, field: keyof DecodedAttribute, typeName: string): DecodedAttribute | undefined {
    const a = this.byName.get(name);
    if (a === undefined) return undefined;
    if ((a.type !== undefined && a.type !== type) || (a.type === undefined && a[field] === undefined))
      throw new CorruptModelError(`${this.where}.attribute "${name}"`, `type ${typeName}`, `type ${a.type ?? 'UNDEFINED'}`);
    return a;
  }

  int(name: string): number | undefined {
    const v = this.get(name, AttributeType.INT, 'i', 'INT')?.i;
    return v === undefined ? (this.byName.has(name) ? 0 : undefined) : v;
  }

  float(name: string): number | undefined {
    const v = this.get(name, AttributeType.FLOAT, 'f', 'FLOAT')?.f;
    return v === undefined ? (this.byName.has(name) ? 0 : undefined) : v;
  }

  string(name: string): string | undefined {
    const a = this.get(name, AttributeType.STRING, 's', 'STRING');
    return a === undefined ? undefined : decodeText(a.s ?? new Uint8Array());
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.INTS, 'ints', 'INTS');
    return a === undefined ? undefined : (a.ints ?? []);
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.FLOATS, 'floats', 'FLOATS');
    return a === undefined ? undefined : (a.floats ?? []);
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name, AttributeType.STRINGS, 'strings', 'STRINGS');
    return a === undefined ? undefined : (a.strings ?? []).map(decodeText);
  }

  tensor(name: string): DecodedTensor | undefined {
    return this.get(name, AttributeType.TENSOR, 't', 'TENSOR')?.t;
  }
}
