// The language model trained last, kept on the page so "Inside the network" can read the model trained on
// "Text generation" (and the other way round) without training it again. Module state lives as long as the tab.
import type { TrainedLm } from './corpus.js';

let latest: TrainedLm | null = null;

export function latestLanguageModel(): TrainedLm | null {
  return latest;
}

export function setLatestLanguageModel(trained: TrainedLm): void {
  latest = trained;
}
