// A character-level language model: characters -> embedding -> LSTM -> dense -> softmax over the alphabet.
import { adam, type Backend, dense, embedding, lstm, type Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';

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
      embedding({ vocabSize: V, embeddingSize: 32 }),
      recurrent({ cell: lstm({ inputSize: 32, hiddenSize: o.hiddenSize }), returnSequences: true, recordGradNorms: true }),
      dense({ inputSize: o.hiddenSize, outputSize: V }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr: o.lr, clipNorm: 5 }),
    seed: o.seed,
  });
}

/** Character ids [B, T] and next-character targets [B, T] from random windows of the encoded corpus. */
export function sampleBatch(codes: Int32Array, B: number, T: number, rng: Rng) {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = rng.int(codes.length - T - 1);
    x.set(codes.subarray(start, start + T), b * T);
    y.set(codes.subarray(start + 1, start + T + 1), b * T);
  }
  return { x: { data: x, shape: [B, T] }, y: { data: y, shape: [B, T] } };
}

/** Generates text one character at a time, carrying the LSTM state between calls. */
export function generate(model: Sequential, alphabet: Alphabet, prime: string, length: number, temperature: number, rng: Rng): string {
  const V = alphabet.size;
  model.resetStates();
  let out = '';
  let logits: Float32Array | Float64Array = new Float32Array(V);
  const feed = (code: number, first: boolean) => {
    logits = model.predict({ data: [code], shape: [1, 1] }, { carryState: !first }).data;
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
