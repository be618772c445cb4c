// Golden files: small seeded NLP models saved with toBytes must hash to the SHA-256 recorded here, so a change to
// bundle.ts or core's container framing can never silently change the file format; the bytes must also load back.
import { createHash } from 'node:crypto';
import { jsBackend } from '@rnn/backend-js';
import { describe, expect, it } from 'vitest';
import { TextClassifier } from './classify/index.js';
import { LanguageModel } from './lm/index.js';
import { EntityTagger } from './tagging/index.js';
import { CharTokenizer, WordTokenizer } from './text/index.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const text = 'the cat sat on the mat. the dog sat on the log. ';

describe('@rnn/nlp model files: golden bytes', () => {
  it.each([
    ['float32', 2327, '9559c1c75b6fc2ceabe410c429c664e5bd8cb74ecc947a271995905ad225f1bb'],
    ['float64', 3335, '3635765259947360dae237547fd7b71a613cf956a7cd09444b475f3ec3d984d7'],
  ] as const)('a seeded, trained LanguageModel (%s) writes the recorded bytes', (dtype, length, hash) => {
    const tokenizer = CharTokenizer.train(text);
    const lm = LanguageModel.create(jsBackend({ dtype }), { tokenizer, cell: 'gru', embeddingSize: 3, hiddenSize: 4, seed: 3 });
    const ids = tokenizer.encode(text);
    const batch = { x: { data: ids.subarray(0, 12), shape: [1, 12] }, y: { data: ids.subarray(1, 13), shape: [1, 12] } };
    lm.model.trainStep(batch);
    lm.model.trainStep(batch);
    const bytes = lm.toBytes();
    expect([bytes.length, sha256(bytes)]).toEqual([length, hash]);
    const again = LanguageModel.fromBytes(jsBackend({ dtype }), bytes);
    expect(again.toBytes()).toEqual(bytes);
    lm.dispose();
    again.dispose();
  });

  it('a seeded TextClassifier writes the recorded bytes', () => {
    const texts = ['good film', 'bad film', 'great food', 'awful food'];
    const tokenizer = WordTokenizer.train(texts);
    const options = { tokenizer, labels: ['neg', 'pos'], hiddenSize: 3, embeddingSize: 2, pooling: 'max', seed: 2 } as const;
    const classifier = TextClassifier.create(jsBackend(), options);
    const bytes = classifier.toBytes();
    expect([bytes.length, sha256(bytes)]).toEqual([2573, 'c72e6c461b4db7e99e1dc2aae3f2db328f149c281b83437fa74829f8b22e8605']);
    const again = TextClassifier.fromBytes(jsBackend(), bytes);
    expect(again.toBytes()).toEqual(bytes);
    classifier.dispose();
    again.dispose();
  });

  it('a seeded EntityTagger writes the recorded bytes', () => {
    const sentences = [
      { tokens: ['Ada', 'lives', 'in', 'Paris', '.'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'O'] },
      { tokens: ['Bob', 'works', 'for', 'Acme', 'Corp'], tags: ['B-PER', 'O', 'O', 'B-ORG', 'I-ORG'] },
    ];
    const options = { wordSize: 3, charSize: 2, charHiddenSize: 2, hiddenSize: 3, dropout: 0.1, seed: 3 };
    const tagger = EntityTagger.create(jsBackend(), [...sentences, ...sentences], options);
    const bytes = tagger.toBytes();
    expect([bytes.length, sha256(bytes)]).toEqual([3497, '07011ff0616b19c0008a87303ca708244795191ad402dea02179d92a96253643']);
    const again = EntityTagger.fromBytes(jsBackend(), bytes);
    expect(again.toBytes()).toEqual(bytes);
    tagger.dispose();
    again.dispose();
  });
});
