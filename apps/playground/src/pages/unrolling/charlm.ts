// The tiny character model the unrolling page steps through: one-hot characters → a 4-unit recurrent
// cell → a dense readout over the vocabulary, trained to predict the next character of a short corpus.
// Small on purpose: every number of every step fits on the screen.
import { adam, type Backend, type Batch, dense, InvalidArgumentError, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';
import { type CellKind, makeCell } from '../../training/cells.js';
import { type UnrolledStep, unrollCell } from './unroll.js';

export const CORPUS = 'the cat sat on the mat. the rat ate the hat. ';
/** The characters of the corpus, sorted; a character's index is its one-hot position. */
export const VOCAB: readonly string[] = [...new Set(CORPUS)].sort();
export const HIDDEN_SIZE = 4;
export const MAX_INPUT = 8;
/** Training windows: every run of this many characters of the corpus (wrapping around). */
export const WINDOW = 8;

/** Character ids of a 1..MAX_INPUT character text written with the corpus's characters. */
export function encode(text: string): number[] {
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_INPUT)
    throw new InvalidArgumentError('text', `1 to ${MAX_INPUT} characters`, text);
  return [...text].map((ch, i) => {
    const id = VOCAB.indexOf(ch);
    if (id < 0) throw new InvalidArgumentError(`text[${i}]`, `one of the characters "${VOCAB.join('')}"`, ch);
    return id;
  });
}

/** One row per id, each a one-hot vector over the vocabulary. */
export function oneHot(ids: readonly number[]): Float64Array[] {
  return ids.map((id) => {
    const v = new Float64Array(VOCAB.length);
    v[id] = 1;
    return v;
  });
}

export function charModel(backend: Backend, kind: CellKind, seed: number, lr = 0.03): Sequential {
  return new Sequential(backend, {
    layers: [
      recurrent({ cell: makeCell(kind, { inputSize: VOCAB.length, hiddenSize: HIDDEN_SIZE }), returnSequences: true }),
      dense({ inputSize: HIDDEN_SIZE, outputSize: VOCAB.length }),
    ],
    loss: softmaxCrossEntropy(),
    optimizer: adam({ lr }),
    seed,
  });
}

/** Every window of the corpus as one-hot inputs [N, WINDOW, V] and next-character targets [N, WINDOW]. */
export function corpusBatch(): Batch {
  const ids = encodeCorpus();
  const N = ids.length;
  const V = VOCAB.length;
  const x = new Float32Array(N * WINDOW * V);
  const y = new Int32Array(N * WINDOW);
  for (let n = 0; n < N; n++)
    for (let t = 0; t < WINDOW; t++) {
      x[(n * WINDOW + t) * V + ids[(n + t) % N]!] = 1;
      y[n * WINDOW + t] = ids[(n + t + 1) % N]!;
    }
  return { x: { data: x, shape: [N, WINDOW, V] }, y: { data: y, shape: [N, WINDOW] } };
}

/** Every value of every step of the character model (weights by model parameter name, e.g. "0.kernel") on a text. */
export function unrollCharModel(
  backend: Backend,
  kind: CellKind,
  weights: Readonly<Record<string, ArrayLike<number>>>,
  text: string,
): UnrolledStep[] {
  const cell = makeCell(kind, { inputSize: VOCAB.length, hiddenSize: HIDDEN_SIZE });
  const names = [...cell.params.map((p) => `0.${p.name}`), '1.kernel', '1.bias'];
  for (const n of names)
    if (!weights?.[n]) throw new InvalidArgumentError(`weights["${n}"]`, `the ${kind} model's parameter`, weights?.[n]);
  const cellWeights = Object.fromEntries(cell.params.map((p) => [p.name, weights[`0.${p.name}`]!]));
  return unrollCell(backend, cell, cellWeights, oneHot(encode(text)), { kernel: weights['1.kernel']!, bias: weights['1.bias']! });
}

const encodeCorpus = (): number[] => [...CORPUS].map((ch) => VOCAB.indexOf(ch));
