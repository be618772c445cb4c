// @rnn/core/testing: the float64 reference backend, finite-difference gradient checks and the backend
// conformance suite that every backend runs.

export { type BadInputCase, backendBadInputCases, checkBadInput } from './bad-input.js';
export { assertClose, type ConformanceCase, type ConformanceOptions, conformanceCases, conformanceCells } from './conformance.js';
export {
  type GradCheckEntry,
  type GradCheckOptions,
  type GradCheckResult,
  gradCheck,
  type LayerGradCheckOptions,
  layerGradCheck,
} from './gradcheck.js';
export { activate, activateGrad, referenceBackend } from './reference-backend.js';
