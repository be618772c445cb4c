// Sequence tagging: IOB files, conlleval metrics, the entity tagger and its baseline.
export { MostFrequentTagger } from './baseline.js';
export { type ChunkScores, type ConllEvalResult, conllEval, formatConllEval } from './conlleval.js';
export {
  type ConllReadOptions,
  type ConllWriteOptions,
  chunkEnds,
  chunkStarts,
  type EntitySpan,
  entitySpans,
  type ParsedTag,
  parseTag,
  readConll,
  spansToTags,
  type TaggedSentence,
  toIob2,
  writeConll,
} from './iob.js';
export {
  type EntityMention,
  EntityTagger,
  type EntityTaggerOptions,
  normalizeWord,
  type TaggerEpochLog,
  type TaggerTrainOptions,
  wordChars,
} from './tagger.js';
export { type WordCharEmbeddingOptions, wordCharEmbedding } from './word-char-embedding.js';
