// Beam search over any next-token scorer: keeps the `beamWidth` most probable partial sequences at each step
// instead of the single greedy one. The scorer abstraction lets a recurrent model carry its state per beam,
// and lets tests drive the search with a hand-written table.
import { checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '@rnn/core';

export interface BeamScorer {
  /** Log-probabilities of the first generated token (one hypothesis: the prompt). */
  start(): Float64Array;
  /**
   * Extends hypotheses: new hypothesis j is hypothesis `parents[j]` of the previous step followed by
   * `tokens[j]`. Returns the next-token log-probabilities of each new hypothesis.
   */
  extend(parents: readonly number[], tokens: readonly number[]): Float64Array[];
}

export interface BeamSearchOptions {
  /** Hypotheses kept at each step (1 = greedy). */
  beamWidth: number;
  /** Tokens generated at most (the end token included). */
  maxTokens: number;
  /** A hypothesis that emits this token is finished. */
  eosId?: number | null;
  /**
   * Hypotheses are ranked by logProb / length^lengthPenalty: 0 ranks by total log-probability, 1 (default) by
   * the mean per token, which does not favour short endings.
   */
  lengthPenalty?: number;
}

export interface Hypothesis {
  /** Generated token ids (ending with the end token if finished). */
  ids: number[];
  /** Sum of the tokens' log-probabilities (natural log). */
  logProb: number;
  /** The ranking score (see lengthPenalty). */
  score: number;
  /** Whether it ended with the end token (otherwise it reached maxTokens). */
  finished: boolean;
}

interface Candidate {
  parent: number;
  token: number;
  logProb: number;
}

/** Returns up to beamWidth hypotheses, best first. Stops when beamWidth hypotheses have finished. */
export function beamSearch(scorer: BeamScorer, options: BeamSearchOptions): Hypothesis[] {
  const beamWidth = checkPositiveInt('beamWidth', options?.beamWidth);
  const maxTokens = checkPositiveInt('maxTokens', options.maxTokens);
  const eosId = options.eosId === undefined || options.eosId === null ? null : checkNonNegativeInt('eosId', options.eosId);
  const alpha = options.lengthPenalty ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0)
    throw new InvalidArgumentError('lengthPenalty', 'a finite number >= 0', alpha);
  const score = (logProb: number, length: number): number => logProb / length ** alpha;

  let live: { ids: number[]; logProb: number }[] = [{ ids: [], logProb: 0 }];
  let rows = [scorer.start()];
  const finished: Hypothesis[] = [];
  for (let step = 0; step < maxTokens; step++) {
    // Each beam contributes its 2·beamWidth best tokens: enough to fill beamWidth live slots even if as many end.
    const candidates: Candidate[] = [];
    live.forEach((beam, parent) => {
      const row = rows[parent]!;
      for (const token of topIndices(row, 2 * beamWidth)) candidates.push({ parent, token, logProb: beam.logProb + row[token]! });
    });
    candidates.sort((a, b) => b.logProb - a.logProb || a.parent - b.parent || a.token - b.token);
    const next: Candidate[] = [];
    for (const c of candidates) {
      if (next.length === beamWidth) break;
      const ids = [...live[c.parent]!.ids, c.token];
      if (c.token === eosId) finished.push({ ids, logProb: c.logProb, score: score(c.logProb, ids.length), finished: true });
      else next.push(c);
    }
    if (finished.length >= beamWidth || next.length === 0) {
      live = [];
      break;
    }
    const extended = next.map((c) => ({ ids: [...live[c.parent]!.ids, c.token], logProb: c.logProb }));
    if (step + 1 < maxTokens)
      rows = scorer.extend(
        next.map((c) => c.parent),
        next.map((c) => c.token),
      );
    live = extended;
  }
  const open = live.map((b) => ({ ...b, score: score(b.logProb, b.ids.length), finished: false }));
  return [...finished, ...open].sort((a, b) => b.score - a.score).slice(0, beamWidth);
}

/** Indices of the k largest values, largest first. */
function topIndices(row: Float64Array, k: number): number[] {
  const idx = Array.from(row.keys());
  if (k >= row.length) return idx.sort((a, b) => row[b]! - row[a]! || a - b);
  const top: number[] = [];
  for (const i of idx) {
    if (top.length === k && row[i]! <= row[top[k - 1]!]!) continue;
    let j = Math.min(top.length, k - 1);
    top[j] = i;
    while (j > 0 && row[top[j - 1]!]! < row[i]!) {
      top[j] = top[j - 1]!;
      top[j - 1] = i;
      j--;
    }
  }
  return top;
}
