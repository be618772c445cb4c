// The most-frequent-tag baseline: each word gets the tag it had most often in training (ties: the tag seen first
// with it); unseen words get O. Entity boundaries then follow conlleval's reading of the tags.
import { InvalidArgumentError } from '@rnn/core';
import { checkSentence, type TaggedSentence } from './iob.js';

export class MostFrequentTagger {
  private readonly best = new Map<string, string>();

  constructor(training: readonly TaggedSentence[]) {
    if (!Array.isArray(training) || training.length === 0)
      throw new InvalidArgumentError('training', 'a non-empty array of sentences', training);
    const counts = new Map<string, Map<string, number>>();
    training.forEach((s: TaggedSentence, k: number) => {
      checkSentence(s, `training[${k}]`);
      s.tokens.forEach((w, i) => {
        const c = counts.get(w) ?? new Map<string, number>();
        c.set(s.tags[i]!, (c.get(s.tags[i]!) ?? 0) + 1);
        counts.set(w, c);
      });
    });
    for (const [w, c] of counts) this.best.set(w, [...c].reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
  }

  predict(sentences: readonly (readonly string[])[]): string[][] {
    return sentences.map((s) => s.map((w) => this.best.get(w) ?? 'O'));
  }
}
