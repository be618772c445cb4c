import { jsBackend } from '@rnn/backend-js';
import { TextClassifier } from '@rnn/nlp';
import { describe, expect, it } from 'vitest';
import { bundledSentences, parseSentences } from './sentences.js';
import { HELD_OUT, sentimentTask, type TrainedSentiment } from './task.js';

describe('the bundled sentences', () => {
  it('parses "sentence<TAB>label" lines and names a malformed one', () => {
    expect(parseSentences('Great phone.\t1\r\nSo bad\t \t0 \n\n', 'f.txt')).toEqual([
      { text: 'Great phone.', label: 1 },
      { text: 'So bad', label: 0 },
    ]);
    expect(() => parseSentences('ok\t1\nno label here\n', 'f.txt')).toThrow(
      /f\.txt line 2: expected "sentence<TAB>0" or "sentence<TAB>1", received "no label here"/,
    );
  });

  it('holds 1,000 sentences from each source, half of them positive', () => {
    const all = bundledSentences();
    expect(all).toHaveLength(3000);
    expect(all.filter((s) => s.label === 1)).toHaveLength(1500);
  });
});

describe('the sentiment task', () => {
  it('trains one mini-batch per step and hands back a classifier scored on the held-out sentences', () => {
    const run = sentimentTask.create(jsBackend(), { hiddenSize: 8, embeddingSize: 8, batchSize: 32, lr: 0.01, seed: 2 });
    expect(run.info).toMatchObject({ sentences: 2700, heldOut: HELD_OUT });
    const losses = Array.from({ length: 120 }, () => run.step().loss.loss!);
    expect(Math.abs(losses[0]! - Math.log(2))).toBeLessThan(0.1); // chance at the start
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.1);
    const trained = run.result!() as TrainedSentiment;
    run.dispose();
    expect(trained).toMatchObject({ steps: 120, tested: HELD_OUT });
    expect(trained.accuracy).toBeGreaterThan(0.6);
    const clf = TextClassifier.load(jsBackend(), trained.files);
    const [good, bad] = clf.classify(['Excellent, I love it, great value.', 'Terrible, awful, the worst waste of money.']);
    expect([good!.label, bad!.label]).toEqual(['positive', 'negative']);
    expect(() => clf.classify([''])).toThrow(/texts\[0\]/);
    clf.dispose();
  });

  it('rejects bad parameters by name', () => {
    expect(() => sentimentTask.create(jsBackend(), { cell: 'rnn' })).toThrow(/params\.cell/);
    expect(() => sentimentTask.create(jsBackend(), { hiddenSize: 1.5 })).toThrow(
      /params\.hiddenSize: expected an integer in \[1, 512\], received 1\.5/,
    );
    expect(() => sentimentTask.create(jsBackend(), { epochs: 3 })).toThrow(/params: expected parameters among .*, received "epochs"/);
  });
});
