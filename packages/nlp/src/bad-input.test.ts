// The bad-input catalogue of @rnn/nlp: corpora, vocabularies, batching, sampling and decoding parameters and
// model files give typed errors that name the argument.
import { jsBackend } from '@rnn/backend-js';
import { type BadInputCase, checkBadInput } from '@rnn/core/testing';
import { describe, expect, it } from 'vitest';
import {
  CharTokenizer,
  conllEval,
  corpusBleu,
  createSampler,
  LanguageModel,
  padBatch,
  TextClassifier,
  tokenizerFromJSON,
  Vocabulary,
} from './index.js';

const noUnk = Vocabulary.build(['a', 'b'], { specials: { unk: null } });
const lm = () => LanguageModel.create(jsBackend(), { tokenizer: CharTokenizer.train('abcabc'), hiddenSize: 4, embeddingSize: 2 });

const cases: BadInputCase[] = [
  {
    name: 'an empty corpus',
    call: () => CharTokenizer.train(''),
    code: 'INVALID_ARGUMENT',
    argument: 'corpus',
    received: '"an empty corpus"',
  },
  {
    name: 'an unknown token without an unknown-token entry',
    call: () => noUnk.id('z'),
    code: 'INVALID_ARGUMENT',
    argument: 'token',
    received: '"z"',
  },
  { name: 'an id outside the vocabulary', call: () => noUnk.token(99), code: 'INVALID_ARGUMENT', argument: 'id', received: '99' },
  {
    name: 'a sequence longer than maxLength',
    call: () => padBatch([[1, 2, 3]], 0, { maxLength: 2 }),
    code: 'INVALID_ARGUMENT',
    argument: 'sequences[0].length',
    received: '3',
  },
  {
    name: 'an empty sequence in a batch',
    call: () => padBatch([[1], []], 0),
    code: 'INVALID_ARGUMENT',
    argument: 'sequences[1]',
    received: '"length 0"',
  },
  { name: 'top-p above 1', call: () => createSampler({ topP: 1.5 }), code: 'INVALID_ARGUMENT', argument: 'sampling.topP', received: '1.5' },
  { name: 'top-p 0', call: () => createSampler({ topP: 0 }), code: 'INVALID_ARGUMENT', argument: 'sampling.topP', received: '0' },
  { name: 'top-k 0', call: () => createSampler({ topK: 0 }), code: 'INVALID_ARGUMENT', argument: 'sampling.topK', received: '0' },
  {
    name: 'temperature 0',
    call: () => createSampler({ temperature: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'sampling.temperature',
    received: '0',
  },
  {
    name: 'generating 0 tokens',
    call: () => lm().generate({ maxTokens: 0 }),
    code: 'INVALID_ARGUMENT',
    argument: 'options.maxTokens',
    received: '0',
  },
  { name: 'beam width 0', call: () => lm().beamSearch({ beamWidth: 0 }), code: 'INVALID_ARGUMENT', argument: 'beamWidth', received: '0' },
  {
    name: 'a tokenizer file that is not JSON',
    call: () => tokenizerFromJSON('{"kind": "char", '),
    code: 'CORRUPT_MODEL',
    argument: 'tokenizer',
    received: 'Expected double-quoted property name',
  },
  {
    name: 'a tag that is not IOB2',
    call: () => conllEval([['B-PER', 'X-LOC']], [['B-PER', 'O']]),
    code: 'INVALID_ARGUMENT',
    argument: 'gold[0][1]',
    received: '"X-LOC"',
  },
  {
    name: 'BLEU with no references',
    call: () => corpusBleu(['a cat'], []),
    code: 'INVALID_ARGUMENT',
    argument: 'references',
    received: '[]',
  },
  {
    name: 'a classifier without a tokenizer',
    call: () => TextClassifier.create(jsBackend(), { texts: [], labels: [] } as never),
    code: 'INVALID_ARGUMENT',
    argument: 'options.tokenizer',
    received: 'undefined',
  },
];

describe('@rnn/nlp bad-input catalogue', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkBadInput(c)).toBeNull();
  });
});
