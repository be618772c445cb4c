// Loaders for the sentiment sentences and the ABC folk tunes (sources and licences: the READMEs in ../data).
import { readFileSync } from 'node:fs';

const dataFile = (path: string): URL => new URL(`../data/${path}`, import.meta.url);

export type SentimentSource = 'amazon' | 'imdb' | 'yelp';

export interface SentimentSentence {
  /** The sentence, with the file's trailing spaces removed. */
  text: string;
  /** 1 positive, 0 negative. */
  label: 0 | 1;
  source: SentimentSource;
}

const SENTIMENT_FILES: Record<SentimentSource, string> = {
  amazon: 'amazon_cells_labelled.txt',
  imdb: 'imdb_labelled.txt',
  yelp: 'yelp_labelled.txt',
};

/**
 * UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015; CC BY 4.0): 3,000 review sentences, 1,000 per
 * source (Amazon, IMDb, Yelp) and 500 positive / 500 negative in each, in file order (amazon, imdb, yelp).
 */
export function loadSentimentSentences(): SentimentSentence[] {
  return (Object.keys(SENTIMENT_FILES) as SentimentSource[]).flatMap((source) =>
    readFileSync(dataFile(`sentiment-labelled-sentences/${SENTIMENT_FILES[source]}`), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line, i) => {
        const tab = line.lastIndexOf('\t');
        const label = line.slice(tab + 1).trim();
        if (tab < 0 || (label !== '0' && label !== '1'))
          throw new Error(`${SENTIMENT_FILES[source]} line ${i + 1}: expected "sentence\\tlabel"`);
        return { text: line.slice(0, tab).trimEnd(), label: Number(label) as 0 | 1, source };
      }),
  );
}

export interface AbcTune {
  /** The X: reference number (not unique in this collection: it numbers tunes within each source volume). */
  id: number;
  /** The first T: title. */
  title: string;
  /** Header fields in file order, from X: to the first K: inclusive, e.g. ['M', '6/8']; a line without a field continues the previous one (comment lines are skipped). */
  headers: [field: string, value: string][];
  /** M: meter, e.g. "6/8" or "C". */
  meter: string;
  /** L: unit note length as written, or null when the tune leaves it to the default for its meter. */
  unitNoteLength: string | null;
  /** K: key (the header that ends the tune header). */
  key: string;
  /** R: rhythm, e.g. "reel", "jig", or null. */
  rhythm: string | null;
  /** The tune body: the lines after the K: header, without trailing blank lines and the "%%%" separator. */
  body: string;
  /** The tune's whole text as in the file. */
  text: string;
}

/**
 * Irish dance tunes in ABC notation from Breathnach's Ceol Rince na hÉireann (Polifonia's cleaned edition of
 * Bill Black's transcriptions; CC BY 4.0): 1,180 tunes, in file order.
 */
export function loadAbcTunes(): AbcTune[] {
  const text = readFileSync(dataFile('music-abc/CRE_clean_noncomposed.abc'), 'utf8');
  const starts = [...text.matchAll(/^X:/gm)].map((m) => m.index);
  return starts.map((start, i) => parseTune(text.slice(start, starts[i + 1] ?? text.length)));
}

function parseTune(text: string): AbcTune {
  const lines = text.split('\n');
  const headers: [string, string][] = [];
  let k = 0;
  for (; k < lines.length; k++) {
    const field = /^([A-Za-z]):(.*)$/.exec(lines[k]!);
    if (field) headers.push([field[1]!, field[2]!.trim()]);
    else if (headers.length > 0 && lines[k]!.trim() !== '' && !lines[k]!.startsWith('%'))
      headers[headers.length - 1]![1] += `\n${lines[k]!.trim()}`;
    if (field?.[1] === 'K') break;
  }
  const bodyLines = lines.slice(k + 1);
  while (bodyLines.length > 0 && /^(%%%)?\s*$/.test(bodyLines[bodyLines.length - 1]!)) bodyLines.pop();
  const get = (f: string): string | null => headers.find(([name]) => name === f)?.[1] ?? null;
  const id = Number.parseInt(get('X') ?? '', 10);
  const key = get('K');
  if (!Number.isInteger(id) || key === null) throw new Error(`ABC tune without X: number or K: header: ${text.slice(0, 80)}`);
  return {
    id,
    title: get('T') ?? '',
    headers,
    meter: get('M') ?? 'none',
    unitNoteLength: get('L'),
    key,
    rhythm: get('R'),
    body: bodyLines.join('\n'),
    text,
  };
}
