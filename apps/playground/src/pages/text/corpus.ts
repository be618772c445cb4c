// What the text pages and the text task share, without the corpora themselves (those stay in the task's chunk).
import type { LanguageModelFiles } from '@rnn/nlp';

export const CORPUS_CHOICES = ['shakespeare', 'abc', 'custom'] as const;
export type CorpusChoice = (typeof CORPUS_CHOICES)[number];

export const CORPUS_LABELS: Readonly<Record<CorpusChoice, string>> = {
  shakespeare: 'Tiny Shakespeare (1.1 M characters)',
  abc: 'Folk tunes in ABC notation (0.5 M characters)',
  custom: 'your text',
};

/** The longest text a user may paste (characters). */
export const MAX_CUSTOM_TEXT = 2_000_000;

/** What a text job hands back: the saved model and what the pages show about it. */
export interface TrainedLm {
  files: LanguageModelFiles;
  cell: string;
  hiddenSize: number;
  corpus: CorpusChoice;
  steps: number;
}
