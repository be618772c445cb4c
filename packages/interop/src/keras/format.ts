// The TF.js layers-model file format (model.json + weight shards), as written by `model.save()` in TF.js and
// by the tensorflowjs converter for Keras models, and the checked accessors used to read it: a file is never
// trusted, so every read names the field at fault in a CorruptModelError.
import { CorruptModelError, describe } from '@rnn/core';

/** One weight in the manifest: a tensor stored in the group's shards, in manifest order. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** 'optimizer' marks optimizer state (skipped on load). */
  group?: string;
  /** Dequantization: uint8 / uint16 as `q * scale + min`, or float16. */
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** Weights stored in the concatenation of `paths` (shard files relative to model.json). */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The model.json document. */
export interface LayersModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Keras topology: `{ class_name, config, keras_version, backend }` (or `{ model_config, ... }` from the converter). */
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsManifestGroup[];
  [field: string]: unknown;
}

/** Bytes of one shard file, or of all shards concatenated. */
export type WeightBytes = ArrayBuffer | Uint8Array;

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function object(v: unknown, at: string): Json {
  if (!isObject(v)) throw new CorruptModelError(at, 'an object', describe(v));
  return v;
}

export function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new CorruptModelError(at, 'an array', describe(v));
  return v;
}

export function string(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new CorruptModelError(at, 'a string', describe(v));
  return v;
}

export function positiveInt(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new CorruptModelError(at, 'a positive integer', describe(v));
  return v;
}

export function boolean(v: unknown, at: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new CorruptModelError(at, 'true or false', describe(v));
  return v;
}

export function finiteNumber(v: unknown, at: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CorruptModelError(at, 'a finite number', describe(v));
  return v;
}

/** A Keras shape such as [null, 20, 3]: null (unknown) or positive integer dimensions. */
export function shape(v: unknown, at: string): (number | null)[] {
  const a = array(v, at);
  return a.map((d, i) => (d === null ? null : positiveInt(d, `${at}[${i}]`)));
}
