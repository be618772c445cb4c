// Entity-level precision, recall and F1 with the semantics of conlleval.pl (CoNLL-2000/2003 shared tasks,
// version 2004-01-26): chunks start and end where conlleval says (an I- after O or after another type starts an
// entity), a predicted entity is correct when it starts and ends at the same tokens with the same type as a gold
// one, sentence breaks end every entity, and scores are percentages (0 when undefined), per type and overall.
import { InvalidArgumentError, ShapeError } from '@rnn/core';
import { chunkEnds, chunkStarts, type ParsedTag, parseTag } from './iob.js';

export interface ChunkScores {
  /** 100 · correct / predicted (0 when nothing was predicted). */
  precision: number;
  /** 100 · correct / gold (0 when there is no gold entity). */
  recall: number;
  /** Harmonic mean of precision and recall, in percent (0 when both are 0). */
  f1: number;
  /** Entities in the gold tags. */
  gold: number;
  /** Entities in the predicted tags. */
  predicted: number;
  /** Predicted entities that match a gold one exactly (span and type). */
  correct: number;
}

export interface ConllEvalResult extends ChunkScores {
  /** Tokens evaluated. */
  tokens: number;
  /** Percentage of tokens whose predicted tag equals the gold tag. */
  accuracy: number;
  /** Scores per entity type, in conlleval's (code point) order of type names. */
  types: Record<string, ChunkScores>;
}

function scores(correct: number, gold: number, predicted: number): ChunkScores {
  const precision = predicted > 0 ? (100 * correct) / predicted : 0;
  const recall = gold > 0 ? (100 * correct) / gold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, gold, predicted, correct };
}

const OUTSIDE: ParsedTag = { prefix: 'O', type: '' };

/**
 * Scores predicted tags against gold tags, sentence by sentence (one array of tags per sentence; the arrays must
 * pair up in length). Tags must be `O`, `B-TYPE` or `I-TYPE`.
 */
export function conllEval(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): ConllEvalResult {
  if (!Array.isArray(gold)) throw new InvalidArgumentError('gold', 'an array of tag sequences', gold);
  if (!Array.isArray(predicted)) throw new InvalidArgumentError('predicted', 'an array of tag sequences', predicted);
  if (predicted.length !== gold.length) throw new ShapeError('predicted', `${gold.length} sentences (as gold)`, `${predicted.length}`);
  const count = { correct: new Map<string, number>(), gold: new Map<string, number>(), predicted: new Map<string, number>() };
  const bump = (m: Map<string, number>, type: string): void => {
    m.set(type, (m.get(type) ?? 0) + 1);
  };
  let correctTags = 0;
  let tokens = 0;
  // conlleval's state: the previous gold and predicted tags, and whether the open chunks still agree
  let lastGold = OUTSIDE;
  let lastGuess = OUTSIDE;
  let inCorrect = false;
  const step = (g: ParsedTag, p: ParsedTag): void => {
    const goldEnds = chunkEnds(lastGold, g);
    const guessEnds = chunkEnds(lastGuess, p);
    if (inCorrect) {
      if (goldEnds && guessEnds && lastGuess.type === lastGold.type) {
        inCorrect = false;
        bump(count.correct, lastGold.type);
      } else if (goldEnds !== guessEnds || p.type !== g.type) inCorrect = false;
    }
    const goldStarts = chunkStarts(lastGold, g);
    const guessStarts = chunkStarts(lastGuess, p);
    if (goldStarts && guessStarts && p.type === g.type) inCorrect = true;
    if (goldStarts) bump(count.gold, g.type);
    if (guessStarts) bump(count.predicted, p.type);
    lastGold = g;
    lastGuess = p;
  };
  gold.forEach((g, k) => {
    const p = predicted[k];
    if (!Array.isArray(g)) throw new InvalidArgumentError(`gold[${k}]`, 'an array of tags', g);
    if (!Array.isArray(p)) throw new InvalidArgumentError(`predicted[${k}]`, 'an array of tags', p);
    if (p.length !== g.length) throw new ShapeError(`predicted[${k}]`, `${g.length} tags (as gold[${k}])`, `${p.length}`);
    g.forEach((tag, i) => {
      const gt = parseTag(tag, `gold[${k}][${i}]`);
      const pt = parseTag(p[i], `predicted[${k}][${i}]`);
      step(gt, pt);
      if (gt.prefix === pt.prefix && gt.type === pt.type) correctTags++;
      tokens++;
    });
    step(OUTSIDE, OUTSIDE); // the sentence break: an out-of-chunk token that is not counted
  });
  if (inCorrect) bump(count.correct, lastGold.type);

  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const types: Record<string, ChunkScores> = {};
  const names = [...new Set([...count.gold.keys(), ...count.predicted.keys()])].sort();
  for (const t of names) types[t] = scores(count.correct.get(t) ?? 0, count.gold.get(t) ?? 0, count.predicted.get(t) ?? 0);
  return {
    ...scores(total(count.correct), total(count.gold), total(count.predicted)),
    tokens,
    accuracy: tokens > 0 ? (100 * correctTags) / tokens : 0,
    types,
  };
}

/** The report conlleval.pl prints for these scores (same lines, same rounding). */
export function formatConllEval(r: ConllEvalResult): string {
  let out = `processed ${r.tokens} tokens with ${r.gold} phrases; found: ${r.predicted} phrases; correct: ${r.correct}.\n`;
  if (r.tokens > 0)
    out += `accuracy: ${fixed(r.accuracy)}%; precision: ${fixed(r.precision)}%; recall: ${fixed(r.recall)}%; FB1: ${fixed(r.f1)}\n`;
  for (const [type, s] of Object.entries(r.types))
    out += `${type.padStart(17)}: precision: ${fixed(s.precision)}%; recall: ${fixed(s.recall)}%; FB1: ${fixed(s.f1)}  ${s.predicted}\n`;
  return out;
}

/**
 * printf("%6.2f", x) as C (and so Perl) does it: rounding the exact binary value, ties to even. toFixed rounds
 * ties up, so it is used only on the exact decimal expansion (toFixed(100) is exact for these magnitudes).
 */
export function fixed(x: number, width = 6, digits = 2): string {
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf('.');
  const keep = exact.slice(0, point + 1 + digits);
  const rest = exact.slice(point + 1 + digits);
  const half = rest[0]! > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  const lastDigit = Number(keep[keep.length - 1]);
  const up = half || (tie && lastDigit % 2 === 1);
  let s = keep;
  if (up) {
    const scaled = BigInt(keep.replace('.', '')) + 1n;
    const str = scaled.toString().padStart(digits + 1, '0');
    s = `${str.slice(0, -digits)}.${str.slice(-digits)}`;
  }
  return `${x < 0 && /[1-9]/.test(s) ? '-' : ''}${s}`.padStart(width);
}
