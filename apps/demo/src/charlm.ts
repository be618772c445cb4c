// A character-level language model: one-hot characters -> LSTM -> dense -> softmax over the alphabet.
import { adam, type Backend, dense, lstm, type Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';

export class Alphabet {
  readonly chars: string[];
  private readonly index = new Map<string, number>();
  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.chars.forEach((c, i) => this.index.set(c, i));
  }
  get size(): number {
    return this.chars.length;
  }
  encode(text: string): Int32Array {
    return Int32Array.from(text, (c) => {
      const i = this.index.get(c);
      if (i === undefined) throw new Error(`character ${JSON.stringify(c)} is not in the alphabet`);
      return i;
    });
  }
}

export interface CharLmOptions {
  hiddenSize: number;
  seqLength: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export function createCharLm(backend: Backend, alphabet: Alphabet, o: CharLmOptions): Sequential {
  const V = alphabet.size;
  return new Sequential(backend, {
    layers: [
      recurrent({ cell: lstm({ inputSize: V, hiddenSize: o.hiddenSize }), returnSequences: true, recordGradNorms: true }),
      dense({ inputSize: o.hiddenSize, outputSize: V }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: o.lr, clipNorm: 5 }),
    seed: o.seed,
  });
}

/** One-hot [B, T, V] inputs and next-character targets [B, T] from random windows of the encoded corpus. */
export function sampleBatch(codes: Int32Array, V: number, B: number, T: number, rng: Rng) {
  const x = new Float32Array(B * T * V);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = rng.int(codes.length - T - 1);
    for (let t = 0; t < T; t++) {
      x[(b * T + t) * V + codes[start + t]!] = 1;
      y[b * T + t] = codes[start + t + 1]!;
    }
  }
  return { x: { data: x, shape: [B, T, V] }, y: { data: y, shape: [B, T] } };
}

/** Generates text one character at a time, carrying the LSTM state between calls. */
export function generate(model: Sequential, alphabet: Alphabet, prime: string, length: number, temperature: number, rng: Rng): string {
  const V = alphabet.size;
  model.resetStates();
  const x = new Float32Array(V);
  let out = '';
  let logits: Float32Array | Float64Array = new Float32Array(V);
  const feed = (code: number, first: boolean) => {
    x.fill(0);
    x[code] = 1;
    logits = model.predict({ data: x, shape: [1, 1, V] }, { carryState: !first }).data;
  };
  [...alphabet.encode(prime)].forEach((c, i) => feed(c, i === 0));
  for (let i = 0; i < length; i++) {
    let max = -Infinity;
    for (const v of logits) max = Math.max(max, v);
    const p = Array.from(logits, (v) => Math.exp((v - max) / temperature));
    let r = rng.next() * p.reduce((a, b) => a + b, 0);
    let code = 0;
    for (; code < V - 1; code++) {
      r -= p[code]!;
      if (r <= 0) break;
    }
    out += alphabet.chars[code];
    feed(code, false);
  }
  return out;
}
