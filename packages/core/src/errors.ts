// Typed errors. Each names the argument, what was expected and what was received.
// A Symbol.for marker makes `isInstance` work across duplicate installs of @rnn/core.

const MARKER = Symbol.for('@rnn/core.error');

export type RnnErrorCode =
  | 'SHAPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'NON_FINITE'
  | 'UNSUPPORTED'
  | 'BACKEND_NOT_READY'
  | 'RELEASED_TENSOR'
  | 'CORRUPT_MODEL';

export class RnnError extends Error {
  readonly [MARKER] = true;
  readonly code: RnnErrorCode;
  /** The argument at fault, for example `x.shape[2]` or `options.clipNorm`. */
  readonly argument: string;

  constructor(code: RnnErrorCode, argument: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.argument = argument;
  }

  static isInstance(value: unknown): value is RnnError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

const RAW = Symbol('raw');

/** Marks already-formatted text (a shape, a count, a state) so messages print it without quotes. */
export function raw(text: string): { [RAW]: string } {
  return { [RAW]: text };
}

/** Formats a received value for a message, shortened so a huge array never floods the log. */
export function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && RAW in value) return (value as { [RAW]: string })[RAW];
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value))
    return value.length > 8 ? `[${value.slice(0, 8).map(describe).join(', ')}, …]` : `[${value.map(describe).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

export class ShapeError extends RnnError {
  constructor(argument: string, expected: string, received: unknown) {
    super(
      'SHAPE_MISMATCH',
      argument,
      `${argument}: expected ${expected}, received ${typeof received === 'string' ? received : describe(received)}`,
    );
  }
}

export class InvalidArgumentError extends RnnError {
  constructor(argument: string, expected: string, received: unknown) {
    super('INVALID_ARGUMENT', argument, `${argument}: expected ${expected}, received ${describe(received)}`);
  }
}

export class NonFiniteError extends RnnError {
  constructor(argument: string, index: number, value: number) {
    super('NON_FINITE', argument, `${argument}: expected finite numbers, received ${value} at flat index ${index}`);
  }
}

export class UnsupportedError extends RnnError {
  constructor(argument: string, expected: string, received: unknown) {
    super('UNSUPPORTED', argument, `${argument}: expected ${expected}, received ${describe(received)}`);
  }
}

export class BackendNotReadyError extends RnnError {
  constructor(backend: string) {
    super(
      'BACKEND_NOT_READY',
      'backend',
      `backend: expected a ready backend (await backend.ready()), received "${backend}" before it was ready`,
    );
  }
}

export class ReleasedTensorError extends RnnError {
  constructor(argument: string) {
    super('RELEASED_TENSOR', argument, `${argument}: expected a live tensor, received one that was already released`);
  }
}

export class CorruptModelError extends RnnError {
  constructor(argument: string, expected: string, received: unknown) {
    super(
      'CORRUPT_MODEL',
      argument,
      `${argument}: expected ${expected}, received ${typeof received === 'string' ? received : describe(received)}`,
    );
  }
}

// ---- small validators used across the package ----

export function checkPositiveInt(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new InvalidArgumentError(argument, 'a positive integer', value);
  return value;
}

export function checkNonNegativeInt(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(argument, 'a non-negative integer', value);
  return value;
}

export function checkPositiveNumber(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(argument, 'a finite number > 0', value);
  return value;
}

export function checkRange(argument: string, value: unknown, lo: number, hi: number, hiOpen = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || (hiOpen ? value >= hi : value > hi))
    throw new InvalidArgumentError(argument, `a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}`, value);
  return value;
}

export function checkOneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InvalidArgumentError(argument, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
  return value as T;
}

export function checkFinite(argument: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteError(argument, i, v);
  }
}
