// Word representations for sequence tagging (Lample et al. 2016): a word embedding concatenated with the final
// states of a character-level BiLSTM run over the word's characters, so spelling, capitalisation, prefixes and
// suffixes reach the tagger even for words outside the vocabulary.
//
// Input: ids [B, T, 1 + C] (floats holding integers): column 0 the word id, columns 1..C the character ids of the
// word from the first, 0-padded. Positions whose character count is 0 are padding: their output is 0 and they
// take no gradient. Output: [B, T, wordSize + 2 · charHiddenSize].
import {
  type Backend,
  type BidirectionalLayer,
  bidirectional,
  checkPositiveInt,
  embedding,
  type ForwardOptions,
  InvalidArgumentError,
  type Layer,
  type LayerDef,
  lstm,
  type Rng,
  raw,
  ShapeError,
  type Tensor,
  Workspace,
} from '@rnn/core';

export interface WordCharEmbeddingOptions {
  wordVocabSize: number;
  wordSize: number;
  charVocabSize: number;
  charSize: number;
  /** Units of each direction of the character BiLSTM. */
  charHiddenSize: number;
  /** Character columns C of the input. */
  maxWordChars: number;
}

export function wordCharEmbedding(options: WordCharEmbeddingOptions): LayerDef {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('wordCharEmbedding(options)', 'an options object', options);
  const o = {
    wordVocabSize: checkPositiveInt('wordCharEmbedding.wordVocabSize', options.wordVocabSize),
    wordSize: checkPositiveInt('wordCharEmbedding.wordSize', options.wordSize),
    charVocabSize: checkPositiveInt('wordCharEmbedding.charVocabSize', options.charVocabSize),
    charSize: checkPositiveInt('wordCharEmbedding.charSize', options.charSize),
    charHiddenSize: checkPositiveInt('wordCharEmbedding.charHiddenSize', options.charHiddenSize),
    maxWordChars: checkPositiveInt('wordCharEmbedding.maxWordChars', options.maxWordChars),
  };
  return { build: (backend, rng, name) => buildWordCharEmbedding(backend, rng, name, o) };
}

function buildWordCharEmbedding(backend: Backend, rng: Rng, name: string, o: Required<WordCharEmbeddingOptions>): Layer {
  const words = embedding({ vocabSize: o.wordVocabSize, embeddingSize: o.wordSize, paddingIndex: 0 }).build(
    backend,
    rng.fork(),
    `${name}.words`,
  );
  const chars = embedding({ vocabSize: o.charVocabSize, embeddingSize: o.charSize, paddingIndex: 0 }).build(
    backend,
    rng.fork(),
    `${name}.chars`,
  );
  const charRnn = bidirectional({ cell: lstm({ inputSize: o.charSize, hiddenSize: o.charHiddenSize }), mergeMode: 'concat' }).build(
    backend,
    rng.fork(),
    `${name}.charRnn`,
  ) as BidirectionalLayer;
  const C = o.maxWordChars;
  const F = 2 * o.charHiddenSize;
  const ws = new Workspace(backend);
  let last: { B: number; T: number; N: number; trained: boolean } | null = null;

  const outputShape = (s: readonly number[]): number[] => {
    if (s.length !== 3 || s[2] !== 1 + C)
      throw new ShapeError('x.shape', `[batch, time, ${1 + C}] (word id and ${C} character ids)`, `[${s.join(', ')}]`);
    return [s[0]!, s[1]!, o.wordSize + F];
  };

  function forward(x: Tensor, opts: ForwardOptions): Tensor {
    const [B, T] = outputShape(x.shape) as [number, number];
    const ids = backend.read(x);
    // words [B, T]; the real words' characters [N, L] with their lengths, and where each word sits
    const wordIds = new Float64Array(B * T);
    const lengths: number[] = [];
    const position: number[] = [];
    for (let i = 0; i < B * T; i++) {
      wordIds[i] = ids[i * (1 + C)]!;
      let n = 0;
      while (n < C && ids[i * (1 + C) + 1 + n] !== 0) n++;
      if (n > 0) {
        lengths.push(n);
        position.push(i);
      }
    }
    const N = lengths.length;
    if (N === 0) throw new InvalidArgumentError('x', 'at least one word with characters', raw('only padding'));
    const L = Math.max(...lengths);
    const charIds = new Float64Array(N * L);
    position.forEach((i, n) => {
      for (let c = 0; c < lengths[n]!; c++) charIds[n * L + c] = ids[i * (1 + C) + 1 + c]!;
    });
    const wordT = ws.get('wordIds', [B, T]);
    backend.write(wordT, wordIds);
    const charT = ws.get('charIds', [N, L]);
    backend.write(charT, charIds);
    // row n of the character features goes to position[n]; padding positions read row 0 and are then zeroed
    const rows = new Float64Array(B * T);
    const valid = new Float64Array(B * T);
    position.forEach((i, n) => {
      rows[i] = n;
      valid[i] = 1;
    });
    backend.write(ws.get('rows', [B * T]), rows);
    backend.write(ws.get('valid', [B * T]), valid);

    const wordVectors = words.forward(wordT, opts);
    const charStates = charRnn.forward(chars.forward(charT, opts), { ...opts, lengths: Int32Array.from(lengths) });
    const charVectors = ws.get('charVectors', [B, T, F]);
    backend.gatherRows(charStates, ws.peek('rows')!, charVectors);
    backend.mulRows(charVectors, ws.peek('valid')!, charVectors);
    const y = ws.get('y', [B, T, o.wordSize + F]);
    backend.concat([wordVectors, charVectors], y);
    last = { B, T, N, trained: opts.training };
    return y;
  }

  function backward(dy: Tensor): Tensor | null {
    if (!last?.trained)
      throw new InvalidArgumentError(
        'wordCharEmbedding.backward',
        'a preceding forward with training: true',
        raw(last ? 'an inference forward' : 'no forward'),
      );
    const { B, T, N } = last;
    const dWords = ws.get('dWords', [B, T, o.wordSize]);
    const dChars = ws.get('dChars', [B, T, F]);
    backend.split(dy, [dWords, dChars]);
    words.backward(dWords, false);
    backend.mulRows(dChars, ws.peek('valid')!, dChars);
    const dStates = ws.zeros('dCharStates', [N, F]);
    backend.scatterAddRows(dChars, ws.peek('rows')!, dStates, null);
    const dCharVectors = charRnn.backward(dStates, true)!;
    chars.backward(dCharVectors, false);
    return null; // ids have no gradient
  }

  return {
    kind: 'wordCharEmbedding',
    params: [...words.params, ...chars.params, ...charRnn.params],
    outputShape,
    forward,
    backward,
    resetState() {},
    getRandomState: () => charRnn.getRandomState!(),
    setRandomState: (s) => charRnn.setRandomState!(s),
    toConfig: () => ({ kind: 'wordCharEmbedding', ...o }),
    dispose() {
      words.dispose();
      chars.dispose();
      charRnn.dispose();
      ws.dispose();
    },
  };
}
