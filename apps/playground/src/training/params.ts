// Reading task parameters: a default when absent, a typed error naming `params.<name>` when out of range.
import { checkOneOf, InvalidArgumentError } from '@rnn/core';

type Params = Readonly<Record<string, unknown>>;

/** An integer in [lo, hi]. */
export function intParam(params: Params, name: string, fallback: number, lo: number, hi: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new InvalidArgumentError(`params.${name}`, `an integer in [${lo}, ${hi}]`, v);
  return v;
}

/** A finite number in (lo, hi] (lo excluded: rates and scales must be positive). */
export function numberParam(params: Params, name: string, fallback: number, lo: number, hi: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= lo || v > hi)
    throw new InvalidArgumentError(`params.${name}`, `a number in (${lo}, ${hi}]`, v);
  return v;
}

/** A finite number in [lo, hi] (zero and negatives allowed: biases). */
export function finiteParam(params: Params, name: string, fallback: number, lo: number, hi: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    throw new InvalidArgumentError(`params.${name}`, `a number in [${lo}, ${hi}]`, v);
  return v;
}

export function oneOfParam<T extends string>(params: Params, name: string, fallback: T, allowed: readonly T[]): T {
  return checkOneOf(`params.${name}`, params[name] ?? fallback, allowed);
}

/** Rejects parameters the task does not know, so a typo is an error rather than a silently ignored setting. */
export function checkKnown(params: Params, known: readonly string[]): void {
  for (const k of Object.keys(params))
    if (!known.includes(k)) throw new InvalidArgumentError('params', `parameters among ${known.join(', ')}`, k);
}
