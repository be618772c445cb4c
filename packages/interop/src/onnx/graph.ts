// A small ONNX graph builder: unique value names, float / integer initializers, nodes with typed attributes,
// and serialisation to a ModelProto.
import { AttributeType, DataType, ModelProto } from './proto.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export const attr = {
  int: (name: string, i: number): Attribute => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): Attribute => ({ name, type: AttributeType.FLOAT, f }),
  string: (name: string, s: string): Attribute => ({ name, type: AttributeType.STRING, s: utf8(s) }),
  ints: (name: string, ints: number[]): Attribute => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: number[]): Attribute => ({ name, type: AttributeType.FLOATS, floats }),
  strings: (name: string, strings: string[]): Attribute => ({ name, type: AttributeType.STRINGS, strings: strings.map(utf8) }),
};

/** A dimension: a size, or a name for a dynamic one (batch, time). */
export type Dim = number | string;

interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

interface Node {
  op_type: string;
  name: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export class Graph {
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A value name not used yet, derived from `base`. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    const unique = this.unique(name);
    this.inputs.push(valueInfo(unique, elemType, dims));
    return unique;
  }

  /** Declares `value` as a graph output, renaming it to `name` when it is the last node's output. */
  output(value: string, name: string, elemType: number, dims: readonly Dim[]): void {
    const last = this.nodes[this.nodes.length - 1];
    const at = last?.output.indexOf(value) ?? -1;
    if (last && at >= 0 && !this.taken.has(name)) {
      last.output[at] = name;
      this.taken.add(name);
    } else this.node('Identity', [value], [], [name]);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 initializer (values are rounded to float32). */
  floats(base: string, dims: readonly number[], values: ArrayLike<number>): string {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return this.initializer(base, dims, DataType.FLOAT, bytes);
  }

  /** An int64 initializer. */
  int64s(base: string, dims: readonly number[], values: readonly number[]): string {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    return this.initializer(base, dims, DataType.INT64, bytes);
  }

  /** A scalar constant, shared by every node that uses the same value. */
  scalar(kind: 'float' | 'int64', value: number): string {
    const key = `${kind}:${value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = kind === 'float' ? this.floats(`const_${value}`, [], [value]) : this.int64s(`index_${value}`, [], [value]);
      this.constants.set(key, name);
    }
    return name;
  }

  private initializer(base: string, dims: readonly number[], dataType: number, rawData: Uint8Array): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims: [...dims], data_type: dataType, raw_data: rawData });
    return name;
  }

  /** Adds a node; `outputs` are base names ('' for an output the node may skip). Returns the output names. */
  node(
    op: string,
    inputs: readonly string[],
    attributes: readonly Attribute[] = [],
    outputs: readonly string[] = [op.toLowerCase()],
  ): string[] {
    const names = outputs.map((o) => (o === '' ? '' : this.unique(o)));
    this.nodes.push({ op_type: op, name: this.unique(`${op}_node`), input: [...inputs], output: names, attribute: [...attributes] });
    return names;
  }

  /** Single-output shorthand. */
  op(op: string, inputs: readonly string[], attributes: readonly Attribute[] = [], output = op.toLowerCase()): string {
    return this.node(op, inputs, attributes, [output])[0]!;
  }

  toModel(o: { opset: number; irVersion: number; name: string; docString: string; metadata: Record<string, string> }): Uint8Array {
    const model = {
      ir_version: o.irVersion,
      opset_import: [{ domain: '', version: o.opset }],
      producer_name: '@rnn/interop',
      doc_string: o.docString,
      graph: {
        name: o.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadata_props: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
    };
    // protobufjs hands out a Node Buffer (possibly a slice of a shared pool) in Node: return a plain copy
    return new Uint8Array(ModelProto.encode(ModelProto.fromObject(model)).finish());
  }
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfo {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
