// A vocabulary maps tokens to dense ids: the special tokens first (pad = 0), then the corpus tokens.
import { CorruptModelError, checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '@rnn/core';

export interface SpecialTokens {
  pad?: string;
  unk?: string;
  bos?: string;
  eos?: string;
}

/** Special tokens for `Vocabulary.build`; `null` disables one (except `pad`: padded batches need id 0). */
export interface SpecialTokenOptions {
  pad?: string | null;
  unk?: string | null;
  bos?: string | null;
  eos?: string | null;
}

export interface VocabularyBuildOptions {
  /** Tokens seen fewer times are left out (they encode as the unknown token). Default 1. */
  minCount?: number;
  /** At most this many entries in all, specials included; the rarest tokens are left out. */
  maxSize?: number;
  specials?: SpecialTokenOptions;
}

export interface VocabularyJson {
  type: 'vocabulary';
  version: 1;
  /** Every token in id order, specials included. */
  tokens: string[];
  specials: { pad: string; unk: string | null; bos: string | null; eos: string | null };
}

export const DEFAULT_SPECIALS = { pad: '<pad>', unk: '<unk>', bos: '<s>', eos: '</s>' } as const;

const SPECIAL_KEYS = ['pad', 'unk', 'bos', 'eos'] as const;
type SpecialKey = (typeof SPECIAL_KEYS)[number];
type ResolvedSpecials = VocabularyJson['specials'];

export class Vocabulary {
  readonly padId: number;
  readonly unkId: number | null;
  readonly bosId: number | null;
  readonly eosId: number | null;
  private readonly list: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;
  private readonly specialTokens: ResolvedSpecials;

  private constructor(tokens: readonly string[], specials: ResolvedSpecials) {
    this.list = tokens;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    this.specialTokens = specials;
    const idOf = (t: string | null): number | null => (t === null ? null : this.ids.get(t)!);
    this.padId = idOf(specials.pad)!;
    this.unkId = idOf(specials.unk);
    this.bosId = idOf(specials.bos);
    this.eosId = idOf(specials.eos);
  }

  /**
   * Counts `tokens` and orders them by descending frequency, ties by first appearance, after the special
   * tokens (pad, unk, bos, eos in that order; pad = 0). A corpus token equal to a special token is that special.
   */
  static build(tokens: Iterable<string>, options: VocabularyBuildOptions = {}): Vocabulary {
    const minCount = checkPositiveInt('options.minCount', options.minCount ?? 1);
    const specials = resolveSpecials(options.specials);
    const specialList = SPECIAL_KEYS.map((k) => specials[k]).filter((t): t is string => t !== null);
    const maxSize = options.maxSize === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt('options.maxSize', options.maxSize);
    if (maxSize <= specialList.length)
      throw new InvalidArgumentError('options.maxSize', `more than the ${specialList.length} special tokens`, maxSize);
    const counts = new Map<string, number>(); // insertion order = first appearance
    for (const token of tokens) {
      if (typeof token !== 'string') throw new InvalidArgumentError('tokens', 'strings', token);
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    if (counts.size === 0) throw new InvalidArgumentError('tokens', 'a non-empty corpus', 'no tokens');
    const reserved = new Set(specialList);
    // Array.prototype.sort is stable, so equal counts keep their first-appearance order.
    const kept = [...counts]
      .filter(([t, c]) => c >= minCount && !reserved.has(t))
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxSize - specialList.length)
      .map(([t]) => t);
    if (kept.length === 0)
      throw new InvalidArgumentError(
        'tokens',
        `at least one token seen ${minCount} time(s) or more`,
        `${counts.size} distinct tokens, none kept`,
      );
    return new Vocabulary([...specialList, ...kept], specials);
  }

  /** A vocabulary with exactly these tokens, in this order, after the special tokens (for tokenizers that choose the order). */
  static fromTokens(tokens: readonly string[], specials?: SpecialTokenOptions): Vocabulary {
    const resolved = resolveSpecials(specials);
    const all = [...SPECIAL_KEYS.map((k) => resolved[k]).filter((t): t is string => t !== null), ...tokens];
    const seen = new Set<string>();
    for (const [i, t] of all.entries()) {
      if (typeof t !== 'string') throw new InvalidArgumentError(`tokens[${i}]`, 'a string', t);
      if (seen.has(t))
        throw new InvalidArgumentError('tokens', 'distinct tokens, none equal to a special token', `${JSON.stringify(t)} twice`);
      seen.add(t);
    }
    return new Vocabulary(all, resolved);
  }

  static fromJSON(json: unknown): Vocabulary {
    const j = json as Partial<VocabularyJson> | null;
    if (typeof j !== 'object' || j === null || j.type !== 'vocabulary')
      throw new CorruptModelError('vocabulary', 'an object with type "vocabulary"', j);
    if (j.version !== 1) throw new CorruptModelError('vocabulary.version', '1', j.version);
    const tokens = j.tokens;
    if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((t) => typeof t === 'string'))
      throw new CorruptModelError('vocabulary.tokens', 'a non-empty array of strings', tokens);
    if (new Set(tokens).size !== tokens.length) throw new CorruptModelError('vocabulary.tokens', 'distinct tokens', 'duplicates');
    const s = j.specials as Record<string, unknown> | undefined;
    if (typeof s !== 'object' || s === null) throw new CorruptModelError('vocabulary.specials', 'an object', s);
    const specials = {} as Record<SpecialKey, string | null>;
    let next = 0; // specials must hold the first ids, in the fixed order
    for (const key of SPECIAL_KEYS) {
      const t = s[key];
      if (t === null && key !== 'pad') {
        specials[key] = null;
        continue;
      }
      if (typeof t !== 'string' || tokens[next] !== t)
        throw new CorruptModelError(`vocabulary.specials.${key}`, `the token at id ${next}`, typeof t === 'string' ? JSON.stringify(t) : t);
      specials[key] = t;
      next++;
    }
    return new Vocabulary(tokens, specials as ResolvedSpecials);
  }

  toJSON(): VocabularyJson {
    return { type: 'vocabulary', version: 1, tokens: [...this.list], specials: { ...this.specialTokens } };
  }

  get size(): number {
    return this.list.length;
  }

  /** Every token in id order (specials first). */
  get tokens(): readonly string[] {
    return this.list;
  }

  /** The special token strings (`null` where disabled). */
  get specials(): Readonly<ResolvedSpecials> {
    return this.specialTokens;
  }

  /** Ids of the enabled special tokens. */
  get specialIds(): number[] {
    return [this.padId, this.unkId, this.bosId, this.eosId].filter((id): id is number => id !== null);
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  id(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    if (this.unkId !== null) return this.unkId;
    throw new InvalidArgumentError('token', 'a token in the vocabulary (it has no unknown token)', token);
  }

  token(id: number): string {
    checkNonNegativeInt('id', id);
    const t = this.list[id];
    if (t === undefined) throw new InvalidArgumentError('id', `an id below the vocabulary size ${this.size}`, id);
    return t;
  }

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.id(tokens[i]!);
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.token(id));
  }
}

function resolveSpecials(options: SpecialTokenOptions = {}): ResolvedSpecials {
  const out = {} as Record<SpecialKey, string | null>;
  for (const key of SPECIAL_KEYS) {
    const value = options[key];
    if (value === null && key === 'pad')
      throw new InvalidArgumentError('specials.pad', 'a string (padded batches use id 0 for padding)', null);
    if (value !== undefined && value !== null && (typeof value !== 'string' || value.length === 0))
      throw new InvalidArgumentError(`specials.${key}`, 'a non-empty string or null', value);
    out[key] = value === undefined ? DEFAULT_SPECIALS[key] : value;
  }
  const enabled = Object.values(out).filter((t) => t !== null);
  if (new Set(enabled).size !== enabled.length) throw new InvalidArgumentError('specials', 'distinct special tokens', enabled);
  return out as ResolvedSpecials;
}
