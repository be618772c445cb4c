export {
  CLASSIFIER_CELLS,
  CLASSIFIER_POOLINGS,
  type Classification,
  type ClassifierEpochLog,
  type ClassifierEvaluation,
  type ClassifierFitOptions,
  type ClassifierHistory,
  type Explanation,
  TextClassifier,
  type TextClassifierFiles,
  type TextClassifierOptions,
} from './classifier.js';
export { type ClassificationReport, type ClassScores, classificationReport, type PerClassScores } from './metrics.js';
export {
  POOLING_MODES,
  type PoolingMode,
  SEQUENCE_POOLING_KIND,
  type SequencePoolingOptions,
  sequencePooling,
  sequencePoolingFromConfig,
} from './pooling.js';
