// The shared container framing: a hand-computed file, round trips in both dtypes, and every check readContainer and
// blob() make, each a CorruptModelError naming the field.
import { describe, expect, it } from 'vitest';
import { CorruptModelError, InvalidArgumentError } from '../errors.js';
import { BlobWriter, type ContainerFormat, readContainer, writeContainer } from './container.js';
import { crc32 } from './crc32.js';

const FORMAT: ContainerFormat = { magic: 'TESTFILE', version: 3, description: 'a test file' };

function file(values: number[][], dtype: 'float32' | 'float64' = 'float32', extra: Record<string, unknown> = {}): Uint8Array {
  const blob = new BlobWriter();
  const tensors = values.map((v) => ({ size: v.length, offset: blob.add(v) }));
  return writeContainer(FORMAT, { ...extra, dtype, tensors, elements: blob.elements }, blob, dtype);
}

/** Replaces bytes [at, at + part.length) and re-seals the checksum, to reach the checks behind the CRC. */
function patched(bytes: Uint8Array, at: number, part: Uint8Array | number[]): Uint8Array {
  const out = bytes.slice();
  out.set(part, at);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

/** A sealed file from a raw manifest text and blob. */
function raw(manifest: string, blob: number[] = []): Uint8Array {
  const json = new TextEncoder().encode(manifest);
  const out = new Uint8Array(16 + json.length + blob.length + 4);
  out.set(new TextEncoder().encode(FORMAT.magic), 0);
  out.set(u32(FORMAT.version), 8);
  out.set(u32(json.length), 12);
  out.set(json, 16);
  out.set(blob, 16 + json.length);
  return patched(out, 0, []);
}

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptModelError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('container framing', () => {
  it('writes the documented layout: magic, u32 version, u32 manifest length, JSON, LE floats, CRC-32', () => {
    const blob = new BlobWriter();
    expect(blob.add([1.5])).toBe(0);
    expect(blob.add([-2])).toBe(1);
    const bytes = writeContainer(FORMAT, { a: 1 }, blob, 'float32');
    const expected = [
      ...new TextEncoder().encode('TESTFILE'),
      ...u32(3),
      ...u32(7),
      ...new TextEncoder().encode('{"a":1}'),
      ...[0x00, 0x00, 0xc0, 0x3f], // 1.5 as float32 LE
      ...[0x00, 0x00, 0x00, 0xc0], // -2 as float32 LE
    ];
    expect(Array.from(bytes.subarray(0, bytes.length - 4))).toEqual(expected);
    expect(new DataView(bytes.buffer).getUint32(bytes.length - 4, true)).toBe(crc32(Uint8Array.from(expected)));
  });

  it.each(['float32', 'float64'] as const)('round-trips the manifest and the blob (%s)', (dtype) => {
    const values = [[0.25, -3, 1e-3], [], [7]];
    const bytes = file(values, dtype, { name: 'x' });
    const c = readContainer(FORMAT, bytes);
    expect(c.manifest).toEqual({
      name: 'x',
      dtype,
      tensors: [
        { size: 3, offset: 0 },
        { size: 0, offset: 3 },
        { size: 1, offset: 3 },
      ],
      elements: 4,
    });
    const blob = c.blob(c.manifest.dtype, c.manifest.elements);
    expect([blob.dtype, blob.elements]).toEqual([dtype, 4]);
    expect(Array.from(blob.read(0, 3))).toEqual(dtype === 'float64' ? [0.25, -3, 1e-3] : [0.25, -3, Math.fround(1e-3)]);
    expect(Array.from(blob.read(3, 1))).toEqual([7]);
    expect(blob.read(4, 0)).toHaveLength(0);
    // a view into a larger buffer reads the same
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 5);
    expect(
      readContainer(FORMAT, padded.subarray(5, 5 + bytes.length))
        .blob(dtype, 4)
        .read(0, 4),
    ).toEqual(blob.read(0, 4));
  });

  it('checks length, magic, version, manifest length and checksum before parsing', () => {
    const good = file([[1, 2]]);
    expect(error(() => readContainer(FORMAT, [1, 2] as unknown as Uint8Array))).toBe('bytes: expected a Uint8Array, received [1, 2]');
    expect(error(() => readContainer(FORMAT, good.subarray(0, 19)))).toBe('file: expected at least 20 bytes, received 19 bytes');
    expect(error(() => readContainer(FORMAT, patched(good, 0, [0x52, 0x4e, 0x4e, 0x00])))).toBe(
      'file.magic: expected "TESTFILE" (a test file), received "RNN\\u0000FILE"',
    );
    expect(error(() => readContainer(FORMAT, patched(good, 8, u32(4))))).toBe('file.version: expected format version 3, received 4');
    expect(error(() => readContainer(FORMAT, patched(good, 12, u32(2 ** 32 - 1))))).toBe(
      `file.manifestLength: expected at most ${good.length - 20} bytes, received 4294967295`,
    );
    const capped = { ...FORMAT, maxManifestBytes: 10 };
    expect(error(() => readContainer(capped, good))).toMatch(/^file\.manifestLength: expected at most 10 bytes, received \d+$/);
    const flipped = good.slice();
    flipped[20]! ^= 4;
    expect(error(() => readContainer(FORMAT, flipped))).toMatch(
      /^file\.checksum: expected CRC-32 [0-9a-f]+ \(the file is damaged or was altered\), received [0-9a-f]+$/,
    );
  });

  it('needs a UTF-8 JSON object as manifest, even a hostile deeply nested one', () => {
    expect(error(() => readContainer(FORMAT, raw('{"a":')))).toMatch(/^file\.manifest: expected valid UTF-8 JSON, received /);
    expect(error(() => readContainer(FORMAT, patched(raw('"ab"'), 17, [0xff])))).toMatch(/^file\.manifest: expected valid UTF-8 JSON/);
    expect(error(() => readContainer(FORMAT, raw('null')))).toBe('manifest: expected an object, received null');
    expect(error(() => readContainer(FORMAT, raw('7')))).toBe('manifest: expected an object, received a number');
    expect(error(() => readContainer(FORMAT, raw(`${'['.repeat(50000)}${']'.repeat(50000)}`)))).toBe(
      'manifest: expected an object, received an array',
    );
  });

  it('blob() checks the dtype and that the element count fills the blob exactly; read() stays inside it', () => {
    const c = readContainer(FORMAT, raw('{}', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(error(() => c.blob('int8', 3))).toBe('manifest.dtype: expected "float32" or "float64", received int8');
    expect(error(() => c.blob('float32', 4))).toBe("manifest.elements: expected 3 (the blob's size), received 4");
    expect(error(() => c.blob('float32', '3'))).toBe("manifest.elements: expected 3 (the blob's size), received 3");
    // 12 bytes are not a whole number of float64 values, whatever the manifest claims
    expect(error(() => c.blob('float64', 1.5))).toBe(
      'manifest.elements: expected a whole number of 8-byte values (the blob has 12 bytes), received 1.5',
    );
    expect(c.blob('float32', 3).elements).toBe(3);
    const blob = c.blob('float32', 3);
    expect(error(() => blob.read(2, 2))).toBe('blob: expected a range inside the 3-element blob, received offset 2 + 2 elements');
    expect(error(() => blob.read(-1, 1))).toBe('blob: expected a range inside the 3-element blob, received offset -1 + 1 elements');
  });

  it('rejects a format description that cannot frame a file', () => {
    const blob = new BlobWriter();
    expect(() => writeContainer({ ...FORMAT, magic: 'SHORT' }, {}, blob, 'float32')).toThrow(InvalidArgumentError);
    expect(() => writeContainer({ ...FORMAT, magic: 'SHORT' }, {}, blob, 'float32')).toThrow(
      'format.magic: expected 8 printable ASCII characters, received "SHORT"',
    );
    expect(() => readContainer({ ...FORMAT, version: -1 }, file([]))).toThrow(
      'format.version: expected an integer from 0 to 2^32 - 1, received -1',
    );
  });
});
