import { jsBackend } from '@rnn/backend-js';
import { CorruptModelError, InvalidArgumentError } from '@rnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CharTokenizer, WordTokenizer } from '../text/tokenizers.js';
import { ngramBaseline } from './baselines.js';
import { LanguageModel } from './language-model.js';
import { argmax } from './sampling.js';

const TEXT = 'the cat sat on the mat. '.repeat(40);
const tokenizer = CharTokenizer.train(TEXT);

describe('ngramBaseline', () => {
  it('matches hand-computed add-one unigram and bigram scores', () => {
    // train 0 1 0 1 1: unigram counts 2, 3 → P(0) = 3/7, P(1) = 4/7
    const uni = ngramBaseline([0, 1, 0, 1, 1], [0, 1], { order: 1, vocabSize: 2 });
    expect(uni.tokens).toBe(2);
    expect(uni.bitsPerToken).toBeCloseTo(-(Math.log2(3 / 7) + Math.log2(4 / 7)) / 2, 12);
    // bigrams 0→1 ×2, 1→0 ×1, 1→1 ×1: P(1|0) = 3/4, P(1|1) = 2/4
    const bi = ngramBaseline([0, 1, 0, 1, 1], [0, 1, 1], { order: 2, vocabSize: 2 });
    expect(bi.tokens).toBe(2);
    expect(bi.bitsPerToken).toBeCloseTo(-(Math.log2(3 / 4) + Math.log2(1 / 2)) / 2, 12);
    expect(() => ngramBaseline([0, 5], [0], { order: 1, vocabSize: 2 })).toThrow('train[1]: expected an id below vocabSize 2, received 5');
    expect(() => ngramBaseline([0], [0], { order: 2, vocabSize: 2 })).toThrow(/train.length: expected at least order = 2 tokens/);
  });
});

describe('LanguageModel', () => {
  it('scores a uniform model at exactly log2(V) bits per character (all weights zero)', () => {
    const lm = LanguageModel.create(jsBackend({ dtype: 'float64' }), { tokenizer, hiddenSize: 8, embeddingSize: 4 });
    const zeros = Object.fromEntries(Object.entries(lm.model.getWeights()).map(([k, v]) => [k, new Float64Array(v.length)]));
    lm.model.setWeights(zeros);
    const V = tokenizer.vocabulary.size;
    const e = lm.evaluate(TEXT.slice(0, 101), { batchSize: 4, sequenceLength: 7 });
    expect(e.tokens).toBe(100); // 4 streams of 25 predicted tokens
    expect(e.loss).toBeCloseTo(Math.log(V), 12);
    expect(e.bitsPerToken).toBeCloseTo(Math.log2(V), 12);
    expect(e.bitsPerCharacter).toBeCloseTo(Math.log2(V), 12);
    expect(e.perplexity).toBeCloseTo(V, 9);
    lm.dispose();
  });

  describe('trained on a repeated sentence', () => {
    let lm: LanguageModel;
    let losses: number[];
    beforeAll(async () => {
      lm = LanguageModel.create(jsBackend(), { tokenizer, hiddenSize: 32, embeddingSize: 8, learningRate: 0.02, seed: 3 });
      const history = await lm.train(TEXT, { batchSize: 4, sequenceLength: 24, epochs: 12 });
      losses = history.epochs.map((e) => e.loss);
    });

    it('learns: loss falls and held-out bits/char beat the unigram baseline', () => {
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 4);
      const heldOut = 'the mat. the cat sat on the mat. the cat sat on';
      const bpc = lm.evaluate(heldOut, { batchSize: 1 }).bitsPerCharacter!;
      const unigram = ngramBaseline(tokenizer.encode(TEXT), tokenizer.encode(heldOut), {
        order: 1,
        vocabSize: tokenizer.vocabulary.size,
      }).bitsPerToken;
      expect(bpc).toBeLessThan(unigram / 3);
    });

    it('evaluates with the state carried across windows: equal to scoring each token after its full prefix', () => {
      const text = 'sat on the mat. the cat';
      let nats = 0;
      for (let n = 1; n < text.length; n++) nats -= lm.nextTokenLogProbs(text.slice(0, n))[tokenizer.vocabulary.id(text[n]!)]!;
      const e = lm.evaluate(text, { batchSize: 1, sequenceLength: 5 });
      expect(e.tokens).toBe(text.length - 1);
      expect(e.loss).toBeCloseTo(nats / (text.length - 1), 5);
    });

    it('generates greedily, each token the argmax of a fresh full-context forward (state carried correctly)', () => {
      const prompt = 'the c';
      const text = lm.generate({ prompt, greedy: true, maxTokens: 20 });
      expect(text).toBe('at sat on the mat. t');
      for (let n = 0; n < 6; n++) {
        const expected = argmax(lm.nextTokenLogProbs(prompt + text.slice(0, n)));
        expect(tokenizer.vocabulary.token(expected)).toBe(text[n]);
      }
      expect(lm.generate({ prompt, greedy: true, maxTokens: 50, stop: '.' })).toBe('at sat on the mat');
    });

    it('samples reproducibly from a seed; streaming yields the same tokens', async () => {
      const options = { prompt: 'the', temperature: 1.5, topK: 5, maxTokens: 30, seed: 11 };
      const a = lm.generate(options);
      expect(lm.generate(options)).toBe(a);
      expect(a).toHaveLength(30);
      const pieces: string[] = [];
      for await (const t of lm.stream(options)) {
        expect(t.token).toBe(tokenizer.vocabulary.token(t.id));
        pieces.push(t.text);
      }
      expect(pieces.join('')).toBe(a);
      const others = [1, 2, 3].map((seed) => lm.generate({ ...options, seed }));
      expect(new Set([a, ...others]).size).toBeGreaterThan(1);
    });

    it('samples every token from the top-k of a fresh full-context distribution', () => {
      const text = lm.generate({ prompt: 'sat', temperature: 3, topK: 2, maxTokens: 25, seed: 5 });
      for (let n = 0; n < text.length; n++) {
        const logProbs = lm.nextTokenLogProbs(`sat${text.slice(0, n)}`);
        const top2 = Array.from(logProbs.keys())
          .sort((x, y) => logProbs[y]! - logProbs[x]!)
          .slice(0, 2);
        expect(top2.map((id) => tokenizer.vocabulary.token(id))).toContain(text[n]);
      }
    });

    it('beam search: width 1 is greedy; hypotheses carry their own state (log-probs recomputed from scratch)', () => {
      const greedy = lm.generate({ prompt: 'on t', greedy: true, maxTokens: 8 });
      const [one] = lm.beamSearch({ prompt: 'on t', beamWidth: 1, maxTokens: 8 });
      expect(one!.text).toBe(greedy);
      const beams = lm.beamSearch({ prompt: 'sat ', beamWidth: 3, maxTokens: 6, lengthPenalty: 0 });
      expect(beams).toHaveLength(3);
      for (const h of beams) {
        let logProb = 0;
        h.ids.forEach((id, n) => {
          logProb += lm.nextTokenLogProbs(`sat ${tokenizer.decode(h.ids.slice(0, n))}`)[id]!;
        });
        expect(h.logProb).toBeCloseTo(logProb, 4);
      }
      expect(beams[0]!.logProb).toBeGreaterThanOrEqual(beams[1]!.logProb);
      expect(beams[0]!.text).toBe('on the');
    });

    it('saves and loads with its tokenizer: same predictions', () => {
      const files = lm.save();
      const again = LanguageModel.load(
        jsBackend(),
        JSON.parse(JSON.stringify({ ...files, model: Array.from(files.model) }), (k, v) => (k === 'model' ? Uint8Array.from(v) : v)),
      );
      expect(Array.from(again.nextTokenLogProbs('the m'))).toEqual(Array.from(lm.nextTokenLogProbs('the m')));
      expect(again.tokenizer.vocabulary.tokens).toEqual(tokenizer.vocabulary.tokens);
      const other = CharTokenizer.train('xyz');
      expect(() => LanguageModel.load(jsBackend(), { model: files.model, tokenizer: JSON.stringify(other) })).toThrow(CorruptModelError);
      again.dispose();
    });

    it('rejects bad generation arguments with typed errors', () => {
      expect(() => lm.generate({ prompt: 'the', topP: 0 })).toThrow('sampling.topP: expected a number in (0, 1], received 0');
      expect(() => lm.generate({ prompt: 'the', topK: 0 })).toThrow('sampling.topK: expected a positive integer, received 0');
      expect(() => lm.generate({ prompt: 'the', temperature: 0 })).toThrow(/sampling.temperature: expected a finite number > 0/);
      expect(() => lm.generate({ prompt: 'the', maxTokens: 0 })).toThrow('options.maxTokens: expected a positive integer, received 0');
      expect(() => lm.beamSearch({ prompt: 'the', beamWidth: 0 })).toThrow(/beamWidth/);
      expect(() => lm.evaluate('t')).toThrow('text: expected at least 2 tokens, received "1 tokens"');
    });
  });

  it('trains with random windows and contiguous streams for the expected number of steps', async () => {
    const lm = LanguageModel.create(jsBackend(), { tokenizer, cell: 'gru', hiddenSize: 8, embeddingSize: 4, layers: 2, dropout: 0.1 });
    const ids = tokenizer.encode(TEXT); // 960 tokens
    const random = await lm.train(ids, { batching: 'random', batchSize: 4, sequenceLength: 20, epochs: 2 });
    expect(random.epochs.map((e) => e.steps)).toEqual([11, 11]); // floor(959 / 80)
    const contiguous = await lm.train(ids, { batchSize: 4, sequenceLength: 50, validation: TEXT.slice(0, 200) });
    expect(contiguous.epochs[0]!.steps).toBe(5); // 4 streams of 239 inputs: windows of 50, 50, 50, 50, 39
    expect(contiguous.epochs[0]!.validation!.bitsPerCharacter).toBeGreaterThan(0);
    const limited = await lm.train(ids, { batchSize: 4, sequenceLength: 10, maxSteps: 3, epochs: 5 });
    expect([limited.steps, limited.stopped, limited.epochs.length]).toEqual([3, 'maxSteps', 1]);
    const exact = await lm.train(ids, { batchSize: 4, sequenceLength: 50, maxSteps: 5, epochs: 2 }); // 5 windows per epoch
    expect([exact.steps, exact.stopped, exact.epochs.map((e) => e.steps)]).toEqual([5, 'maxSteps', [5]]);
    const controller = new AbortController();
    controller.abort();
    expect((await lm.train(ids, { batchSize: 4, sequenceLength: 10, signal: controller.signal })).stopped).toBe('aborted');
    expect(lm.model.layerConfigs().map((c) => c.kind)).toEqual(['embedding', 'recurrent', 'dropout', 'recurrent', 'dropout', 'dense']);
    lm.dispose();
  });

  it('rejects bad input with typed errors', async () => {
    expect(() => LanguageModel.create(jsBackend(), {} as never)).toThrow(/options.tokenizer: expected a Tokenizer/);
    expect(() => LanguageModel.create(jsBackend(), { tokenizer, cell: 'rnn' as 'lstm' })).toThrow(
      'options.cell: expected one of "lstm", "gru", received "rnn"',
    );
    expect(() => LanguageModel.create(jsBackend(), { tokenizer, dropout: 1 })).toThrow(/options.dropout/);
    const noSpecials = CharTokenizer.train('abc', { specials: { unk: null, bos: null, eos: null } });
    const lm = LanguageModel.create(jsBackend(), { tokenizer: noSpecials, hiddenSize: 4, embeddingSize: 2 });
    await expect(lm.train('', { batchSize: 2, sequenceLength: 4 })).rejects.toThrow(
      'corpus: expected at least 9 tokens, received "0 tokens"',
    );
    await expect(lm.train('abcabc', { batchSize: 2, sequenceLength: 4 })).rejects.toThrow(InvalidArgumentError);
    await expect(lm.train('abcd', { batchSize: 1, sequenceLength: 2 })).rejects.toThrow(
      'token: expected a token in the vocabulary (it has no unknown token), received "d"',
    );
    await expect(lm.train(Int32Array.of(0, 1, 7), { batchSize: 1, sequenceLength: 2 })).rejects.toThrow(
      'corpus[2]: expected a token id below 4',
    );
    expect(() => lm.generate({ prompt: '' })).toThrow(/options.prompt: expected text that encodes to at least one token/);
    expect(() => lm.generate({ prompt: 'abz' })).toThrow(/received "z"/);
    lm.dispose();
    const words = WordTokenizer.train('a b c');
    const wlm = LanguageModel.create(jsBackend(), { tokenizer: words, hiddenSize: 4, embeddingSize: 2 });
    expect(wlm.generate({ maxTokens: 3 }).split(' ').length).toBeLessThanOrEqual(3); // starts from <s>
    expect(wlm.evaluate('a b c a').bitsPerCharacter).toBeNull();
    wlm.dispose();
  });
});
