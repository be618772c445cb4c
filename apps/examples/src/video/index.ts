// The video example's building blocks, for the docs and for anyone who wants the clips.
export { ACTIONS, type Action, asciiFrame, type Clip, type ClipOptions, FEATURES, frameFeatures, generateClips, pgm } from './clips.js';
export { trainVideo, type VideoOptions, type VideoResult } from './train.js';
