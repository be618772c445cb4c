// @rnn/core/testing: the float64 reference backend, finite-difference gradient checks and the backend
// conformance suite that every backend runs.
export { type ConformanceCase, type ConformanceOptions, assertClose, conformanceCases, conformanceCells } from './conformance.js';
export { type GradCheckEntry, type GradCheckOptions, type GradCheckResult, type LayerGradCheckOptions, gradCheck, layerGradCheck } from './gradcheck.js';
export { activate, activateGrad, referenceBackend } from './reference-backend.js';
