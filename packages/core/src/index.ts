// @rnn/core: contracts (Backend, Cell, Layer), the built-in cells, unrolling + BPTT, training.
export {
  ACTIVATIONS,
  BACKEND_SPEC_VERSION,
  type Activation,
  type AdamHyper,
  type Backend,
  type BackendCapabilities,
  type BackendStats,
  type CellParams,
  type DType,
  type FloatArray,
  type FusedCell,
  type FusedKind,
  type GemmOptions,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  type SgdHyper,
  type Tensor,
} from './backend/contract.js';
export * as checks from './backend/checks.js';
export { Workspace } from './backend/pool.js';
export type { Cell, CellConfig, ParamSpec, ShapeTable, StepBackward, StepForward } from './cells/cell.js';
export { type BaseCellOptions, activationOption, checkSizes, hiddenShapes, standardParams } from './cells/common.js';
export {
  type CellFactory,
  type GruOptions,
  type LstmOptions,
  type SimpleRnnOptions,
  builtinCells,
  createCell,
  gru,
  lstm,
  simpleRnn,
} from './cells/index.js';
export { type HostData, type HostTensor, checkHostTensor, sliceTime } from './data/host.js';
export {
  BackendNotReadyError,
  CorruptModelError,
  InvalidArgumentError,
  NonFiniteError,
  ReleasedTensorError,
  RnnError,
  type RnnErrorCode,
  ShapeError,
  UnsupportedError,
} from './errors.js';
export { type Initializer, constant, gateConstants, glorotUniform, orthogonal, uniform, zeros } from './init/initializers.js';
export { type DenseOptions, dense } from './layers/dense.js';
export { type ForwardOptions, type Layer, type LayerDef, type Parameter, createParameter, releaseParameters } from './layers/layer.js';
export { type RecurrentLayer, type RecurrentOptions, recurrent } from './layers/recurrent.js';
export { Rng } from './random.js';
export { clipGradNorm, clipGradValue, globalGradNorm } from './train/clip.js';
export { type Loss, meanSquaredError, softmaxCrossEntropy } from './train/losses.js';
export { type Batch, type Prediction, Sequential, type SequentialOptions, type StepResult } from './train/model.js';
export { type AdamOptions, type Optimizer, type SgdOptions, adam, sgd } from './train/optimizers.js';
