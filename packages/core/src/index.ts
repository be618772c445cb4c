// @rnn/core: contracts (Backend, Cell, Layer), the built-in cells, unrolling + BPTT, training.

export * as checks from './backend/checks.js';
export {
  ACTIVATIONS,
  type Activation,
  type AdagradHyper,
  type AdamHyper,
  BACKEND_SPEC_VERSION,
  type Backend,
  type BackendCapabilities,
  type BackendStats,
  type CellParams,
  type CrossEntropyOptions,
  type DType,
  type FloatArray,
  type FusedCell,
  type FusedKind,
  type GemmOptions,
  type PointwiseLoss,
  type RmspropHyper,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  type SgdHyper,
  type Tensor,
} from './backend/contract.js';
export { Workspace } from './backend/pool.js';
export type { Cell, CellConfig, ParamSpec, ShapeTable, StepBackward, StepForward } from './cells/cell.js';
export { activationOption, type BaseCellOptions, checkSizes, hiddenShapes, standardParams } from './cells/common.js';
export {
  builtinCells,
  type CellFactory,
  createCell,
  type GruOptions,
  gru,
  type LstmOptions,
  lstm,
  type SimpleRnnOptions,
  simpleRnn,
} from './cells/index.js';
export { checkHostTensor, type HostData, type HostTensor, sliceTime } from './data/host.js';
export {
  BackendNotReadyError,
  CorruptModelError,
  checkFinite,
  checkNonNegativeInt,
  checkOneOf,
  checkPositiveInt,
  checkPositiveNumber,
  checkRange,
  describe,
  InvalidArgumentError,
  NonFiniteError,
  ReleasedTensorError,
  RnnError,
  type RnnErrorCode,
  raw,
  ShapeError,
  UnsupportedError,
} from './errors.js';
export { constant, gateConstants, glorotUniform, type Initializer, orthogonal, uniform, zeros } from './init/initializers.js';
export {
  type BlobReader,
  BlobWriter,
  type Container,
  type ContainerFormat,
  readContainer,
  type TensorEntry,
  writeContainer,
} from './io/container.js';
export { crc32 } from './io/crc32.js';
export {
  type LoadOptions,
  loadModelBlob,
  loadModelBytes,
  MODEL_FORMAT_VERSION,
  parameterCount as layerConfigParameterCount,
  saveModelBlob,
  saveModelBytes,
} from './io/model-file.js';
export { type BidirectionalLayer, type BidirectionalOptions, bidirectional, MERGE_MODES, type MergeMode } from './layers/bidirectional.js';
export { type DenseOptions, dense } from './layers/dense.js';
export { type DropoutControl, type DropoutOptions, dropout, dropoutMask } from './layers/dropout.js';
export { type EmbeddingOptions, embedding } from './layers/embedding.js';
export { type LayerFactory, layerFromConfig } from './layers/from-config.js';
export { createParameter, type ForwardOptions, type Layer, type LayerDef, type Parameter, releaseParameters } from './layers/layer.js';
export { type RecurrentLayer, type RecurrentOptions, recurrent } from './layers/recurrent.js';
export { type StackOptions, stackedRecurrent } from './layers/stack.js';
export { Rng } from './random.js';
export { ctcBeamSearch, ctcGreedyDecode, type Decoded } from './sequence/ctc-decode.js';
export { editDistance, labelErrorRate, sequenceAccuracy } from './sequence/metrics.js';
export { clipGradNorm, clipGradValue, globalGradNorm } from './train/clip.js';
export { type CtcOptions, type CtcReduction, ctcLoss } from './train/ctc.js';
export type { BatchLog, Dataset, EpochLog, FitOptions, History } from './train/fit.js';
export {
  binaryCrossEntropy,
  type CrossEntropyLossOptions,
  huber,
  type Loss,
  type LossConfig,
  lossFromConfig,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from './train/losses.js';
export {
  type Batch,
  type Evaluation,
  type InputGradient,
  type Prediction,
  Sequential,
  type SequentialOptions,
  type StepResult,
  takeRows,
} from './train/model.js';
export {
  type AdagradOptions,
  type AdamOptions,
  adagrad,
  adam,
  adamw,
  type ClipOptions,
  type Optimizer,
  type OptimizerConfig,
  type OptimizerState,
  optimizerFromConfig,
  type RmspropOptions,
  rmsprop,
  type SgdOptions,
  sgd,
} from './train/optimizers.js';
export {
  cosineDecay,
  exponentialDecay,
  type LearningRateSchedule,
  type ScheduleConfig,
  scheduleFromConfig,
  stepDecay,
  warmup,
} from './train/schedules.js';
export type { LayerSummary, ModelSummary } from './train/summary.js';
