// The worker side of the entity tagger demo: @rnn/nlp's EntityTagger (character BiLSTM word features and a
// BiLSTM over the sentence) on a slice of the Universal NER English-EWT dev file (bundled raw, 620 kB, into
// this task's chunk only): 200 sentences held out, the next ones trained on, one batch of sentences per step.
import { InvalidArgumentError, Rng } from '@rnn/core';
import { EntityTagger, readConll, type TaggedSentence } from '@rnn/nlp';
import uner from '../../../../../packages/datasets/data/uner-english-ewt/en_ewt-ud-dev.iob2?raw';
import { checkKnown, intParam, numberParam } from '../../training/params.js';
import type { SyncTaskRun, TaskDefinition } from '../../training/task.js';

export const NER_HELD_OUT = 200;

export interface TrainedTagger {
  bytes: Uint8Array;
  steps: number;
  /** conlleval entity scores on the held-out sentences, in percent. */
  f1: number;
  precision: number;
  recall: number;
  tested: number;
}

export const nerTask: TaskDefinition<SyncTaskRun> = {
  name: 'ner',
  create(backend, params) {
    checkKnown(params, ['sentences', 'hiddenSize', 'batchSize', 'lr', 'seed']);
    const all: TaggedSentence[] = readConll(uner, { tokenColumn: 1, tagColumn: 2, strict: true });
    const size = intParam(params, 'sentences', 800, 1, all.length - NER_HELD_OUT);
    const hiddenSize = intParam(params, 'hiddenSize', 32, 1, 256);
    const batchSize = intParam(params, 'batchSize', 16, 1, 256);
    const lr = numberParam(params, 'lr', 0.02, 0, 1); // 5× the tagger's default: training here is short;
    const seed = intParam(params, 'seed', 1, 0, 2 ** 31 - 1);
    const [test, train] = [all.slice(0, NER_HELD_OUT), all.slice(NER_HELD_OUT, NER_HELD_OUT + size)];
    if (train.length < batchSize)
      throw new InvalidArgumentError('params.batchSize', `at most ${train.length} (the training sentences)`, batchSize);
    const tagger = EntityTagger.create(backend, train, { hiddenSize, lr, seed });
    const rng = new Rng(seed);
    let order: number[] = [];
    let steps = 0;
    return {
      info: { sentences: train.length, heldOut: test.length },
      step: () => {
        if (order.length < batchSize) order = rng.shuffle(Array.from(train.keys())); // a new epoch
        const batch = order.splice(0, batchSize).map((i) => train[i]!);
        steps++;
        // one epoch over one batch is one optimizer step (the tagger keeps its optimizer state between calls)
        const [log] = tagger.train(batch, { epochs: 1, batchSize });
        return { loss: { loss: log!.loss } };
      },
      result: (): TrainedTagger => {
        const scores = tagger.evaluate(test);
        return { bytes: tagger.toBytes(), steps, f1: scores.f1, precision: scores.precision, recall: scores.recall, tested: test.length };
      },
      dispose: () => tagger.dispose(),
    };
  },
};
