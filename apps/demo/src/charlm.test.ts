import { jsBackend } from '@rnn/backend-js';
import { Rng } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { Alphabet, createCharLm, generate, sampleBatch } from './charlm.js';

describe('demo character language model', () => {
  it('learns a repeating text and then writes it', () => {
    const text = 'to be or not to be, that is the question. '.repeat(20);
    const alphabet = new Alphabet(text);
    const codes = alphabet.encode(text);
    const model = createCharLm(jsBackend(), alphabet, { hiddenSize: 32, seqLength: 20, batchSize: 16, lr: 0.02, seed: 1 });
    const rng = new Rng(1);
    const first = model.trainStep(sampleBatch(codes, 16, 20, rng)).loss;
    let last = first;
    for (let i = 0; i < 150; i++) last = model.trainStep(sampleBatch(codes, 16, 20, rng)).loss;
    expect(last).toBeLessThan(first * 0.2);
    const out = generate(model, alphabet, 'to be or ', 30, 0.1, new Rng(2));
    expect(out).toContain('to be');
    model.dispose();
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => new Alphabet('abc').encode('abd')).toThrow(/character "d" is not in the alphabet/);
  });
});
