// Character, word and byte-pair-encoding tokenizers: trained on a corpus, saved as JSON next to a model.
import { CorruptModelError, checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '@rnn/core';
import { type PaddedBatch, padBatch } from './batch.js';
import { type Normalization, normalizationFromJSON, normalizeText, resolveNormalization } from './normalize.js';
import { type SpecialTokenOptions, Vocabulary, type VocabularyBuildOptions, type VocabularyJson } from './vocabulary.js';

export type TokenizerKind = 'char' | 'word' | 'bpe';

export interface EncodeOptions {
  /** Start with the vocabulary's begin-of-sequence token. */
  addBos?: boolean;
  /** End with the vocabulary's end-of-sequence token. */
  addEos?: boolean;
}

export interface DecodeOptions {
  /** Keep pad, bos and eos tokens in the text (they are dropped by default; unknown tokens are always kept). */
  keepSpecials?: boolean;
}

export interface TokenizerJson {
  type: 'tokenizer';
  kind: TokenizerKind;
  version: 1;
  normalization: Normalization;
  vocabulary: VocabularyJson;
  /** BPE only: the merges in the order they were learned. */
  merges?: [string, string][];
}

/** What every tokenizer does; `tokenizerFromJSON` restores any of them. */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocabulary: Vocabulary;
  readonly normalization: Normalization;
  /** Normalises and splits text into token strings (before the vocabulary lookup). */
  tokenize(text: string): string[];
  /** Token ids; unknown tokens become the unknown id, or an InvalidArgumentError when the vocabulary has none. */
  encode(text: string, options?: EncodeOptions): Int32Array;
  /** Several texts as one end-padded batch with lengths. */
  encodeBatch(texts: readonly string[], options?: EncodeOptions & { maxLength?: number }): PaddedBatch;
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  toJSON(): TokenizerJson;
}

export type Corpus = string | Iterable<string>;

export interface TokenizerTrainOptions extends VocabularyBuildOptions, Partial<Normalization> {}

abstract class BaseTokenizer implements Tokenizer {
  abstract readonly kind: TokenizerKind;

  constructor(
    readonly vocabulary: Vocabulary,
    readonly normalization: Normalization,
  ) {}

  /** Splits already-normalised text. */
  protected abstract split(text: string): string[];
  /** Joins token strings back into text. */
  protected abstract join(tokens: string[]): string;

  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new InvalidArgumentError('text', 'a string', text);
    return this.split(normalizeText(text, this.normalization));
  }

  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const body = this.vocabulary.encode(this.tokenize(text));
    const bos = options.addBos ? [specialId(this.vocabulary.bosId, 'bos')] : [];
    const eos = options.addEos ? [specialId(this.vocabulary.eosId, 'eos')] : [];
    return bos.length + eos.length === 0 ? body : Int32Array.from([...bos, ...body, ...eos]);
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions & { maxLength?: number } = {}): PaddedBatch {
    return padBatch(
      texts.map((t) => this.encode(t, options)),
      this.vocabulary.padId,
      options,
    );
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const v = this.vocabulary;
    const dropped = new Set(options.keepSpecials ? [] : [v.padId, v.bosId, v.eosId]);
    return this.join(v.decode(Array.from(ids).filter((id) => !dropped.has(id))));
  }

  toJSON(): TokenizerJson {
    return {
      type: 'tokenizer',
      kind: this.kind,
      version: 1,
      normalization: { ...this.normalization },
      vocabulary: this.vocabulary.toJSON(),
    };
  }
}

function specialId(id: number | null, name: string): number {
  if (id === null)
    throw new InvalidArgumentError(`options.add${name[0]!.toUpperCase()}${name.slice(1)}`, `a vocabulary with a ${name} token`, false);
  return id;
}

/** Each document of the corpus, normalised; an empty corpus is an error. */
function normalizedDocuments(corpus: Corpus, n: Normalization): string[] {
  const docs = typeof corpus === 'string' ? [corpus] : [...corpus];
  const out = docs.map((d, i) => {
    if (typeof d !== 'string') throw new InvalidArgumentError(`corpus[${i}]`, 'a string', d);
    return normalizeText(d, n);
  });
  if (out.every((d) => d.length === 0)) throw new InvalidArgumentError('corpus', 'non-empty text', 'an empty corpus');
  return out;
}

// ---------------------------------------------------------------- characters

/** One token per Unicode code point (surrogate pairs stay whole). Lossless apart from unknown characters. */
export class CharTokenizer extends BaseTokenizer {
  readonly kind = 'char';

  /** Defaults: no lower-casing, no Unicode normalisation (the text comes back exactly). */
  static train(corpus: Corpus, options: TokenizerTrainOptions = {}): CharTokenizer {
    const n = resolveNormalization(options, { lowercase: false, unicode: 'none' });
    const docs = normalizedDocuments(corpus, n);
    return new CharTokenizer(Vocabulary.build(chars(docs), options), n);
  }

  static fromJSON(json: unknown): CharTokenizer {
    const { vocabulary, normalization } = parseTokenizerJson(json, 'char');
    return new CharTokenizer(vocabulary, normalization);
  }

  protected split(text: string): string[] {
    return Array.from(text);
  }

  protected join(tokens: string[]): string {
    return tokens.join('');
  }
}

function* chars(docs: string[]): Iterable<string> {
  for (const d of docs) yield* d;
}

// ---------------------------------------------------------------- words

// A word is a run of letters, marks and digits, with inner apostrophes ("don't"); every other
// non-space character is a token of its own.
const WORD_PATTERN = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const NO_SPACE_BEFORE = /^[.,!?;:%)\]}]$/;
const NO_SPACE_AFTER = /^[([{]$/;

/**
 * Words and punctuation. Defaults: NFKC and lower-casing. Words outside the vocabulary (rare ones left out
 * by `minCount` / `maxSize`, or unseen ones) encode as the unknown token. Decoding joins with single spaces
 * (none before closing or after opening punctuation), so the original spacing is not restored.
 */
export class WordTokenizer extends BaseTokenizer {
  readonly kind = 'word';

  static train(corpus: Corpus, options: TokenizerTrainOptions = {}): WordTokenizer {
    const n = resolveNormalization(options, { lowercase: true, unicode: 'NFKC' });
    const docs = normalizedDocuments(corpus, n);
    const words = docs.flatMap((d) => d.match(WORD_PATTERN) ?? []);
    if (words.length === 0) throw new InvalidArgumentError('corpus', 'text with at least one word', 'only white space');
    return new WordTokenizer(Vocabulary.build(words, options), n);
  }

  static fromJSON(json: unknown): WordTokenizer {
    const { vocabulary, normalization } = parseTokenizerJson(json, 'word');
    return new WordTokenizer(vocabulary, normalization);
  }

  protected split(text: string): string[] {
    return text.match(WORD_PATTERN) ?? [];
  }

  protected join(tokens: string[]): string {
    let out = '';
    tokens.forEach((t, i) => {
      if (i > 0 && !NO_SPACE_BEFORE.test(t) && !NO_SPACE_AFTER.test(tokens[i - 1]!)) out += ' ';
      out += t;
    });
    return out;
  }
}

// ---------------------------------------------------------------- byte-pair encoding

// Pre-tokenisation (GPT-2 style): merges never cross these chunks. A leading space belongs to the word
// after it, so " the" becomes one token and decoding is plain concatenation.
const CHUNK_PATTERN = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface BpeTrainOptions extends Partial<Normalization> {
  /** The merge budget: at most this many merges are learned (fewer when no pair repeats often enough). */
  merges: number;
  /** A pair must occur at least this often to be merged. Default 2. */
  minPairCount?: number;
  /** Characters seen fewer times are left out of the base alphabet (they encode as the unknown token). Default 1. */
  minCount?: number;
  specials?: SpecialTokenOptions;
}

/**
 * Character-level byte-pair encoding (Sennrich et al. 2016) on GPT-2-style chunks: the base alphabet is the
 * training corpus's characters (code points), and each learned merge adds the concatenation of two tokens.
 * Encoding applies the merges in the order they were learned; decoding concatenates, so text made of known
 * characters comes back exactly. Characters outside the alphabet encode as the unknown token.
 * Defaults: no lower-casing, no Unicode normalisation.
 */
export class BpeTokenizer extends BaseTokenizer {
  readonly kind = 'bpe';
  /** The learned merges, in order (rank = index). */
  readonly merges: readonly (readonly [string, string])[];
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly cache = new Map<string, string[]>();

  private constructor(vocabulary: Vocabulary, normalization: Normalization, merges: readonly (readonly [string, string])[]) {
    super(vocabulary, normalization);
    this.merges = merges;
    merges.forEach(([a, b], rank) => {
      const row = this.ranks.get(a) ?? new Map<string, number>();
      this.ranks.set(a, row);
      if (!row.has(b)) row.set(b, rank);
    });
  }

  static train(corpus: Corpus, options: BpeTrainOptions): BpeTokenizer {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', '{ merges, ... }', options);
    const budget = checkNonNegativeInt('options.merges', options.merges);
    const minPairCount = checkPositiveInt('options.minPairCount', options.minPairCount ?? 2);
    const minCount = checkPositiveInt('options.minCount', options.minCount ?? 1);
    const n = resolveNormalization(options, { lowercase: false, unicode: 'none' });
    const docs = normalizedDocuments(corpus, n);

    // Unique chunks with their counts; symbols are small integers while training.
    const chunkCounts = new Map<string, number>();
    for (const d of docs) for (const c of d.match(CHUNK_PATTERN) ?? []) chunkCounts.set(c, (chunkCounts.get(c) ?? 0) + 1);
    const charCounts = new Map<string, number>();
    for (const [c, k] of chunkCounts) for (const ch of c) charCounts.set(ch, (charCounts.get(ch) ?? 0) + k);
    const alphabet = [...charCounts].filter(([, k]) => k >= minCount).map(([ch]) => ch);
    if (alphabet.length === 0)
      throw new InvalidArgumentError('options.minCount', `at most the count of the most frequent character`, minCount);

    const symbols = [...alphabet]; // id -> string
    const symbolIds = new Map(symbols.map((s, i) => [s, i]));
    const UNKNOWN = -1; // characters outside the alphabet: never merged
    const words = [...chunkCounts].map(([c, count]) => ({ ids: Array.from(c, (ch) => symbolIds.get(ch) ?? UNKNOWN), count }));

    const pairCounts = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    const addPairs = (w: number, sign: 1 | -1): void => {
      const { ids, count } = words[w]!;
      for (let i = 0; i + 1 < ids.length; i++) {
        if (ids[i] === UNKNOWN || ids[i + 1] === UNKNOWN) continue;
        const key = pairKey(ids[i]!, ids[i + 1]!);
        const total = (pairCounts.get(key) ?? 0) + sign * count;
        if (total === 0) pairCounts.delete(key);
        else pairCounts.set(key, total);
        if (sign > 0) {
          const set = pairWords.get(key) ?? new Set<number>();
          pairWords.set(key, set);
          set.add(w);
        }
      }
    };
    words.forEach((_, w) => addPairs(w, 1));

    const merges: [string, string][] = [];
    while (merges.length < budget) {
      // The most frequent pair; ties go to the pair of earlier-created symbols (smaller key).
      let best = -1;
      let bestCount = 0;
      for (const [key, count] of pairCounts) if (count > bestCount || (count === bestCount && key < best)) [best, bestCount] = [key, count];
      if (bestCount < minPairCount) break;
      const [left, right] = [Math.floor(best / PAIR_BASE), best % PAIR_BASE];
      const merged = symbols[left]! + symbols[right]!;
      let id = symbolIds.get(merged); // "ab"+"c" and "a"+"bc" make the same token
      if (id === undefined) {
        if (symbols.length >= PAIR_BASE) break; // pair keys hold symbol ids below 2^21
        id = symbols.push(merged) - 1;
        symbolIds.set(merged, id);
      }
      merges.push([symbols[left]!, symbols[right]!]);
      for (const w of pairWords.get(best) ?? []) {
        addPairs(w, -1);
        words[w]!.ids = mergePair(words[w]!.ids, left, right, id);
        addPairs(w, 1);
      }
      pairWords.delete(best);
    }
    const vocabulary = Vocabulary.fromTokens(symbols, options.specials);
    return new BpeTokenizer(vocabulary, n, merges);
  }

  static fromJSON(json: unknown): BpeTokenizer {
    const { vocabulary, normalization } = parseTokenizerJson(json, 'bpe');
    const merges = (json as TokenizerJson).merges;
    if (!Array.isArray(merges)) throw new CorruptModelError('tokenizer.merges', 'an array of [left, right] pairs', merges);
    merges.forEach((m, i) => {
      if (
        !Array.isArray(m) ||
        m.length !== 2 ||
        !m.every((t) => typeof t === 'string' && vocabulary.has(t)) ||
        !vocabulary.has(m[0] + m[1])
      )
        throw new CorruptModelError(`tokenizer.merges[${i}]`, 'a pair of vocabulary tokens whose concatenation is in the vocabulary', m);
    });
    return new BpeTokenizer(vocabulary, normalization, merges);
  }

  override toJSON(): TokenizerJson {
    return { ...super.toJSON(), merges: this.merges.map(([a, b]) => [a, b]) };
  }

  protected split(text: string): string[] {
    return (text.match(CHUNK_PATTERN) ?? []).flatMap((chunk) => this.splitChunk(chunk));
  }

  protected join(tokens: string[]): string {
    return tokens.join('');
  }

  /** Applies the merges by rank: repeatedly merge every occurrence of the best-ranked adjacent pair. */
  private splitChunk(chunk: string): string[] {
    const cached = this.cache.get(chunk);
    if (cached) return cached;
    let parts = Array.from(chunk);
    for (;;) {
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < parts.length; i++) {
        const rank = this.ranks.get(parts[i]!)?.get(parts[i + 1]!);
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      if (bestRank === Number.POSITIVE_INFINITY) break;
      const [a, b] = this.merges[bestRank]!;
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(parts[i]!);
      }
      parts = next;
    }
    if (this.cache.size < 100_000) this.cache.set(chunk, parts);
    return parts;
  }
}

const PAIR_BASE = 2 ** 21;
const pairKey = (a: number, b: number): number => a * PAIR_BASE + b;

/** Replaces each non-overlapping occurrence of (left, right), scanning left to right. */
function mergePair(ids: number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === left && ids[i + 1] === right) {
      out.push(merged);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

// ---------------------------------------------------------------- files

function parseTokenizerJson(json: unknown, kind: TokenizerKind): { vocabulary: Vocabulary; normalization: Normalization } {
  const j = json as Partial<TokenizerJson> | null;
  if (typeof j !== 'object' || j === null || j.type !== 'tokenizer')
    throw new CorruptModelError('tokenizer', 'an object with type "tokenizer"', j);
  if (j.kind !== kind) throw new CorruptModelError('tokenizer.kind', `"${kind}"`, JSON.stringify(j.kind) ?? 'nothing');
  if (j.version !== 1) throw new CorruptModelError('tokenizer.version', '1', j.version);
  return { vocabulary: Vocabulary.fromJSON(j.vocabulary), normalization: normalizationFromJSON(j.normalization) };
}

/** Restores any tokenizer from its `toJSON()` (accepts the parsed object or the JSON text). */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const j = typeof json === 'string' ? parseJsonText(json) : json;
  const kind = (j as Partial<TokenizerJson> | null)?.kind;
  if (kind === 'char') return CharTokenizer.fromJSON(j);
  if (kind === 'word') return WordTokenizer.fromJSON(j);
  if (kind === 'bpe') return BpeTokenizer.fromJSON(j);
  throw new CorruptModelError('tokenizer.kind', '"char", "word" or "bpe"', JSON.stringify(kind) ?? 'nothing');
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CorruptModelError('tokenizer', 'JSON text', (e as Error).message);
  }
}
