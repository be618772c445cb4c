// A sentence translator: tokenizers for both languages, the attention encoder-decoder (seq2seq.ts), training with
// teacher forcing, greedy and beam-search translation, BLEU evaluation, and saving to bytes.
import {
  adam,
  type Backend,
  checkNonNegativeInt,
  checkPositiveInt,
  checkRange,
  type FloatArray,
  InvalidArgumentError,
  type LearningRateSchedule,
  type Optimizer,
  Rng,
} from '@rnn/core';
import { checkDeclaredParameters, readBundle, rebuild, restoreWeights, writeBundle } from '../bundle.js';
import type { Hypothesis } from '../lm/index.js';
import { lengthBuckets } from '../tagging/buckets.js';
import { padBatch, type Tokenizer, type TokenizerJson, tokenizerFromJSON, WordTokenizer } from '../text/index.js';
import { type BleuOptions, type BleuScore, corpusBleu, referenceStreams } from './bleu.js';
import { beamDecode, greedyDecode } from './decoding.js';
import { Seq2Seq, type Seq2SeqBatch, seq2seqParameters } from './seq2seq.js';

export interface TranslationPair {
  source: string;
  target: string;
}

export interface TranslatorOptions {
  /** Default 96. */
  embeddingSize?: number;
  /** Decoder units (each encoder direction has half). Default 192. */
  hiddenSize?: number;
  /** Default 0.2. */
  dropout?: number;
  /** Tokenizers to use; default word tokenizers trained on the pairs (case kept, NFC, words seen `minCount` times). */
  sourceTokenizer?: Tokenizer;
  /** Its vocabulary needs BOS and EOS tokens. */
  targetTokenizer?: Tokenizer;
  /** For the default tokenizers. Default 2. */
  minCount?: number;
  /** Longest source, in tokens. Default 64. */
  maxSourceLength?: number;
  /** Longest target, in tokens (EOS not counted). Default 64. */
  maxTargetLength?: number;
  /** Adam learning rate. Default 0.002. */
  lr?: number;
  /** Gradient clipping (global norm). Default 5. */
  clipNorm?: number;
  /** Learning-rate schedule over the updates (e.g. cosineDecay); used in training, not saved. Default constant. */
  schedule?: LearningRateSchedule;
  /** Seeds weights, dropout and shuffling. Default 1. */
  seed?: number;
}

export interface TranslatorTrainOptions {
  /** Default 10. */
  epochs?: number;
  /** Pairs per batch. Default 32. */
  batchSize?: number;
  /** Held-out pairs: the weights of the epoch with the lowest loss on them are kept. */
  validation?: readonly TranslationPair[];
  /** Stop after this many epochs without a lower validation loss. Default: never. */
  patience?: number;
  onEpochEnd?: (log: TranslatorEpochLog) => void;
}

export interface TranslatorEpochLog {
  epoch: number;
  /** Mean training cross-entropy per target token. */
  loss: number;
  validationLoss?: number;
  seconds: number;
}

export interface TranslateOptions {
  /** 1 (default) decodes greedily; more runs beam search (see beam.ts). */
  beamWidth?: number;
  /** Length normalisation exponent of beam search: score = log p / length^lengthPenalty. Default 1. */
  lengthPenalty?: number;
  /** Most target tokens (EOS included). Default min(maxTargetLength + 1, 2 · source tokens + 10). */
  maxLength?: number;
}

export interface TranslationExample {
  source: string;
  /** One or more reference translations. */
  references: readonly string[];
}

interface TranslatorConfig {
  embeddingSize: number;
  hiddenSize: number;
  dropout: number;
  maxSourceLength: number;
  maxTargetLength: number;
  lr: number;
  clipNorm: number;
  seed: number;
}

const KIND = 'translator';
const IGNORE = -1;

export class Translator {
  readonly model: Seq2Seq;
  readonly optimizer: Optimizer;
  private readonly rng: Rng;
  private readonly bos: number;
  private readonly eos: number;

  private constructor(
    readonly backend: Backend,
    readonly sourceTokenizer: Tokenizer,
    readonly targetTokenizer: Tokenizer,
    readonly config: TranslatorConfig,
    schedule?: LearningRateSchedule,
  ) {
    const v = targetTokenizer.vocabulary;
    if (v.bosId === null || v.eosId === null)
      throw new InvalidArgumentError('targetTokenizer', 'a tokenizer whose vocabulary has BOS and EOS tokens', v.specials);
    this.bos = v.bosId;
    this.eos = v.eosId;
    const rng = new Rng(config.seed);
    this.model = new Seq2Seq(
      backend,
      {
        sourceVocabSize: sourceTokenizer.vocabulary.size,
        targetVocabSize: v.size,
        embeddingSize: config.embeddingSize,
        hiddenSize: config.hiddenSize,
        dropout: config.dropout,
      },
      rng.fork(),
    );
    this.optimizer = adam({ lr: config.lr, clipNorm: config.clipNorm, schedule });
    this.rng = rng.fork();
  }

  /** A new translator; tokenizers not given are trained on the pairs. */
  static create(backend: Backend, pairs: readonly TranslationPair[], options: TranslatorOptions = {}): Translator {
    checkPairs('pairs', pairs);
    const config = checkConfig({
      embeddingSize: options.embeddingSize ?? 96,
      hiddenSize: options.hiddenSize ?? 192,
      dropout: options.dropout ?? 0.2,
      maxSourceLength: options.maxSourceLength ?? 64,
      maxTargetLength: options.maxTargetLength ?? 64,
      lr: options.lr ?? 0.002,
      clipNorm: options.clipNorm ?? 5,
      seed: options.seed ?? 1,
    });
    const train = (texts: string[]) => WordTokenizer.train(texts, { lowercase: false, unicode: 'NFC', minCount: options.minCount ?? 2 });
    const source = options.sourceTokenizer ?? train(pairs.map((p) => p.source));
    const target = options.targetTokenizer ?? train(pairs.map((p) => p.target));
    return new Translator(backend, source, target, config, options.schedule);
  }

  /** Trains with teacher forcing for some epochs (batches of similar target lengths, shuffled with the seed). */
  train(pairs: readonly TranslationPair[], options: TranslatorTrainOptions = {}): TranslatorEpochLog[] {
    const encoded = this.encodePairs('pairs', pairs);
    const validation = options.validation ? this.encodePairs('options.validation', options.validation) : null;
    const epochs = checkPositiveInt('options.epochs', options.epochs ?? 10);
    const batchSize = checkPositiveInt('options.batchSize', options.batchSize ?? 32);
    const patience = options.patience === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt('options.patience', options.patience);
    const { backend } = this;
    const params = this.model.params;
    const history: TranslatorEpochLog[] = [];
    let best: { loss: number; weights: FloatArray[] } | null = null;
    let sinceBest = 0;
    const started = performance.now();
    for (let epoch = 1; epoch <= epochs && sinceBest < patience; epoch++) {
      let sum = 0;
      let tokens = 0;
      for (const idx of lengthBuckets(
        encoded.map((p) => p.target.length),
        batchSize,
        this.rng,
      )) {
        for (const p of params) backend.fill(p.grad, 0);
        const batch = this.batch(idx.map((i) => encoded[i]!));
        const loss = this.model.lossOn(batch, true);
        if (!Number.isFinite(loss)) continue; // a diverged step is not applied
        this.optimizer.step(backend, params);
        const n = batch.targetIn.lengths.reduce((a, b) => a + b, 0);
        sum += loss * n;
        tokens += n;
      }
      const log: TranslatorEpochLog = { epoch, loss: sum / tokens, seconds: 0 };
      if (validation) {
        log.validationLoss = this.meanLoss(validation, batchSize);
        if (!best || log.validationLoss < best.loss) {
          best = { loss: log.validationLoss, weights: params.map((p) => backend.read(p.value)) };
          sinceBest = 0;
        } else sinceBest++;
      }
      log.seconds = (performance.now() - started) / 1000;
      history.push(log);
      options.onEpochEnd?.(log);
    }
    if (best) params.forEach((p, i) => backend.write(p.value, best!.weights[i]!));
    return history;
  }

  /** Teacher-forced mean cross-entropy per target token on some pairs (inference mode). */
  loss(pairs: readonly TranslationPair[]): number {
    return this.meanLoss(this.encodePairs('pairs', pairs), 64);
  }

  /** Translates one sentence. */
  translate(sentence: string, options: TranslateOptions = {}): string {
    return this.translateAll([sentence], options)[0]!;
  }

  /** Translates sentences: greedy decoding runs in batches of similar lengths, beam search one sentence at a time. */
  translateAll(sentences: readonly string[], options: TranslateOptions = {}): string[] {
    if (!Array.isArray(sentences)) throw new InvalidArgumentError('sentences', 'an array of strings', sentences);
    const beamWidth = checkPositiveInt('options.beamWidth', options.beamWidth ?? 1);
    const lengthPenalty = checkRange('options.lengthPenalty', options.lengthPenalty ?? 1, 0, 10);
    if (options.maxLength !== undefined) checkPositiveInt('options.maxLength', options.maxLength);
    const sources = sentences.map((s, i) => this.encodeSource(s, `sentences[${i}]`));
    const limit = (src: Int32Array): number => options.maxLength ?? Math.min(this.config.maxTargetLength + 1, 2 * src.length + 10);
    const out = new Array<string>(sentences.length);
    const text = (h: Hypothesis): string => this.targetTokenizer.decode(h.finished ? h.ids.slice(0, -1) : h.ids);
    if (beamWidth === 1) {
      const order = sources.map((_, i) => i).sort((a, b) => sources[a]!.length - sources[b]!.length);
      for (let s = 0; s < order.length; s += 64) {
        const idx = order.slice(s, s + 64);
        const maxLength = Math.max(...idx.map((i) => limit(sources[i]!)));
        const source = padBatch(
          idx.map((i) => sources[i]!),
          this.sourceTokenizer.vocabulary.padId,
        );
        const hyps = this.model.decode(source, (d) => greedyDecode(d, idx.length, { bos: this.bos, eos: this.eos, maxLength }));
        idx.forEach((i, b) => {
          // each sentence as if decoded alone: cut at its own length limit
          const h = hyps[b]!;
          const own = limit(sources[i]!);
          out[i] = text(h.ids.length > own ? { ...h, ids: h.ids.slice(0, own), finished: false } : h);
        });
      }
      return out;
    }
    sources.forEach((src, i) => {
      const source = padBatch([src], this.sourceTokenizer.vocabulary.padId);
      const hyps = this.model.decode(source, (d) =>
        beamDecode(d, { beamWidth, lengthPenalty, bos: this.bos, eos: this.eos, maxLength: limit(src) }),
      );
      out[i] = text(hyps[0]!);
    });
    return out;
  }

  /** Corpus BLEU (sacreBLEU semantics, see bleu.ts) of the translations of the examples against their references. */
  evaluate(
    examples: readonly TranslationExample[],
    options: TranslateOptions & { bleu?: BleuOptions } = {},
  ): { bleu: BleuScore; hypotheses: string[] } {
    if (!Array.isArray(examples) || examples.length === 0)
      throw new InvalidArgumentError('examples', 'a non-empty array of { source, references }', examples);
    examples.forEach((e, i) => {
      if (!Array.isArray(e?.references) || e.references.length === 0)
        throw new InvalidArgumentError(`examples[${i}].references`, 'at least one reference translation', e?.references);
    });
    const hypotheses = this.translateAll(
      examples.map((e) => e.source),
      options,
    );
    return {
      bleu: corpusBleu(hypotheses, referenceStreams(examples.map((e) => e.references)), options.bleu),
      hypotheses,
    };
  }

  /** The translator as bytes: configuration, both tokenizers and the weights (see bundle.ts). */
  toBytes(): Uint8Array {
    return writeBundle(
      KIND,
      { config: this.config, sourceTokenizer: this.sourceTokenizer.toJSON(), targetTokenizer: this.targetTokenizer.toJSON() },
      this.model.params.map((p) => ({ name: p.name, shape: p.value.shape, data: this.backend.read(p.value) })),
      this.backend.dtype,
    );
  }

  /** A translator saved with toBytes, on any backend. Throws CorruptModelError when the bytes are not one. */
  static fromBytes(backend: Backend, bytes: Uint8Array): Translator {
    const bundle = readBundle(bytes, KIND);
    const p = bundle.payload as { config: TranslatorConfig; sourceTokenizer: TokenizerJson; targetTokenizer: TokenizerJson };
    return rebuild(
      () => {
        const [source, target, config] = [
          tokenizerFromJSON(p.sourceTokenizer),
          tokenizerFromJSON(p.targetTokenizer),
          checkConfig(p.config),
        ];
        // before anything is allocated: the configuration must fit the weights present
        const sizes = { ...config, sourceVocabSize: source.vocabulary.size, targetVocabSize: target.vocabulary.size };
        checkDeclaredParameters(bundle, seq2seqParameters(sizes), 'manifest.config');
        return new Translator(backend, source, target, config);
      },
      (t) => restoreWeights(bundle, t.model.params, (i, data) => backend.write(t.model.params[i]!.value, data)),
    );
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose(this.backend);
  }

  private encodeSource(text: string, argument: string): Int32Array {
    if (typeof text !== 'string') throw new InvalidArgumentError(argument, 'a string', text);
    const ids = this.sourceTokenizer.encode(text);
    if (ids.length === 0) throw new InvalidArgumentError(argument, 'a sentence with at least one token', text);
    if (ids.length > this.config.maxSourceLength)
      throw new InvalidArgumentError(argument, `at most ${this.config.maxSourceLength} tokens (maxSourceLength)`, `${ids.length} tokens`);
    return ids;
  }

  private encodePairs(argument: string, pairs: readonly TranslationPair[]): { source: Int32Array; target: Int32Array }[] {
    checkPairs(argument, pairs);
    return pairs.map((p, i) => {
      const target = this.targetTokenizer.encode(p.target);
      if (target.length === 0) throw new InvalidArgumentError(`${argument}[${i}].target`, 'a sentence with at least one token', p.target);
      if (target.length > this.config.maxTargetLength)
        throw new InvalidArgumentError(
          `${argument}[${i}].target`,
          `at most ${this.config.maxTargetLength} tokens (maxTargetLength)`,
          `${target.length} tokens`,
        );
      return { source: this.encodeSource(p.source, `${argument}[${i}].source`), target };
    });
  }

  /** Source ids, decoder inputs BOS y and targets y EOS (-1 on padding). */
  private batch(pairs: readonly { source: Int32Array; target: Int32Array }[]): Seq2SeqBatch {
    const source = padBatch(
      pairs.map((p) => p.source),
      this.sourceTokenizer.vocabulary.padId,
    );
    const targetIn = padBatch(
      pairs.map((p) => Int32Array.of(this.bos, ...p.target)),
      this.targetTokenizer.vocabulary.padId,
    );
    const T = targetIn.shape[1];
    const targetOut = new Int32Array(pairs.length * T).fill(IGNORE);
    pairs.forEach((p, b) => {
      targetOut.set(p.target, b * T);
      targetOut[b * T + p.target.length] = this.eos;
    });
    return { source, targetIn, targetOut };
  }

  private meanLoss(pairs: readonly { source: Int32Array; target: Int32Array }[], batchSize: number): number {
    let sum = 0;
    let tokens = 0;
    for (let s = 0; s < pairs.length; s += batchSize) {
      const batch = this.batch(pairs.slice(s, s + batchSize));
      const n = batch.targetIn.lengths.reduce((a, b) => a + b, 0);
      sum += this.model.lossOn(batch, false) * n;
      tokens += n;
    }
    return sum / tokens;
  }
}

function checkConfig(c: TranslatorConfig): TranslatorConfig {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('config', 'a translator configuration', c);
  return {
    embeddingSize: checkPositiveInt('options.embeddingSize', c.embeddingSize),
    hiddenSize: checkPositiveInt('options.hiddenSize', c.hiddenSize),
    dropout: checkRange('options.dropout', c.dropout, 0, 1, true),
    maxSourceLength: checkPositiveInt('options.maxSourceLength', c.maxSourceLength),
    maxTargetLength: checkPositiveInt('options.maxTargetLength', c.maxTargetLength),
    lr: checkRange('options.lr', c.lr, Number.MIN_VALUE, 1),
    clipNorm: checkRange('options.clipNorm', c.clipNorm, Number.MIN_VALUE, Number.MAX_VALUE),
    seed: checkNonNegativeInt('options.seed', c.seed),
  };
}

function checkPairs(argument: string, pairs: readonly TranslationPair[]): void {
  if (!Array.isArray(pairs) || pairs.length === 0)
    throw new InvalidArgumentError(argument, 'a non-empty array of { source, target }', pairs);
  pairs.forEach((p: TranslationPair, i: number) => {
    if (typeof p?.source !== 'string' || typeof p.target !== 'string')
      throw new InvalidArgumentError(`${argument}[${i}]`, 'a pair of strings { source, target }', p);
  });
}
