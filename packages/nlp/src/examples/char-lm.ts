// What the character-level examples (Tiny Shakespeare, ABC music) share: unigram and bigram baselines on the
// held-out characters, an embedding 32 → LSTM → dense language model trained for a time or step budget on
// batches of 16 carried streams × 64 characters, and its held-out bits per character.
import { jsBackend } from '@rnn/backend-js';
import { LanguageModel, ngramBaseline } from '../lm/index.js';
import type { CharTokenizer } from '../text/index.js';

export interface CharLmRun {
  lm: LanguageModel;
  unigram: number;
  bigram: number;
  validationBitsPerChar: number;
  perplexity: number;
  steps: number;
  seconds: number;
}

export async function trainCharLm(
  tokenizer: CharTokenizer,
  trainIds: Int32Array,
  validIds: Int32Array,
  o: { hiddenSize: number; seconds: number; steps: number; seed: number },
  log: (line: string) => void,
): Promise<CharLmRun> {
  const V = tokenizer.vocabulary.size;
  const unigram = ngramBaseline(trainIds, validIds, { order: 1, vocabSize: V }).bitsPerToken;
  const bigram = ngramBaseline(trainIds, validIds, { order: 2, vocabSize: V }).bitsPerToken;
  const lm = LanguageModel.create(jsBackend(), {
    tokenizer,
    cell: 'lstm',
    embeddingSize: 32,
    hiddenSize: o.hiddenSize,
    learningRate: 0.01,
    seed: o.seed,
  });
  log(`model: embedding 32 → LSTM ${o.hiddenSize} → dense ${V}, ${lm.parameterCount.toLocaleString()} parameters; Adam 0.01, clip norm 5`);
  const history = await lm.train(trainIds, {
    batchSize: 16,
    sequenceLength: 64,
    epochs: 1000,
    seconds: o.seconds,
    maxSteps: Number.isFinite(o.steps) ? o.steps : undefined,
    onStep: ({ step, loss }) => {
      if (step % 50 === 0) log(`  step ${step}: loss ${(loss / Math.LN2).toFixed(3)} bits/char`);
    },
  });
  const result = lm.evaluate(validIds);
  return {
    lm,
    unigram,
    bigram,
    validationBitsPerChar: result.bitsPerCharacter!,
    perplexity: result.perplexity,
    steps: history.steps,
    seconds: history.seconds,
  };
}

/** The held-out comparison: the two baselines and the LSTM, in bits per character (lower is better). */
export function logBitsPerChar(run: CharLmRun, log: (line: string) => void): void {
  log('held-out bits per character (lower is better):');
  log(`  unigram (add-one)  ${run.unigram.toFixed(3)}`);
  log(`  bigram (add-one)   ${run.bigram.toFixed(3)}`);
  log(`  LSTM               ${run.validationBitsPerChar.toFixed(3)}   (perplexity ${run.perplexity.toFixed(2)} per character)`);
}
