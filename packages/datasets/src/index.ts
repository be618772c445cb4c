// Loaders for the data sets shipped in ../data (each folder has its source and licence in a README).
import { readFileSync } from 'node:fs';

/** The data folder; the same relative path from src/ (tests) and dist/ (built). */
const dataFile = (path: string): URL => new URL(`../data/${path}`, import.meta.url);

/** Tiny Shakespeare (public domain text, via karpathy/char-rnn): 1,115,394 characters. */
export function loadTinyShakespeare(): string {
  return readFileSync(dataFile('tiny-shakespeare/input.txt'), 'utf8');
}

export interface DigitRecording {
  digit: number;
  frames: number;
  /** [frames, 13] MFCC coefficients, row-major. */
  features: Float32Array;
}

/** Free Spoken Digit Dataset as 13 MFCCs per frame (CC BY-SA 4.0, see data/fsdd-mfcc/README.md): 3,000 recordings. */
export function loadFsddMfcc(): DigitRecording[] {
  const bin = readFileSync(dataFile('fsdd-mfcc/mfcc-13.f32le.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const rows = readFileSync(dataFile('fsdd-mfcc/utterances.csv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((line) => {
    const [, digit, frames, offset] = line.split(',').map(Number) as [number, number, number, number];
    return { digit, frames, features: all.slice(offset * 13, (offset + frames) * 13) };
  });
}

export * from './convert.js';
export * from './ner-translation.js';
export * from './text.js';
export * from './timeseries.js';
