// TF.js / Keras layers format: load model.json + weight shards into an rnn Sequential, and export back.
export type { LayersModelJson, WeightBytes, WeightSpec, WeightsManifestGroup } from './format.js';
export { type LayersModelSource, type LoadedLayersModel, type LoadLayersModelOptions, loadLayersModel } from './load.js';
export { type PaddingRule, paddingLengths } from './padding.js';
export { type LayersModelArtifacts, type LayersModelTarget, type ToLayersModelOptions, toLayersModel } from './save.js';
export type { KerasVersion } from './topology.js';
