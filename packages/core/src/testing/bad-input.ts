// The bad-input catalogue format every package's `bad-input.test.ts` uses: a call, and the typed error it must
// throw — its code, the argument it names, and what the message says was received.
import { RnnError, type RnnErrorCode } from '../errors.js';

export interface BadInputCase {
  name: string;
  /** May return a promise: async entry points reject. */
  call: () => unknown;
  code: RnnErrorCode;
  /** `error.argument`, exactly. */
  argument: string;
  /** Text that must follow "received " in the message. */
  received: string;
}

/**
 * Runs a case and returns what is wrong with the error it threw (null when it is right): an RnnError with the
 * code and argument, whose message reads "<argument>: expected …, received <received>…".
 */
export async function checkBadInput(c: BadInputCase): Promise<string | null> {
  let error: unknown;
  try {
    await c.call();
  } catch (e) {
    error = e;
  }
  if (error === undefined) return 'nothing was thrown';
  if (!RnnError.isInstance(error)) return `an untyped error: ${String(error)}`;
  const problems: string[] = [];
  if (error.code !== c.code) problems.push(`code ${error.code}, expected ${c.code}`);
  if (error.argument !== c.argument) problems.push(`argument "${error.argument}", expected "${c.argument}"`);
  if (!error.message.startsWith(`${error.argument}: expected `)) problems.push('the message does not start with "<argument>: expected"');
  if (!error.message.includes(`received ${c.received}`)) problems.push(`the message does not say "received ${c.received}"`);
  return problems.length ? `${problems.join('; ')} — message: ${error.message}` : null;
}
