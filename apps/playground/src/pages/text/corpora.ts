// The bundled corpora, as raw text. Imported only by the text task, so the 1.6 MB of text is fetched by the
// worker the first time a page trains a language model, never with the first page load.
import abc from '../../../../../packages/datasets/data/music-abc/CRE_clean_noncomposed.abc?raw';
import shakespeare from '../../../../../packages/datasets/data/tiny-shakespeare/input.txt?raw';

export const BUNDLED_CORPORA: Readonly<Record<'shakespeare' | 'abc', string>> = { shakespeare, abc };
