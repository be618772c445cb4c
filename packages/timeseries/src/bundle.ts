// The file of a fitted pipeline (forecaster or classifier): everything needed to predict again on any
// backend — its configuration, fitted scalers, calibration residuals and history tail in a JSON manifest —
// and the network weights as float64 (exact for float32 and float64 backends).
//
//   0   8  magic "RNNTSPIP"
//   8   4  u32 format version (1)
//   12  4  u32 manifest length M
//   16  M  UTF-8 JSON manifest { format, kind, ..., tensors: [{ name, size, offset }], elements }
//   ..  8N float64 little-endian weights
//   end 4  u32 CRC-32 of all preceding bytes
//
// Loading checks sizes, the checksum and the manifest before trusting anything: damage is a CorruptModelError.
import { CorruptModelError, crc32, type FloatArray, raw, type Sequential } from '@rnn/core';

const MAGIC = 'RNNTSPIP';
export const BUNDLE_VERSION = 1;
const HEADER = 16;
const TRAILER = 4;

interface TensorEntry {
  name: string;
  size: number;
  offset: number;
}

export function writeBundle(kind: string, manifest: Record<string, unknown>, weights: Readonly<Record<string, FloatArray>>): Uint8Array {
  let elements = 0;
  const tensors: TensorEntry[] = Object.entries(weights).map(([name, w]) => {
    const e = { name, size: w.length, offset: elements };
    elements += w.length;
    return e;
  });
  const json = new TextEncoder().encode(JSON.stringify({ ...manifest, format: 'rnn-timeseries', kind, tensors, elements }));
  const out = new Uint8Array(HEADER + json.length + 8 * elements + TRAILER);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, BUNDLE_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, HEADER);
  let pos = HEADER + json.length;
  for (const w of Object.values(weights)) for (let i = 0; i < w.length; i++, pos += 8) view.setFloat64(pos, w[i]!, true);
  view.setUint32(pos, crc32(out.subarray(0, pos)), true);
  return out;
}

export function readBundle(bytes: Uint8Array, kind: string): { manifest: Record<string, unknown>; weights: Record<string, Float64Array> } {
  if (!(bytes instanceof Uint8Array)) throw new CorruptModelError('bytes', 'a Uint8Array', bytes);
  if (bytes.length < HEADER + TRAILER)
    throw new CorruptModelError('file', `at least ${HEADER + TRAILER} bytes`, raw(`${bytes.length} bytes`));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new CorruptModelError('file.magic', `"${MAGIC}" (an @rnn/timeseries file)`, JSON.stringify(magic));
  const version = view.getUint32(8, true);
  if (version !== BUNDLE_VERSION) throw new CorruptModelError('file.version', `format version ${BUNDLE_VERSION}`, version);
  const m = view.getUint32(12, true);
  const end = bytes.length - TRAILER;
  if (HEADER + m > end) throw new CorruptModelError('file.manifestLength', `at most ${end - HEADER} bytes`, m);
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual)
    throw new CorruptModelError('file.checksum', `CRC-32 ${actual.toString(16)} (the file is damaged or was altered)`, stored.toString(16));
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + m)));
  } catch (e) {
    throw new CorruptModelError('file.manifest', 'valid UTF-8 JSON', e instanceof Error ? e.message : e);
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'rnn-timeseries')
    throw new CorruptModelError('manifest.format', '"rnn-timeseries"', (manifest as { format?: unknown } | null)?.format);
  if (manifest.kind !== kind) throw new CorruptModelError('manifest.kind', `"${kind}"`, manifest.kind);
  const elements = (end - HEADER - m) / 8;
  if (manifest.elements !== elements) throw new CorruptModelError('manifest.elements', `${elements} (the blob's size)`, manifest.elements);
  const tensors = manifest.tensors as TensorEntry[];
  if (!Array.isArray(tensors)) throw new CorruptModelError('manifest.tensors', 'an array of tensor entries', tensors);
  const weights: Record<string, Float64Array> = {};
  for (const [i, t] of tensors.entries()) {
    if (
      typeof t?.name !== 'string' ||
      !Number.isInteger(t.size) ||
      !Number.isInteger(t.offset) ||
      t.size < 0 ||
      t.offset < 0 ||
      t.offset + t.size > elements
    )
      throw new CorruptModelError(`manifest.tensors[${i}]`, `{ name, size, offset } inside the ${elements}-element blob`, t);
    weights[t.name] = Float64Array.from({ length: t.size }, (_, k) => view.getFloat64(HEADER + m + 8 * (t.offset + k), true));
  }
  return { manifest, weights };
}

export function parameterCount(model: Sequential): number {
  return model.params.reduce((a, p) => a + p.value.size, 0);
}

/** Sets every weight of a model from a file; names and sizes must match exactly. */
export function setWeightsExactly(model: Sequential, weights: Readonly<Record<string, Float64Array>>): void {
  const names = model.params.map((p) => p.name);
  const extra = Object.keys(weights).find((k) => !names.includes(k));
  const missing = names.find((k) => !(k in weights));
  if (extra !== undefined || missing !== undefined)
    throw new CorruptModelError(
      'weights',
      `the tensors ${names.join(', ')}`,
      raw(missing !== undefined ? `no "${missing}"` : `an extra "${extra}"`),
    );
  for (const p of model.params)
    if (weights[p.name]!.length !== p.value.size)
      throw new CorruptModelError(`weights["${p.name}"]`, `${p.value.size} values`, weights[p.name]!.length);
  model.setWeights(weights);
}
