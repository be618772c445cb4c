// The file of a fitted pipeline (forecaster or classifier): everything needed to predict again on any
// backend — its configuration, fitted scalers, calibration residuals and history tail in a JSON manifest
// { format: "rnn-timeseries", kind, ..., tensors: [{ name, size, offset }], elements } — and the network weights
// as float64 (exact for float32 and float64 backends), in core's checksummed container (docs/model-format.md)
// with magic "RNNTSPIP". Loading checks sizes, the checksum and the manifest before trusting anything: damage is a
// CorruptModelError.
import {
  BlobWriter,
  type ContainerFormat,
  CorruptModelError,
  type FloatArray,
  raw,
  readContainer,
  type Sequential,
  writeContainer,
} from '@rnn/core';

export const BUNDLE_VERSION = 1;
const FORMAT: ContainerFormat = { magic: 'RNNTSPIP', version: BUNDLE_VERSION, description: 'an @rnn/timeseries file' };

interface TensorEntry {
  name: string;
  size: number;
  offset: number;
}

export function writeBundle(kind: string, manifest: Record<string, unknown>, weights: Readonly<Record<string, FloatArray>>): Uint8Array {
  const blob = new BlobWriter();
  const tensors: TensorEntry[] = Object.entries(weights).map(([name, w]) => ({ name, size: w.length, offset: blob.add(w) }));
  return writeContainer(FORMAT, { ...manifest, format: 'rnn-timeseries', kind, tensors, elements: blob.elements }, blob, 'float64');
}

export function readBundle(bytes: Uint8Array, kind: string): { manifest: Record<string, unknown>; weights: Record<string, Float64Array> } {
  const file = readContainer(FORMAT, bytes);
  const manifest = file.manifest;
  if (manifest.format !== 'rnn-timeseries') throw new CorruptModelError('manifest.format', '"rnn-timeseries"', manifest.format);
  if (manifest.kind !== kind) throw new CorruptModelError('manifest.kind', `"${kind}"`, manifest.kind);
  const blob = file.blob('float64', manifest.elements);
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
      t.offset + t.size > blob.elements
    )
      throw new CorruptModelError(`manifest.tensors[${i}]`, `{ name, size, offset } inside the ${blob.elements}-element blob`, t);
    weights[t.name] = blob.read(t.offset, t.size);
  }
  return { manifest, weights };
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
