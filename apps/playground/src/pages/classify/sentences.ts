// The UCI "Sentiment Labelled Sentences" (1,000 Amazon, IMDb and Yelp sentences each, labelled 0 negative / 1
// positive), bundled as raw text (about 200 kB) into the sentiment task's chunk only.
import { InvalidArgumentError } from '@rnn/core';
import amazon from '../../../../../packages/datasets/data/sentiment-labelled-sentences/amazon_cells_labelled.txt?raw';
import imdb from '../../../../../packages/datasets/data/sentiment-labelled-sentences/imdb_labelled.txt?raw';
import yelp from '../../../../../packages/datasets/data/sentiment-labelled-sentences/yelp_labelled.txt?raw';

export interface LabelledSentence {
  text: string;
  label: 0 | 1;
}

/** "sentence<TAB>label" lines (the label after the last tab); a malformed line is an error naming it. */
export function parseSentences(file: string, name: string): LabelledSentence[] {
  return file
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .flatMap((line, i) => {
      if (line.length === 0) return [];
      const tab = line.lastIndexOf('\t');
      const label = line.slice(tab + 1).trim();
      if (tab < 0 || (label !== '0' && label !== '1'))
        throw new InvalidArgumentError(`${name} line ${i + 1}`, '"sentence<TAB>0" or "sentence<TAB>1"', line);
      return [{ text: line.slice(0, tab).trimEnd(), label: Number(label) as 0 | 1 }];
    });
}

export function bundledSentences(): LabelledSentence[] {
  return [
    ...parseSentences(amazon, 'amazon_cells_labelled.txt'),
    ...parseSentences(imdb, 'imdb_labelled.txt'),
    ...parseSentences(yelp, 'yelp_labelled.txt'),
  ];
}
