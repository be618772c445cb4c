// A connected-digit recogniser: normalised MFCC frames -> stacked bidirectional GRU -> dense -> CTC over
// 11 classes (blank = 0, digit d = d + 1). `transcribe` turns features into a digit string.
import {
  adam,
  type Backend,
  type Batch,
  ctcBeamSearch,
  ctcGreedyDecode,
  ctcLoss,
  dense,
  gru,
  InvalidArgumentError,
  labelErrorRate,
  type Rng,
  Sequential,
  sequenceAccuracy,
  stackedRecurrent,
} from '@rnn/core';
import type { Utterance } from './connected.js';

export interface RecognizerOptions {
  featureSize?: number;
  hiddenSize?: number;
  layers?: number;
  lr?: number;
  seed?: number;
}

export interface Scores {
  /** Edit distance over reference digits. */
  digitErrorRate: number;
  /** Utterances transcribed exactly. */
  stringAccuracy: number;
}

const BLANK = 0;
const CLASSES = 11;

export class DigitRecognizer {
  readonly model: Sequential;
  readonly featureSize: number;
  private mean: Float64Array;
  private std: Float64Array;

  constructor(backend: Backend, o: RecognizerOptions = {}) {
    this.featureSize = o.featureSize ?? 13;
    const H = o.hiddenSize ?? 64;
    this.model = new Sequential(backend, {
      layers: [
        ...stackedRecurrent({
          cell: (i) => gru({ inputSize: i, hiddenSize: H }),
          inputSize: this.featureSize,
          numLayers: o.layers ?? 2,
          bidirectional: 'concat',
          returnSequences: true,
        }),
        dense({ inputSize: 2 * H, outputSize: CLASSES }),
      ],
      loss: ctcLoss({ blank: BLANK }),
      optimizer: adam({ lr: o.lr ?? 0.003, clipNorm: 5 }),
      seed: o.seed ?? 1,
    });
    this.mean = new Float64Array(this.featureSize);
    this.std = new Float64Array(this.featureSize).fill(1);
  }

  /** Per-feature mean and standard deviation from training utterances (stored, used for every input). */
  fitNormaliser(utterances: readonly Utterance[]): void {
    const F = this.featureSize;
    const sum = new Float64Array(F);
    const sq = new Float64Array(F);
    let n = 0;
    for (const u of utterances)
      for (let i = 0; i < u.frames * F; i++) {
        sum[i % F] += u.features[i]!;
        sq[i % F] += u.features[i]! ** 2;
      }
    for (const u of utterances) n += u.frames;
    this.mean = sum.map((s) => s / n);
    this.std = sq.map((s, j) => Math.sqrt(Math.max(s / n - this.mean[j]! ** 2, 1e-8)));
  }

  /** A padded batch: x [B, Tmax, F], CTC targets [B, Lmax] (digit + 1, padded with -1), lengths. */
  batch(utterances: readonly Utterance[]): Batch {
    const F = this.featureSize;
    const T = Math.max(...utterances.map((u) => u.frames));
    const L = Math.max(...utterances.map((u) => u.digits.length));
    const x = new Float32Array(utterances.length * T * F);
    const y = new Int32Array(utterances.length * L).fill(-1);
    utterances.forEach((u, b) => {
      for (let i = 0; i < u.frames * F; i++) x[b * T * F + i] = (u.features[i]! - this.mean[i % F]!) / this.std[i % F]!;
      u.digits.forEach((d, k) => {
        y[b * L + k] = d + 1;
      });
    });
    return {
      x: { data: x, shape: [utterances.length, T, F] },
      y: { data: y, shape: [utterances.length, L] },
      lengths: utterances.map((u) => u.frames),
    };
  }

  /** One epoch of seeded shuffled mini-batches; returns the mean loss. */
  trainEpoch(utterances: readonly Utterance[], batchSize: number, rng: Rng): number {
    const order = rng.shuffle(utterances.map((_, i) => i));
    let sum = 0;
    let n = 0;
    for (let s = 0; s < order.length; s += batchSize) {
      sum += this.model.trainStep(this.batch(order.slice(s, s + batchSize).map((i) => utterances[i]!))).loss;
      n++;
    }
    return sum / n;
  }

  /** Digits spoken in `features` ([frames, featureSize] row-major). beamWidth > 1 uses prefix beam search. */
  transcribe(features: Float32Array, options: { beamWidth?: number } = {}): string {
    const F = this.featureSize;
    if (!(features instanceof Float32Array) || features.length === 0 || features.length % F !== 0)
      throw new InvalidArgumentError('features', `a non-empty Float32Array of frames x ${F}`, features);
    const frames = features.length / F;
    return this.decode(this.logits([{ digits: [], frames, features }]), 0, frames, options.beamWidth ?? 1);
  }

  /** Digit error rate and string accuracy over utterances (greedy decoding unless beamWidth > 1). */
  evaluate(utterances: readonly Utterance[], options: { beamWidth?: number; batchSize?: number } = {}): Scores {
    const hyps: string[] = [];
    const bs = options.batchSize ?? 64;
    for (let s = 0; s < utterances.length; s += bs) {
      const part = utterances.slice(s, s + bs);
      const out = this.logits(part);
      part.forEach((u, b) => hyps.push(this.decode(out, b, u.frames, options.beamWidth ?? 1)));
    }
    const refs = utterances.map((u) => u.digits.join(''));
    return { digitErrorRate: labelErrorRate(refs, hyps), stringAccuracy: sequenceAccuracy(refs, hyps) };
  }

  private logits(utterances: readonly Utterance[]) {
    const b = this.batch(utterances);
    const p = this.model.predict(b.x, { lengths: b.lengths });
    return { data: p.data, T: b.x.shape[1]! };
  }

  private decode(out: { data: ArrayLike<number>; T: number }, b: number, frames: number, beamWidth: number): string {
    const rows = Array.prototype.slice.call(out.data, b * out.T * CLASSES, (b * out.T + frames) * CLASSES) as number[];
    const d =
      beamWidth > 1 ? ctcBeamSearch(rows, frames, CLASSES, { beamWidth, blank: BLANK })[0]! : ctcGreedyDecode(rows, frames, CLASSES, BLANK);
    return d.labels.map((l) => l - 1).join('');
  }

  dispose(): void {
    this.model.dispose();
  }
}
