// @rnn/nlp: text pipelines on @rnn/core.
export * from './classify/index.js';
export * from './inspect/index.js';
export * from './lm/index.js';
export * from './tagging/index.js';
export * from './text/index.js';
export * from './translate/index.js';
