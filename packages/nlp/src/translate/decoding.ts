// Translation decoding over a step decoder (one target token at a time, hypotheses as rows): beam search with
// the language models' beamSearch (lm/beam-search.ts: ranking by logProb / length^lengthPenalty, stopping once
// beamWidth hypotheses have ended with EOS), and greedy decoding of a whole batch of sentences at once.
import { checkPositiveInt, InvalidArgumentError } from '@rnn/core';
import { argmax, type BeamScorer, beamSearch, type Hypothesis } from '../lm/index.js';

/** A decoder advanced one token at a time over rows of hypotheses. */
export interface StepDecoder {
  readonly vocabSize: number;
  /**
   * Next-token log-probabilities of n hypotheses: hypothesis i extends row parents[i] of the previous call (in
   * the first call, row parents[i] of the initial state: sentence parents[i]) with token tokens[i].
   */
  step(parents: readonly number[], tokens: readonly number[]): Float64Array[];
}

export interface TranslationDecodeOptions {
  /** Token fed first. */
  bos: number;
  /** Token that ends a translation. */
  eos: number;
  /** Most tokens generated, EOS included. */
  maxLength: number;
}

function checkTokens(o: TranslationDecodeOptions, V: number): void {
  for (const key of ['bos', 'eos'] as const)
    if (!Number.isInteger(o?.[key]) || o[key] < 0 || o[key] >= V)
      throw new InvalidArgumentError(key, `a token id in [0, ${V - 1}]`, o?.[key]);
  checkPositiveInt('maxLength', o.maxLength);
}

/** Beam search from sentence 0 of the decoder's initial state; hypotheses best first (ids end with EOS when finished). */
export function beamDecode(
  decoder: StepDecoder,
  options: TranslationDecodeOptions & { beamWidth: number; lengthPenalty?: number },
): Hypothesis[] {
  checkTokens(options, decoder.vocabSize);
  const scorer: BeamScorer = {
    start: () => decoder.step([0], [options.bos])[0]!,
    extend: (parents, tokens) => decoder.step(parents, tokens),
  };
  return beamSearch(scorer, {
    beamWidth: options.beamWidth,
    maxTokens: options.maxLength,
    eosId: options.eos,
    lengthPenalty: options.lengthPenalty,
  });
}

/**
 * Greedy decoding of `batchSize` sentences at once (row b of the initial state is sentence b): each takes its
 * most likely token until EOS (kept) or maxLength; the call ends when every sentence has stopped.
 */
export function greedyDecode(decoder: StepDecoder, batchSize: number, options: TranslationDecodeOptions): Hypothesis[] {
  checkTokens(options, decoder.vocabSize);
  const B = checkPositiveInt('batchSize', batchSize);
  const out: Hypothesis[] = Array.from({ length: B }, () => ({ ids: [], logProb: 0, score: 0, finished: false }));
  const rows = Array.from({ length: B }, (_, b) => b);
  let tokens = new Array<number>(B).fill(options.bos);
  for (let length = 1; length <= options.maxLength && out.some((h) => !h.finished); length++) {
    const logProbs = decoder.step(rows, tokens);
    tokens = out.map((h, b) => {
      if (h.finished) return options.eos;
      const best = argmax(logProbs[b]!);
      h.ids.push(best);
      h.logProb += logProbs[b]![best]!;
      h.score = h.logProb / h.ids.length;
      h.finished = best === options.eos;
      return best;
    });
  }
  return out;
}
