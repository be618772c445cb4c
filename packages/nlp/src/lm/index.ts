export { type AbcCheck, type AbcTuneFields, abcTrainingText, checkAbcTune, defaultUnitNoteLength } from './abc.js';
export { type NgramOptions, type NgramScore, ngramBaseline } from './baselines.js';
export { type BeamScorer, type BeamSearchOptions, beamSearch, type Hypothesis } from './beam-search.js';
export {
  BATCHINGS,
  type GeneratedToken,
  type GenerateOptions,
  LanguageModel,
  type LanguageModelFiles,
  type LanguageModelOptions,
  LM_CELLS,
  type LmBeamOptions,
  type LmEpochLog,
  type LmEvaluation,
  type LmHistory,
  type LmHypothesis,
  type LmStepLog,
  type LmTrainOptions,
} from './language-model.js';
export {
  argmax,
  createSampler,
  logSoftmax,
  type Sampler,
  type SamplingOptions,
  sampleIndex,
  samplingDistribution,
  softmax,
} from './sampling.js';
