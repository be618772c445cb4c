// A named-entity tagger: word embeddings + character BiLSTM word features -> BiLSTM over the sentence -> a
// softmax over IOB tags at every token (padding ignored by the loss). Decoding picks the best tag sequence that
// is valid IOB2 (an I-X only after B-X or I-X), by Viterbi over the per-token log-probabilities.
import {
  adam,
  type Backend,
  bidirectional,
  CorruptModelError,
  checkNonNegativeInt,
  checkPositiveInt,
  checkRange,
  dense,
  dropout,
  type FloatArray,
  InvalidArgumentError,
  type LearningRateSchedule,
  lstm,
  Sequential,
  softmaxCrossEntropy,
} from '@rnn/core';
import { checkDeclaredParameters, lstmParameters, readBundle, rebuild, restoreWeights, writeBundle } from '../bundle.js';
import { padBatch, Vocabulary, type VocabularyJson } from '../text/index.js';
import { lengthBuckets } from './buckets.js';
import { type ConllEvalResult, conllEval } from './conlleval.js';
import { checkSentence, entitySpans, type ParsedTag, parseTag, type TaggedSentence } from './iob.js';
import { wordCharEmbedding } from './word-char-embedding.js';

export interface EntityTaggerOptions {
  /** Word embedding size. Default 64. */
  wordSize?: number;
  /** Character embedding size. Default 24. */
  charSize?: number;
  /** Units per direction of the character BiLSTM. Default 24. */
  charHiddenSize?: number;
  /** Units per direction of the sentence BiLSTM. Default 96. */
  hiddenSize?: number;
  /** Dropout on the word features and on the BiLSTM outputs. Default 0.5. */
  dropout?: number;
  /** Words seen fewer times in training share the unknown vector (their characters still tell them apart). Default 2. */
  minWordCount?: number;
  /** Characters kept per word: longer words keep their first and last halves. Default 16. */
  maxWordChars?: number;
  /** Longest sentence, in tokens. Default 256. */
  maxLength?: number;
  /** Adam learning rate. Default 0.004. */
  lr?: number;
  /** Gradient clipping (global norm). Default 5. */
  clipNorm?: number;
  /** Learning-rate schedule over the updates (e.g. cosineDecay); used in training, not saved. Default constant. */
  schedule?: LearningRateSchedule;
  /** Seeds weights, dropout, word dropout and shuffling. Default 1. */
  seed?: number;
}

export interface TaggerTrainOptions {
  /** Default 20. */
  epochs?: number;
  /** Sentences per batch. Default 16. */
  batchSize?: number;
  /** Held-out sentences: the weights of the epoch with the best entity F1 on them are kept. */
  validation?: readonly TaggedSentence[];
  /** Stop after this many epochs without a better validation F1. Default: never. */
  patience?: number;
  /** Probability of replacing a training word by the unknown word, so its vector learns to stand for unseen words. Default 0.1. */
  wordDropout?: number;
  onEpochEnd?: (log: TaggerEpochLog) => void;
}

export interface TaggerEpochLog {
  epoch: number;
  /** Mean training loss (cross-entropy per token). */
  loss: number;
  /** Entity F1 (percent) on the validation sentences, when given. */
  validationF1?: number;
  seconds: number;
}

/** An entity found in a sentence: tokens start..end-1. */
export interface EntityMention {
  type: string;
  start: number;
  end: number;
  /** The entity's tokens joined by spaces. */
  text: string;
}

interface TaggerConfig {
  wordSize: number;
  charSize: number;
  charHiddenSize: number;
  hiddenSize: number;
  dropout: number;
  maxWordChars: number;
  maxLength: number;
  lr: number;
  clipNorm: number;
  seed: number;
}

const IGNORE = -1;
const KIND = 'entity-tagger';

/** The form a word is looked up by: lower-cased, digits replaced by 0 (so "1984" and "2001" share a vector). */
export function normalizeWord(token: string): string {
  return token.toLowerCase().replace(/[0-9]/g, '0');
}

export class EntityTagger {
  readonly model: Sequential;
  readonly tags: readonly string[];
  private readonly parsed: ParsedTag[];
  private readonly tagIds: Map<string, number>;

  private constructor(
    readonly backend: Backend,
    readonly words: Vocabulary,
    readonly chars: Vocabulary,
    tags: readonly string[],
    readonly config: TaggerConfig,
    schedule?: LearningRateSchedule,
  ) {
    this.tags = [...tags];
    this.parsed = tags.map((t, i) => parseTag(t, `tags[${i}]`));
    this.tagIds = new Map(tags.map((t, i) => [t, i]));
    const H = config.hiddenSize;
    const features = config.wordSize + 2 * config.charHiddenSize;
    this.model = new Sequential(backend, {
      layers: [
        wordCharEmbedding({
          wordVocabSize: words.size,
          wordSize: config.wordSize,
          charVocabSize: chars.size,
          charSize: config.charSize,
          charHiddenSize: config.charHiddenSize,
          maxWordChars: config.maxWordChars,
        }),
        dropout({ rate: config.dropout }),
        bidirectional({ cell: lstm({ inputSize: features, hiddenSize: H }), mergeMode: 'concat', returnSequences: true }),
        dropout({ rate: config.dropout }),
        dense({ inputSize: 2 * H, outputSize: tags.length }),
      ],
      loss: softmaxCrossEntropy({ ignoreIndex: IGNORE }),
      optimizer: adam({ lr: config.lr, clipNorm: config.clipNorm, schedule }),
      seed: config.seed,
    });
  }

  /** A new tagger whose word, character and tag vocabularies come from the training sentences. */
  static create(backend: Backend, training: readonly TaggedSentence[], options: EntityTaggerOptions = {}): EntityTagger {
    checkSentences('training', training);
    const config = checkConfig({
      wordSize: options.wordSize ?? 64,
      charSize: options.charSize ?? 24,
      charHiddenSize: options.charHiddenSize ?? 24,
      hiddenSize: options.hiddenSize ?? 96,
      dropout: options.dropout ?? 0.5,
      maxWordChars: options.maxWordChars ?? 16,
      maxLength: options.maxLength ?? 256,
      lr: options.lr ?? 0.004,
      clipNorm: options.clipNorm ?? 5,
      seed: options.seed ?? 1,
    });
    const specials = { bos: null, eos: null };
    const tokens = training.flatMap((s) => s.tokens);
    const minCount = checkPositiveInt('options.minWordCount', options.minWordCount ?? 2);
    const words = Vocabulary.build(tokens.map(normalizeWord), { minCount, specials });
    const chars = Vocabulary.build(
      tokens.flatMap((t) => Array.from(t)),
      { specials },
    );
    // 'O' first, then the entity tags in code point order
    const tags = [...new Set(['O', ...training.flatMap((s) => s.tags)])].sort((a, b) => (a === 'O' ? -1 : b === 'O' ? 1 : a < b ? -1 : 1));
    return new EntityTagger(backend, words, chars, tags, config, options.schedule);
  }

  /** Trains on the sentences for some epochs (batches of similar lengths, shuffled with the tagger's seed). */
  train(sentences: readonly TaggedSentence[], options: TaggerTrainOptions = {}): TaggerEpochLog[] {
    checkSentences('sentences', sentences);
    sentences.forEach((s, k) => this.tagIdsOf(s, `sentences[${k}]`));
    if (options.validation) checkSentences('options.validation', options.validation);
    const epochs = checkPositiveInt('options.epochs', options.epochs ?? 20);
    const batchSize = checkPositiveInt('options.batchSize', options.batchSize ?? 16);
    const patience = options.patience === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt('options.patience', options.patience);
    const wordDropout = checkRange('options.wordDropout', options.wordDropout ?? 0.1, 0, 1, true);
    const history: TaggerEpochLog[] = [];
    let best: { f1: number; weights: Record<string, FloatArray> } | null = null;
    let sinceBest = 0;
    const started = performance.now();
    for (let epoch = 1; epoch <= epochs && sinceBest < patience; epoch++) {
      let loss = 0;
      let tokens = 0;
      for (const idx of lengthBuckets(
        sentences.map((s) => s.tokens.length),
        batchSize,
        this.model.rng,
      )) {
        const batch = this.batch(
          idx.map((i) => sentences[i]!.tokens),
          wordDropout,
        );
        const y = new Int32Array(batch.x.shape[0]! * batch.x.shape[1]!).fill(IGNORE);
        const T = batch.x.shape[1]!;
        idx.forEach((i, b) => this.tagIdsOf(sentences[i]!, `sentences[${i}]`).forEach((t, j) => (y[b * T + j] = t)));
        const n = batch.lengths.reduce((a, c) => a + c, 0);
        loss += this.model.trainStep({ x: batch.x, y: { data: y, shape: [idx.length, T] }, lengths: batch.lengths }).loss * n;
        tokens += n;
      }
      const log: TaggerEpochLog = { epoch, loss: loss / tokens, seconds: (performance.now() - started) / 1000 };
      if (options.validation) {
        log.validationF1 = this.evaluate(options.validation).f1;
        if (!best || log.validationF1 > best.f1) {
          best = { f1: log.validationF1, weights: this.model.getWeights() };
          sinceBest = 0;
        } else sinceBest++;
      }
      history.push(log);
      options.onEpochEnd?.(log);
    }
    if (best) this.model.setWeights(best.weights);
    return history;
  }

  /** The most likely valid IOB2 tags of each sentence (token arrays). */
  predict(sentences: readonly (readonly string[])[], options: { batchSize?: number } = {}): string[][] {
    if (!Array.isArray(sentences)) throw new InvalidArgumentError('sentences', 'an array of token arrays', sentences);
    sentences.forEach((s, k) => this.checkTokens(s, `sentences[${k}]`));
    const batchSize = checkPositiveInt('options.batchSize', options.batchSize ?? 64);
    const out: string[][] = new Array(sentences.length);
    // sorted by length so batches carry little padding
    const order = sentences.map((_, i) => i).sort((a, b) => sentences[a]!.length - sentences[b]!.length);
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const batch = this.batch(
        idx.map((i) => sentences[i]!),
        0,
      );
      const p = this.model.predict(batch.x, { lengths: batch.lengths });
      const [, T, K] = p.shape as [number, number, number];
      idx.forEach((i, b) => {
        out[i] = this.viterbi(p.data.subarray(b * T * K, (b * T + batch.lengths[b]!) * K), K).map((t) => this.tags[t]!);
      });
    }
    return out;
  }

  /** The entities in one tokenised sentence. */
  tag(tokens: readonly string[]): EntityMention[] {
    const tags = this.predict([tokens])[0]!;
    return entitySpans(tags).map((s) => ({ ...s, text: tokens.slice(s.start, s.end).join(' ') }));
  }

  /** conlleval scores of the tagger's predictions against the sentences' tags. */
  evaluate(sentences: readonly TaggedSentence[]): ConllEvalResult {
    checkSentences('sentences', sentences);
    return conllEval(
      sentences.map((s) => s.tags),
      this.predict(sentences.map((s) => s.tokens)),
    );
  }

  /** The tagger as bytes: configuration, vocabularies, tag set and weights (see bundle.ts). */
  toBytes(): Uint8Array {
    const weights = this.model.getWeights();
    return writeBundle(
      KIND,
      { config: this.config, tags: this.tags, words: this.words.toJSON(), chars: this.chars.toJSON() },
      this.model.params.map((p) => ({ name: p.name, shape: p.value.shape, data: weights[p.name]! })),
      this.backend.dtype,
    );
  }

  /** A tagger saved with toBytes, on any backend. Throws CorruptModelError when the bytes are not one. */
  static fromBytes(backend: Backend, bytes: Uint8Array): EntityTagger {
    const bundle = readBundle(bytes, KIND);
    const p = bundle.payload as {
      config: TaggerConfig;
      tags: string[];
      words: VocabularyJson;
      chars: VocabularyJson;
    };
    return rebuild(
      () => {
        const [words, chars, config] = [Vocabulary.fromJSON(p.words), Vocabulary.fromJSON(p.chars), checkConfig(p.config)];
        if (!Array.isArray(p.tags)) throw new CorruptModelError('manifest.tags', 'an array of IOB2 tags', p.tags);
        // before anything is allocated: the configuration must fit the weights present
        checkDeclaredParameters(bundle, taggerParameters(config, words.size, chars.size, p.tags.length), 'manifest.config');
        return new EntityTagger(backend, words, chars, p.tags, config);
      },
      (t) => restoreWeights(bundle, t.model.params, (i, data) => backend.write(t.model.params[i]!.value, data)),
    );
  }

  dispose(): void {
    this.model.dispose();
  }

  /** Inputs [B, T, 1 + maxWordChars] (word id, then character ids) and lengths for a batch of sentences. */
  private batch(sentences: readonly (readonly string[])[], wordDropout: number) {
    const C = this.config.maxWordChars;
    const unk = this.words.unkId!;
    const ids = sentences.map((s) =>
      Int32Array.from(s, (t) => (wordDropout > 0 && this.model.rng.next() < wordDropout ? unk : this.words.id(normalizeWord(t)))),
    );
    const padded = padBatch(ids, this.words.padId, { maxLength: this.config.maxLength });
    const [B, T] = padded.shape;
    const x = new Float32Array(B * T * (1 + C));
    sentences.forEach((s, b) =>
      s.forEach((token, t) => {
        const at = (b * T + t) * (1 + C);
        x[at] = padded.data[b * T + t]!;
        wordChars(token, C).forEach((ch, c) => (x[at + 1 + c] = this.chars.id(ch)));
      }),
    );
    return { x: { data: x, shape: [B, T, 1 + C] }, lengths: padded.lengths };
  }

  /** Best tag sequence under the IOB2 constraint, from [length, K] logits (log-softmax is taken per token). */
  private viterbi(logits: FloatArray, K: number): number[] {
    const n = logits.length / K;
    const allowed = (prev: ParsedTag | null, tag: ParsedTag): boolean =>
      tag.prefix !== 'I' || (prev !== null && prev.prefix !== 'O' && prev.type === tag.type);
    let score = new Float64Array(K);
    const back: Int32Array[] = [];
    for (let t = 0; t < n; t++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, logits[t * K + k]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(logits[t * K + k]! - max);
      const logZ = max + Math.log(sum);
      const next = new Float64Array(K).fill(Number.NEGATIVE_INFINITY);
      const from = new Int32Array(K);
      for (let k = 0; k < K; k++) {
        const lp = logits[t * K + k]! - logZ;
        if (t === 0) {
          if (allowed(null, this.parsed[k]!)) next[k] = lp;
          continue;
        }
        for (let j = 0; j < K; j++)
          if (score[j]! + lp > next[k]! && allowed(this.parsed[j]!, this.parsed[k]!)) {
            next[k] = score[j]! + lp;
            from[k] = j;
          }
      }
      score = next;
      back.push(from);
    }
    let k = 0;
    for (let j = 1; j < K; j++) if (score[j]! > score[k]!) k = j;
    const path = [k];
    for (let t = n - 1; t > 0; t--) {
      k = back[t]![k]!;
      path.push(k);
    }
    return path.reverse();
  }

  private checkTokens(tokens: readonly string[], argument: string): void {
    if (!Array.isArray(tokens)) throw new InvalidArgumentError(argument, 'an array of tokens', tokens);
    if (tokens.length === 0) throw new InvalidArgumentError(argument, 'at least one token', 'an empty sentence');
    if (tokens.length > this.config.maxLength)
      throw new InvalidArgumentError(argument, `at most ${this.config.maxLength} tokens (maxLength)`, `${tokens.length} tokens`);
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) throw new InvalidArgumentError(`${argument}[${i}]`, 'a non-empty string', t);
    });
  }

  private tagIdsOf(s: TaggedSentence, argument: string): number[] {
    this.checkTokens(s.tokens, `${argument}.tokens`);
    return s.tags.map((t, i) => {
      const id = this.tagIds.get(t);
      if (id === undefined)
        throw new InvalidArgumentError(`${argument}.tags[${i}]`, `one of the tagger's tags (${this.tags.join(', ')})`, t);
      return id;
    });
  }
}

/** The characters the tagger reads of a word: all of them, or the first and last halves of a long word. */
export function wordChars(token: string, maxChars: number): string[] {
  const chars = Array.from(token);
  if (chars.length <= maxChars) return chars;
  const head = Math.ceil(maxChars / 2);
  return [...chars.slice(0, head), ...chars.slice(chars.length - (maxChars - head))];
}

/** The weights a tagger of this configuration has (wordCharEmbedding, the sentence BiLSTM, the dense head). */
export function taggerParameters(c: TaggerConfig, words: number, chars: number, tags: number): number {
  const features = c.wordSize + 2 * c.charHiddenSize;
  return (
    words * c.wordSize +
    chars * c.charSize +
    2 * lstmParameters(c.charSize, c.charHiddenSize) +
    2 * lstmParameters(features, c.hiddenSize) +
    2 * c.hiddenSize * tags +
    tags
  );
}

function checkConfig(c: TaggerConfig): TaggerConfig {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('config', 'a tagger configuration', c);
  return {
    wordSize: checkPositiveInt('options.wordSize', c.wordSize),
    charSize: checkPositiveInt('options.charSize', c.charSize),
    charHiddenSize: checkPositiveInt('options.charHiddenSize', c.charHiddenSize),
    hiddenSize: checkPositiveInt('options.hiddenSize', c.hiddenSize),
    dropout: checkRange('options.dropout', c.dropout, 0, 1, true),
    maxWordChars: checkPositiveInt('options.maxWordChars', c.maxWordChars),
    maxLength: checkPositiveInt('options.maxLength', c.maxLength),
    lr: checkRange('options.lr', c.lr, Number.MIN_VALUE, 1),
    clipNorm: checkRange('options.clipNorm', c.clipNorm, Number.MIN_VALUE, Number.MAX_VALUE),
    seed: checkNonNegativeInt('options.seed', c.seed),
  };
}

function checkSentences(argument: string, sentences: readonly TaggedSentence[]): void {
  if (!Array.isArray(sentences) || sentences.length === 0)
    throw new InvalidArgumentError(argument, 'a non-empty array of sentences', sentences);
  sentences.forEach((s, k) => checkSentence(s, `${argument}[${k}]`));
}
