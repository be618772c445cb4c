// The language model trained (or opened from a file) last, kept on the page so "Inside the network" can read the
// model of "Text generation" (and the other way round) without training it again. Module state lives as long as
// the tab.
import { jsBackend } from '@rnn/backend-js';
import { LanguageModel } from '@rnn/nlp';
import { networkName } from '../../models/network.js';
import { CORPUS_LABELS, type TrainedLm } from './corpus.js';

export interface LatestLm {
  /** The model file (LanguageModel.toBytes). */
  bytes: Uint8Array;
  /** As the recent models list shows it. */
  title: string;
  /** What the training job reported; null for a model opened from a file. */
  trained: TrainedLm | null;
}

let latest: LatestLm | null = null;

export function latestLanguageModel(): LatestLm | null {
  return latest;
}

export function setLatestLanguageModel(model: LatestLm): void {
  latest = model;
}

/** A job's result as the model the pages share, titled like "LSTM 64 · Tiny Shakespeare · 300 steps". */
export function trainedModel(trained: TrainedLm): LatestLm {
  const backend = jsBackend();
  const lm = LanguageModel.load(backend, trained.files);
  const corpus = CORPUS_LABELS[trained.corpus].replace(/ \(.*\)$/, ''); // without the size
  const title = [networkName(lm.model), corpus, `${trained.steps} steps`].join(' · ');
  const bytes = lm.toBytes();
  lm.dispose();
  backend.dispose();
  return { title, bytes, trained };
}
