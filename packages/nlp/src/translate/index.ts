// Translation: attention encoder-decoder, greedy and beam decoding, BLEU.
export { type AttentionDef, type AttentionLayer, type AttentionOptions, attention } from './attention.js';
export {
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
  type BleuTokenizer,
  bleuFromCounts,
  corpusBleu,
  referenceStreams,
  sentenceBleu,
  tokenize13a,
} from './bleu.js';
export { beamDecode, greedyDecode, type StepDecoder, type TranslationDecodeOptions } from './decoding.js';
export { Seq2Seq, type Seq2SeqBatch, type Seq2SeqConfig } from './seq2seq.js';
export {
  type TranslateOptions,
  type TranslationExample,
  type TranslationPair,
  Translator,
  type TranslatorEpochLog,
  type TranslatorOptions,
  type TranslatorTrainOptions,
} from './translator.js';
