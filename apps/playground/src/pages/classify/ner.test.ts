import { jsBackend } from '@rnn/backend-js';
import { EntityTagger } from '@rnn/nlp';
import { describe, expect, it } from 'vitest';
import { NER_HELD_OUT, nerTask, type TrainedTagger } from './ner-task.js';
import { splitTokens } from './tokens.js';

describe('splitTokens', () => {
  it('splits words, keeping inner apostrophes and hyphens, and single punctuation marks', () => {
    expect(splitTokens("Maria's co-worker flew to São Paulo, didn't she?")).toEqual([
      "Maria's",
      'co-worker',
      'flew',
      'to',
      'São',
      'Paulo',
      ',',
      "didn't",
      'she',
      '?',
    ]);
    expect(splitTokens('  ')).toEqual([]);
  });
});

describe('the entity tagger task', () => {
  it('trains one batch per step and hands back a tagger scored with conlleval on the held-out sentences', () => {
    const run = nerTask.create(jsBackend(), { sentences: 48, hiddenSize: 8, batchSize: 8, seed: 1 });
    expect(run.info).toEqual({ sentences: 48, heldOut: NER_HELD_OUT });
    const losses = Array.from({ length: 12 }, () => run.step().loss.loss!);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[11]!).toBeLessThan(losses[0]!);
    const trained = run.result!() as TrainedTagger;
    run.dispose();
    expect(trained).toMatchObject({ steps: 12, tested: NER_HELD_OUT });
    for (const v of [trained.f1, trained.precision, trained.recall]) expect(v >= 0 && v <= 100).toBe(true);
    const tagger = EntityTagger.fromBytes(jsBackend(), trained.bytes);
    const [tags] = tagger.predict([['Maria', 'flew', 'to', 'Boston', '.']]);
    expect(tags).toHaveLength(5);
    for (const t of tags!) expect(t).toMatch(/^(O|[BI]-(PER|ORG|LOC))$/);
    tagger.dispose();
  });

  it('rejects bad parameters by name', () => {
    expect(() => nerTask.create(jsBackend(), { sentences: 0 })).toThrow(/params\.sentences: expected an integer in \[1, \d+\], received 0/);
    expect(() => nerTask.create(jsBackend(), { sentences: 4, batchSize: 8 })).toThrow(
      /params\.batchSize: expected at most 4 \(the training sentences\), received 8/,
    );
    expect(() => nerTask.create(jsBackend(), { lr: 0 })).toThrow(/params\.lr: expected a number in \(0, 1\], received 0/);
    expect(() => nerTask.create(jsBackend(), { epochs: 1 })).toThrow(/params: expected parameters among .*, received "epochs"/);
  });
});
