export { type PaddedBatch, type PadOptions, padBatch } from './batch.js';
export { type Normalization, normalizeText, UNICODE_FORMS, type UnicodeForm } from './normalize.js';
export {
  BpeTokenizer,
  type BpeTrainOptions,
  CharTokenizer,
  type Corpus,
  type DecodeOptions,
  type EncodeOptions,
  type Tokenizer,
  type TokenizerJson,
  type TokenizerKind,
  type TokenizerTrainOptions,
  tokenizerFromJSON,
  WordTokenizer,
} from './tokenizers.js';
export {
  DEFAULT_SPECIALS,
  type SpecialTokenOptions,
  type SpecialTokens,
  Vocabulary,
  type VocabularyBuildOptions,
  type VocabularyJson,
} from './vocabulary.js';
