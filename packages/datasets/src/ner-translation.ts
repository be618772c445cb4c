// Loaders for Universal NER English-EWT (CC BY-SA 4.0, kept in its own folder) and Tatoeba English-French pairs
// (CC BY 2.0 FR). Each folder's README gives the source, licence and attribution.
import { readFileSync } from 'node:fs';

const dataFile = (path: string): URL => new URL(`../data/${path}`, import.meta.url);

export type UnerSplit = 'dev' | 'test';

/**
 * Universal NER English-EWT as its original CoNLL-style text (token, IOB2 tag and three more tab-separated
 * columns per line; `#` comments; blank lines between sentences): dev has 2,001 sentences, test 2,077.
 * Parse it with `readConll` from `@rnn/nlp`.
 */
export function loadUnerEnglishEwt(split: UnerSplit): string {
  if (split !== 'dev' && split !== 'test') throw new TypeError(`split: expected "dev" or "test", received ${JSON.stringify(split)}`);
  return readFileSync(dataFile(`uner-english-ewt/en_ewt-ud-${split}.iob2`), 'utf8');
}

export interface TranslationPair {
  english: string;
  french: string;
}

/** The first 10,000 Tatoeba English-French pairs (shortest English first), in file order. */
export function loadTatoebaEngFra(): TranslationPair[] {
  const lines = readFileSync(dataFile('tatoeba-eng-fra/fra-eng-10k.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    const [english, french, ...rest] = line.split('\t');
    if (english === undefined || french === undefined || rest.length > 0)
      throw new Error(`fra-eng-10k.txt line ${i + 1}: expected "English<TAB>French", received ${JSON.stringify(line)}`);
    return { english, french };
  });
}
