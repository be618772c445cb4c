import { CorruptModelError, InvalidArgumentError, ShapeError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { readSafetensors, SAFETENSORS_DTYPES, type SafetensorsDType, type TensorInput, writeSafetensors } from './safetensors.js';

const list = (a: ArrayLike<number | bigint>): (number | bigint)[] => Array.from(a);

const ascii = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const f32Bytes = (values: number[]): number[] => Array.from(new Uint8Array(Float32Array.from(values).buffer));

/** A file from a header object (or raw header text) and data bytes, with no padding unless the text has it. */
function file(header: unknown, data: number[] = [], lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors writer: byte-identical to the reference implementation', () => {
  // Expected bytes from huggingface/safetensors' own serialisation tests (safetensors/src/tensor.rs).
  it('one F32 tensor whose header is already a multiple of 8 bytes', () => {
    const bytes = writeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: [0, 1, 2, 3, 4, 5] } });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(Array.from(bytes)).toEqual([64, 0, 0, 0, 0, 0, 0, 0, ...ascii(header), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
  });

  it('pads the header with spaces so the data stays aligned', () => {
    const bytes = writeSafetensors({ attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: [0, 1, 2, 3, 4, 5] } });
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ';
    expect(Array.from(bytes)).toEqual([72, 0, 0, 0, 0, 0, 0, 0, ...ascii(header), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
  });

  it('empty files, with and without metadata', () => {
    expect(Array.from(writeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(writeSafetensors(new Map(), { framework: 'pt' }))).toEqual([
      40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...ascii('{"__metadata__":{"framework":"pt"}}'),
      32,
      32,
      32,
      32,
      32,
    ]);
    expect(readSafetensors(writeSafetensors({}, { framework: 'pt' }))).toEqual({ tensors: new Map(), metadata: { framework: 'pt' } });
  });

  it('orders tensors by element size, then name, so every tensor starts at a multiple of its size', () => {
    const bytes = writeSafetensors({
      c: { dtype: 'U8', shape: [3], data: [1, 2, 3] },
      b: { dtype: 'F64', shape: [1], data: [1] },
      a: { dtype: 'F16', shape: [1], data: [1] },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['b', 'a', 'c']);
    expect(header.b.data_offsets).toEqual([0, 8]);
    expect(header.a.data_offsets).toEqual([8, 10]);
    expect(header.c.data_offsets).toEqual([10, 13]);
    expect((8 + n) % 8).toBe(0);
  });

  it('keeps integer-like tensor names in order (no JSON object key reordering)', () => {
    const tensors = new Map<string, TensorInput>([
      ['10', { shape: [1], data: [1] }],
      ['2', { shape: [1], data: [2] }],
    ]);
    const read = readSafetensors(writeSafetensors(tensors));
    expect([...read.tensors.keys()].sort()).toEqual(['10', '2']);
    expect(list(read.tensors.get('2')!.data)).toEqual([2]);
  });
});

describe('safetensors round trips every dtype', () => {
  const cases: [SafetensorsDType, TensorInput['data'], ArrayLike<number | bigint>][] = [
    ['F64', [1.5, -(2 ** -1074), Number.MAX_VALUE, Math.PI], [1.5, -(2 ** -1074), Number.MAX_VALUE, Math.PI]],
    ['F32', [1.5, -0.1, 3e38, 2 ** -149], [1.5, Math.fround(-0.1), Math.fround(3e38), 2 ** -149]],
    // F16: exact values, ties to even (1 + 2^-11 → 1), the largest finite, subnormals, -0, ±∞
    [
      'F16',
      [1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 2 ** -24, 2 ** -25, 3 * 2 ** -25, -0, Number.NEGATIVE_INFINITY, -2.5],
      [1, 1, 1 + 2 ** -9, 65504, 2 ** -24, 0, 2 ** -23, -0, Number.NEGATIVE_INFINITY, -2.5],
    ],
    // BF16: the top half of a float32, rounded to nearest even
    [
      'BF16',
      [1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.0e38, -0.5, Number.POSITIVE_INFINITY],
      [1, 1, 1 + 2 ** -6, 3.00405527047391e38 /* bits 0x7f62 */, -0.5, Number.POSITIVE_INFINITY],
    ],
    ['I64', BigInt64Array.from([-(2n ** 63n), 0n, 2n ** 63n - 1n]), BigInt64Array.from([-(2n ** 63n), 0n, 2n ** 63n - 1n])],
    ['U64', BigUint64Array.from([0n, 2n ** 64n - 1n]), BigUint64Array.from([0n, 2n ** 64n - 1n])],
    ['I32', [-(2 ** 31), 7, 2 ** 31 - 1], [-(2 ** 31), 7, 2 ** 31 - 1]],
    ['U32', [0, 2 ** 32 - 1], [0, 2 ** 32 - 1]],
    ['I16', [-32768, 32767], [-32768, 32767]],
    ['U16', [0, 65535], [0, 65535]],
    ['I8', [-128, 127], [-128, 127]],
    ['U8', [0, 255], [0, 255]],
    ['BOOL', [0, 1, 1], [0, 1, 1]],
  ];
  it('covers every dtype', () => expect(cases.map((c) => c[0]).sort()).toEqual([...SAFETENSORS_DTYPES].sort()));
  for (const [dtype, input, expected] of cases)
    it(dtype, () => {
      const read = readSafetensors(writeSafetensors({ t: { dtype, shape: [input.length], data: input } }));
      const t = read.tensors.get('t')!;
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([input.length]);
      expect(Array.from(t.data as ArrayLike<number>)).toEqual(Array.from(expected as ArrayLike<number>));
      expect(readSafetensors(writeSafetensors(read.tensors)).tensors).toEqual(read.tensors); // stable
    });

  it('F16 and BF16 NaN stay NaN; the array type chooses the default dtype', () => {
    const read = readSafetensors(
      writeSafetensors({ h: { dtype: 'F16', shape: [1], data: [Number.NaN] }, b: { dtype: 'BF16', shape: [1], data: [Number.NaN] } }),
    );
    expect(read.tensors.get('h')!.data[0]).toBeNaN();
    expect(read.tensors.get('b')!.data[0]).toBeNaN();
    const d = readSafetensors(
      writeSafetensors({
        a: { shape: [1], data: new Float64Array(1) },
        b: { shape: [1], data: new Int32Array(1) },
        c: { shape: [2], data: [1, 2] },
      }),
    );
    expect([...d.tensors].map(([k, v]) => `${k}:${v.dtype}`).sort()).toEqual(['a:F64', 'b:I32', 'c:F32']);
  });

  it('reads files it did not write: unpadded header, any key order, zero-size tensors, metadata', () => {
    const bytes = file(
      {
        b: { dtype: 'I16', shape: [2], data_offsets: [4, 8] },
        __metadata__: { format: 'pt', note: 'x' },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        e: { dtype: 'F64', shape: [0, 3], data_offsets: [8, 8] },
      },
      [...f32Bytes([2.5]), 1, 0, 255, 255],
    );
    const read = readSafetensors(bytes);
    expect(read.metadata).toEqual({ format: 'pt', note: 'x' });
    expect(list(read.tensors.get('a')!.data)).toEqual([2.5]);
    expect(list(read.tensors.get('b')!.data)).toEqual([1, -1]);
    expect(read.tensors.get('e')).toEqual({ dtype: 'F64', shape: [0, 3], data: new Float64Array(0) });
    // a scalar (shape []) holds one element
    expect(list(readSafetensors(file({ s: { dtype: 'U8', shape: [], data_offsets: [0, 1] } }, [7])).tensors.get('s')!.data)).toEqual([7]);
  });
});

describe('safetensors reader rejects malformed files with CorruptModelError', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'a file shorter than the length field',
      new Uint8Array(5),
      /safetensors header length: expected an 8-byte little-endian length, received a 5-byte file/,
    ],
    [
      'a header length beyond the file',
      file(ok, new Array(8).fill(0), 1000n),
      /safetensors header length: expected at most 62 bytes .* received 1000 bytes/,
    ],
    ['a huge header length', file(ok, new Array(8).fill(0), 2n ** 63n), /received 9223372036854775808 bytes/],
    ['invalid UTF-8', file('{"ab":1}').map((b, i) => (i === 10 ? 0xff : b)), /safetensors header: expected UTF-8 text/],
    ['a header that is not JSON', file('{"w": {dtype}}'), /safetensors header: expected valid JSON/],
    ['trailing garbage after the JSON', file('{} x'), /expected valid JSON \(the end of the text/],
    ['a header that is an array', file('[]'), /safetensors header: expected a JSON object, received an array of 0/],
    [
      'duplicate keys',
      file(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        new Array(8).fill(0),
      ),
      /unique keys .* received "w"/,
    ],
    [
      'duplicate keys inside an entry',
      file('{"w":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', new Array(4).fill(0)),
      /unique keys/,
    ],
    ['deep nesting', file(`{"w":${'['.repeat(5000)}${']'.repeat(5000)}}`), /at most 16 nested levels/],
    [
      'metadata values that are not strings',
      file({ __metadata__: { n: 1 } }),
      /safetensors\["__metadata__"\]\["n"\]: expected a string, received 1/,
    ],
    ['an entry that is not an object', file({ w: [1] }), /safetensors\["w"\]: expected an object/],
    [
      'an entry with an unknown key',
      file({ w: { ...ok.w, extra: 1 } }, new Array(8).fill(0)),
      /safetensors\["w"\]: expected only the keys dtype, shape, data_offsets, received "extra"/,
    ],
    [
      'an unknown dtype',
      file({ w: { ...ok.w, dtype: 'F128' } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.dtype: expected one of F64, .* received "F128"/,
    ],
    [
      'a missing dtype',
      file({ w: { shape: [2], data_offsets: [0, 8] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.dtype: .* received nothing/,
    ],
    [
      'a negative dimension',
      file({ w: { ...ok.w, shape: [-2] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.shape: expected an array of non-negative integers/,
    ],
    ['a fractional dimension', file({ w: { ...ok.w, shape: [2.5] } }, new Array(8).fill(0)), /safetensors\["w"\]\.shape/],
    [
      'offsets that are not [begin, end]',
      file({ w: { ...ok.w, data_offsets: [8, 0] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.data_offsets: expected \[begin, end\]/,
    ],
    [
      'offsets past the buffer',
      file({ w: { ...ok.w, data_offsets: [0, 16] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.data_offsets: expected a range inside the 8-byte data buffer, received \[0, 16\]/,
    ],
    [
      'shape × dtype ≠ byte range',
      file({ w: { ...ok.w, shape: [3] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.shape: expected 8 bytes .* received \[3\] \(12 bytes\)/,
    ],
    [
      'a huge shape',
      file({ w: { ...ok.w, shape: [2 ** 40, 2 ** 40, 2 ** 40] } }, new Array(8).fill(0)),
      /safetensors\["w"\]\.shape: expected 8 bytes .* \(more than 9007199254740991 bytes\)/,
    ],
    [
      'overlapping tensors',
      file(
        { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } },
        new Array(8).fill(0),
      ),
      /safetensors\["b"\]\.data_offsets: expected a byte range that does not overlap "a"/,
    ],
    [
      'a gap between tensors',
      file(
        { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
        new Array(12).fill(0),
      ),
      /safetensors\["b"\]\.data_offsets: expected to start at byte 4, where "a" ends/,
    ],
    [
      'bytes after the last tensor',
      file(ok, new Array(12).fill(0)),
      /safetensors data buffer: expected 8 bytes \(the end of the last tensor, "w"\), received 12 bytes/,
    ],
    [
      'a truncated data buffer',
      file(ok, new Array(6).fill(0)),
      /safetensors\["w"\]\.data_offsets: expected a range inside the 6-byte data buffer/,
    ],
    [
      'BOOL bytes other than 0 and 1',
      file({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 2]),
      /safetensors\["m"\]: expected BOOL bytes of 0 or 1/,
    ],
  ];
  for (const [name, bytes, message] of cases)
    it(name, () => {
      expect(() => readSafetensors(bytes)).toThrow(CorruptModelError);
      expect(() => readSafetensors(bytes)).toThrow(message);
    });

  it('"__proto__" is an ordinary tensor name', () => {
    const read = readSafetensors(file('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [3]));
    expect(list(read.tensors.get('__proto__')!.data)).toEqual([3]);
  });

  it('rejects a non-Uint8Array argument', () => {
    expect(() => readSafetensors([1, 2] as never)).toThrow(InvalidArgumentError);
  });
});

describe('safetensors writer validation', () => {
  it('names the tensor and the problem', () => {
    expect(() => writeSafetensors({ w: { shape: [2, 2], data: [1, 2, 3] } })).toThrow(ShapeError);
    expect(() => writeSafetensors({ w: { shape: [2, 2], data: [1, 2, 3] } })).toThrow(
      /tensors\["w"\]\.data: expected 4 values \(shape \[2, 2\]\), received 3 values/,
    );
    expect(() => writeSafetensors({ w: { dtype: 'F8' as never, shape: [1], data: [1] } })).toThrow(
      /tensors\["w"\]\.dtype: expected one of/,
    );
    expect(() => writeSafetensors({ w: { shape: [-1], data: [] } })).toThrow(/tensors\["w"\]\.shape/);
    expect(() => writeSafetensors({ w: { dtype: 'I32', shape: [1], data: [1.5] } })).toThrow(
      /tensors\["w"\]\.data\[0\]: expected a value representable as I32, received 1.5/,
    );
    expect(() => writeSafetensors({ w: { dtype: 'U8', shape: [2], data: [1, 256] } })).toThrow(
      /tensors\["w"\]\.data\[1\]: expected a value representable as U8/,
    );
    expect(() => writeSafetensors({ w: { dtype: 'F16', shape: [1], data: [70000] } })).toThrow(/representable as F16, received 70000/);
    expect(() => writeSafetensors({ w: { dtype: 'BF16', shape: [1], data: [3.5e38] } })).toThrow(/representable as BF16/);
    expect(() => writeSafetensors({ w: { dtype: 'F32', shape: [1], data: [1e39] } })).toThrow(/representable as F32/);
    expect(() => writeSafetensors({ w: { dtype: 'F32', shape: [1], data: new BigInt64Array(1) } })).toThrow(/I64 or U64 for BigInt64Array/);
    expect(() => writeSafetensors({ __metadata__: { shape: [1], data: [1] } })).toThrow(/reserved/);
    expect(() => writeSafetensors({}, { n: 1 as never })).toThrow(/metadata\["n"\]: expected a string/);
    expect(() => writeSafetensors({ w: null as never })).toThrow(InvalidArgumentError);
  });
});
