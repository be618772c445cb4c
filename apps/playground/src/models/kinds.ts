// The kinds of model the playground saves, downloads and opens: one entry per kind, with its file extension,
// the page that uses it and how to reach the network inside a file of that kind. A page that trains a new kind
// of model adds one line here.
import type { Backend, Sequential } from '@rnn/core';
import { InvalidArgumentError } from '@rnn/core';
import { EntityTagger, LanguageModel, TextClassifier } from '@rnn/nlp';

export interface ModelKind {
  /** Stored with each recent model. */
  readonly id: string;
  /** For people: "language model". */
  readonly label: string;
  /** The downloaded file's extension, with its dot; one per kind. */
  readonly extension: string;
  /** The page that uses models of this kind (`#/<page>?model=<id>` opens a recent one there). */
  readonly page: string;
  /**
   * The network inside a file of this kind (the models page summarises and exports it); throws CorruptModelError.
   * May be async, to import a package only the models page needs:
   * `network: async (b, bytes) => (await import('@rnn/timeseries')).Forecaster.load(b, bytes).model`.
   */
  network(backend: Backend, bytes: Uint8Array): Sequential | Promise<Sequential>;
}

const kinds = new Map<string, ModelKind>();

/** Adds a kind (once; ids and extensions are unique). */
export function registerModelKind(kind: ModelKind): void {
  if (kinds.has(kind.id)) throw new InvalidArgumentError('kind.id', 'a kind not registered yet', kind.id);
  if ([...kinds.values()].some((k) => k.extension === kind.extension))
    throw new InvalidArgumentError('kind.extension', 'an extension no other kind uses', kind.extension);
  if (!/^\.[a-z0-9]+$/.test(kind.extension))
    throw new InvalidArgumentError('kind.extension', 'a dot and lowercase letters or digits', kind.extension);
  kinds.set(kind.id, kind);
}

export function modelKind(id: string): ModelKind {
  const kind = kinds.get(id);
  if (!kind) throw new InvalidArgumentError('kind', `one of ${[...kinds.keys()].join(', ')}`, id);
  return kind;
}

export function modelKinds(): ModelKind[] {
  return [...kinds.values()];
}

registerModelKind({
  id: 'language-model',
  label: 'language model',
  extension: '.rnnlm',
  page: 'text',
  network: (backend, bytes) => LanguageModel.fromBytes(backend, bytes).model,
});
registerModelKind({
  id: 'sentiment',
  label: 'sentiment classifier',
  extension: '.rnnclf',
  page: 'classify',
  network: (backend, bytes) => TextClassifier.fromBytes(backend, bytes).model,
});
registerModelKind({
  id: 'forecaster',
  label: 'forecaster',
  extension: '.rnnfc',
  page: 'forecast',
  // imported when a forecaster file is opened, so the other pages never download @rnn/timeseries
  network: async (backend, bytes) => (await import('@rnn/timeseries')).Forecaster.load(backend, bytes).model,
});
registerModelKind({
  id: 'tagger',
  label: 'entity tagger',
  extension: '.rnnner',
  page: 'classify',
  network: (backend, bytes) => EntityTagger.fromBytes(backend, bytes).model,
});
