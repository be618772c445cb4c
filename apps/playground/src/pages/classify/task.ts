// The worker side of the sentiment demo: @rnn/nlp's TextClassifier on the bundled sentences, one mini-batch
// per step (the batches TextClassifier.fit builds: padded per batch with lengths, reshuffled every epoch),
// 10% held out. The result is the saved classifier and its scores on the held-out sentences.
import { Rng } from '@rnn/core';
import { CLASSIFIER_CELLS, padBatch, TextClassifier, type TextClassifierFiles, WordTokenizer } from '@rnn/nlp';
import { checkKnown, intParam, numberParam, oneOfParam } from '../../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../../training/task.js';
import { bundledSentences } from './sentences.js';

export const SENTIMENT_LABELS = ['negative', 'positive'] as const;
export const HELD_OUT = 300;

export interface TrainedSentiment {
  files: TextClassifierFiles;
  steps: number;
  /** On the held-out sentences. */
  accuracy: number;
  macroF1: number;
  tested: number;
}

export const sentimentTask: TaskDefinition<SyncTaskRun> = {
  name: 'sentiment',
  create(backend, params) {
    checkKnown(params, ['cell', 'hiddenSize', 'embeddingSize', 'batchSize', 'lr', 'seed']);
    const cell = oneOfParam(params, 'cell', 'gru', CLASSIFIER_CELLS);
    const hiddenSize = intParam(params, 'hiddenSize', 16, 1, 512);
    const embeddingSize = intParam(params, 'embeddingSize', 16, 1, 256);
    const batchSize = intParam(params, 'batchSize', 32, 1, 512);
    const learningRate = numberParam(params, 'lr', 0.005, 0, 1);
    const seed = intParam(params, 'seed', 1, 0, 2 ** 31 - 1);
    const rng = new Rng(seed);
    const data = rng.shuffle(bundledSentences());
    const [test, train] = [data.slice(0, HELD_OUT), data.slice(HELD_OUT)];
    const tokenizer = WordTokenizer.train(
      train.map((s) => s.text),
      { minCount: 2 },
    );
    const clf = TextClassifier.create(backend, {
      tokenizer,
      labels: SENTIMENT_LABELS,
      cell,
      hiddenSize,
      embeddingSize,
      learningRate,
      pooling: 'max',
      seed,
    });
    const ids = train.map((s) => tokenizer.encode(s.text));
    let order: number[] = [];
    let steps = 0;
    return {
      info: { sentences: train.length, heldOut: test.length, vocabulary: tokenizer.vocabulary.size },
      step: () => {
        if (order.length === 0) order = rng.shuffle(Array.from(ids.keys())); // a new epoch
        const rows = order.splice(0, batchSize);
        const batch = padBatch(
          rows.map((r) => ids[r]!),
          tokenizer.vocabulary.padId,
        );
        steps++;
        const { loss } = clf.model.trainStep({
          x: { data: batch.data, shape: batch.shape },
          y: { data: Int32Array.from(rows, (r) => train[r]!.label), shape: [rows.length] },
          lengths: batch.lengths,
        });
        return { loss: { loss } };
      },
      result: (): TrainedSentiment => {
        const report = clf.evaluate(
          test.map((s) => s.text),
          test.map((s) => s.label),
        );
        return { files: clf.save(), steps, accuracy: report.accuracy, macroF1: report.macro.f1, tested: test.length };
      },
      dispose: () => clf.dispose(),
    };
  },
};
