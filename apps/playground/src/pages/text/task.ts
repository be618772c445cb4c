// The worker side of the text pages: a character language model trained on a bundled corpus or the user's
// text, one random batch of windows per step. The result is the saved model (core model file + tokenizer
// JSON), which the page loads to generate and to look inside.
import { InvalidArgumentError, Rng } from '@rnn/core';
import { CharTokenizer } from '@rnn/nlp';
import { CELL_KINDS } from '../../training/cells.js';
import { checkKnown, intParam, numberParam, oneOfParam } from '../../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../../training/task.js';
import { BUNDLED_CORPORA } from './corpora.js';
import { CORPUS_CHOICES, MAX_CUSTOM_TEXT, type TrainedLm } from './corpus.js';
import { buildLanguageModel, randomWindows } from './lm.js';

export const textTask: TaskDefinition<SyncTaskRun> = {
  name: 'textlm',
  create(backend, params) {
    checkKnown(params, ['corpus', 'text', 'cell', 'hiddenSize', 'embeddingSize', 'sequenceLength', 'batchSize', 'lr', 'seed']);
    const corpus = oneOfParam(params, 'corpus', 'shakespeare', CORPUS_CHOICES);
    const cell = oneOfParam(params, 'cell', 'lstm', CELL_KINDS);
    const hiddenSize = intParam(params, 'hiddenSize', 64, 1, 1024);
    const embeddingSize = intParam(params, 'embeddingSize', 16, 1, 256);
    const sequenceLength = intParam(params, 'sequenceLength', 32, 2, 512);
    const batchSize = intParam(params, 'batchSize', 16, 1, 256);
    const learningRate = numberParam(params, 'lr', 0.01, 0, 1);
    const seed = intParam(params, 'seed', 1, 0, 2 ** 31 - 1);
    const text = corpus === 'custom' ? params.text : BUNDLED_CORPORA[corpus];
    if (typeof text !== 'string' || text.length < sequenceLength + 1 || text.length > MAX_CUSTOM_TEXT)
      throw new InvalidArgumentError(
        'params.text',
        `a text of ${sequenceLength + 1} (sequence length + 1) to ${MAX_CUSTOM_TEXT} characters`,
        typeof text === 'string' ? `${text.length} characters` : text,
      );
    const tokenizer = CharTokenizer.train(text);
    const ids = tokenizer.encode(text);
    const lm = buildLanguageModel(backend, tokenizer, { cell, embeddingSize, hiddenSize, learningRate, seed });
    const rng = new Rng(seed);
    let steps = 0;
    return {
      info: { corpus, characters: text.length, vocabulary: tokenizer.vocabulary.size, parameters: lm.parameterCount },
      step: () => {
        steps++;
        return { loss: { loss: lm.model.trainStep(randomWindows(ids, batchSize, sequenceLength, rng)).loss } };
      },
      result: (): TrainedLm => ({ files: lm.save(), cell, hiddenSize, corpus, steps }),
      dispose: () => lm.dispose(),
    };
  },
};
