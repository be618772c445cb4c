// The checksummed container every rnn model file uses (docs/model-format.md): the native model file ("RNNMODEL"),
// @rnn/nlp's models ("RNNNLPMD") and @rnn/timeseries' pipelines ("RNNTSPIP") differ only in magic and manifest.
//
//   0   8  magic: 8 ASCII characters naming the format
//   8   4  u32 format version
//   12  4  u32 manifest length M
//   16  M  UTF-8 JSON manifest (an object)
//   ..  N  blob: little-endian float32 or float64 numbers
//   end 4  u32 CRC-32 of all preceding bytes
//
// Reading never trusts the bytes: every size is checked against the bytes present before anything is allocated,
// and every failure is a CorruptModelError naming the field, what was expected and what was found.
import type { DType } from '../backend/contract.js';
import { CorruptModelError, InvalidArgumentError } from '../errors.js';
import { crc32 } from './crc32.js';

const HEADER = 16;
const TRAILER = 4;

/** What identifies one file format inside the container. */
export interface ContainerFormat {
  /** 8 ASCII characters opening the file, e.g. "RNNMODEL". */
  magic: string;
  /** The one format version written and accepted. */
  version: number;
  /** What such a file is, for the wrong-magic error, e.g. "an rnn model file". */
  description: string;
  /** Largest manifest accepted, in bytes (default 64 MiB): manifests are small, anything larger is hostile. */
  maxManifestBytes?: number;
}

/** The blob being written: tensors' values in order. `add` returns where each starts, in elements. */
export class BlobWriter {
  readonly chunks: ArrayLike<number>[] = [];
  elements = 0;

  add(data: ArrayLike<number>): number {
    const offset = this.elements;
    this.chunks.push(data);
    this.elements += data.length;
    return offset;
  }
}

/** A tensor table entry { name, shape, offset } of the core and nlp manifests, checked against the blob. */
export interface TensorEntry {
  name: string;
  shape: number[];
  /** Where the values start in the blob, in elements. */
  offset: number;
  /** Elements (the product of the shape). */
  size: number;
}

/** The blob of a file being read, its size checked against the manifest's element count. */
export interface BlobReader {
  readonly dtype: DType;
  readonly elements: number;
  /** `size` numbers from element `offset` on, widened to float64. */
  read(offset: number, size: number): Float64Array;
  /** Checks a manifest's { name, shape, offset } entry (named `where` in errors) and that its data is inside the blob. */
  entry(where: string, e: unknown): TensorEntry;
}

/** A checked file: its manifest, and its blob once the manifest says how to read it. */
export interface Container {
  manifest: Record<string, unknown>;
  /** The blob as `dtype` ("float32" or "float64"), which must hold exactly `elements` numbers (both from the manifest). */
  blob(dtype: unknown, elements: unknown): BlobReader;
}

const corrupt = (what: string, expected: string, received: unknown): CorruptModelError => new CorruptModelError(what, expected, received);
const widthOf = (dtype: DType): number => (dtype === 'float32' ? 4 : 8);
const isShape = (s: unknown): s is number[] =>
  Array.isArray(s) && s.length > 0 && s.length <= 8 && s.every((d) => Number.isInteger(d) && d > 0 && d <= 2 ** 31);

function checkFormat(format: ContainerFormat): void {
  if (!/^[\x20-\x7e]{8}$/.test(format?.magic))
    throw new InvalidArgumentError('format.magic', '8 printable ASCII characters', format?.magic);
  if (!Number.isInteger(format.version) || format.version < 0 || format.version > 0xffffffff)
    throw new InvalidArgumentError('format.version', 'an integer from 0 to 2^32 - 1', format.version);
}

/** The file bytes for `manifest` (serialised as JSON, keys in their order) and the blob's numbers in `dtype`. */
export function writeContainer(format: ContainerFormat, manifest: object, blob: BlobWriter, dtype: DType): Uint8Array {
  checkFormat(format);
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const width = widthOf(dtype);
  const out = new Uint8Array(HEADER + json.length + blob.elements * width + TRAILER);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = format.magic.charCodeAt(i);
  view.setUint32(8, format.version, true);
  view.setUint32(12, json.length, true);
  out.set(json, HEADER);
  let pos = HEADER + json.length;
  for (const c of blob.chunks)
    for (let i = 0; i < c.length; i++, pos += width)
      if (width === 4) view.setFloat32(pos, c[i]!, true);
      else view.setFloat64(pos, c[i]!, true);
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
  return out;
}

/**
 * Checks a file's framing — length, magic, version, manifest length, CRC-32, a JSON object as manifest — and
 * returns the manifest; the blob is read through `blob(dtype, elements)` once the caller has the manifest's values.
 */
export function readContainer(format: ContainerFormat, bytes: Uint8Array): Container {
  checkFormat(format);
  if (!(bytes instanceof Uint8Array)) throw corrupt('bytes', 'a Uint8Array', bytes);
  if (bytes.length < HEADER + TRAILER) throw corrupt('file', `at least ${HEADER + TRAILER} bytes`, `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== format.magic) throw corrupt('file.magic', `"${format.magic}" (${format.description})`, JSON.stringify(magic));
  const version = view.getUint32(8, true);
  if (version !== format.version) throw corrupt('file.version', `format version ${format.version}`, version);
  const m = view.getUint32(12, true);
  const cap = format.maxManifestBytes ?? 64 * 1024 * 1024;
  if (m > cap || HEADER + m + TRAILER > bytes.length)
    throw corrupt('file.manifestLength', `at most ${Math.min(cap, bytes.length - HEADER - TRAILER)} bytes`, m);
  const end = bytes.length - TRAILER;
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual)
    throw corrupt('file.checksum', `CRC-32 ${actual.toString(16)} (the file is damaged or was altered)`, stored.toString(16));
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + m)));
  } catch (e) {
    throw corrupt('file.manifest', 'valid UTF-8 JSON', e instanceof Error ? e.message : e);
  }
  // Named, not shown: a hostile manifest may be nested too deeply to print.
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw corrupt('manifest', 'an object', manifest === null ? 'null' : Array.isArray(manifest) ? 'an array' : `a ${typeof manifest}`);
  const start = HEADER + m;
  const blob = (dtype: unknown, elements: unknown): BlobReader => {
    if (dtype !== 'float32' && dtype !== 'float64') throw corrupt('manifest.dtype', '"float32" or "float64"', dtype);
    const width = widthOf(dtype);
    const present = (end - start) / width;
    if (!Number.isInteger(present))
      throw corrupt('manifest.elements', `a whole number of ${width}-byte values (the blob has ${end - start} bytes)`, elements);
    if (elements !== present) throw corrupt('manifest.elements', `${present} (the blob's size)`, elements);
    const read = (offset: number, size: number): Float64Array => {
      if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0 || offset + size > present)
        throw corrupt('blob', `a range inside the ${present}-element blob`, `offset ${offset} + ${size} elements`);
      const out = new Float64Array(size);
      let pos = start + offset * width;
      for (let i = 0; i < size; i++, pos += width) out[i] = width === 4 ? view.getFloat32(pos, true) : view.getFloat64(pos, true);
      return out;
    };
    const entry = (where: string, e: unknown): TensorEntry => {
      const t = e as TensorEntry | null;
      if (typeof t?.name !== 'string' || !isShape(t.shape) || !Number.isInteger(t.offset) || t.offset < 0)
        throw corrupt(where, 'a tensor entry { name, shape, offset }', e);
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (t.offset + size > present)
        throw corrupt(`${where} (${t.name})`, `data inside the ${present}-element blob`, `offset ${t.offset} + ${size} elements`);
      return { name: t.name, shape: t.shape, offset: t.offset, size };
    };
    return { dtype, elements: present, read, entry };
  };
  return { manifest: manifest as Record<string, unknown>, blob };
}
