// The bad-input catalogue format every package's `bad-input.test.ts` uses: a call, and the typed error it must
// throw — its code, the argument it names, and what the message says was received.
import type { Backend } from '../backend/contract.js';
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

/**
 * Primitive misuse every backend must reject the same way (shared checks in `backend/checks.ts`): bad shapes and
 * data lengths, mismatched GEMM and elementwise operands, unknown activations, released and foreign tensors,
 * class indices out of range. A backend's own catalogue adds its option cases.
 */
export function backendBadInputCases(b: Backend): BadInputCase[] {
  const t = (shape: number[]) => b.tensor(shape);
  return [
    { name: 'negative dimension', call: () => b.tensor([2, -1]), code: 'INVALID_ARGUMENT', argument: 'shape', received: '[2, -1]' },
    { name: 'fractional dimension', call: () => b.tensor([2.5]), code: 'INVALID_ARGUMENT', argument: 'shape', received: '[2.5]' },
    {
      name: 'data of the wrong length',
      call: () => b.tensor([2, 3], [1, 2, 3]),
      code: 'SHAPE_MISMATCH',
      argument: 'data',
      received: '3 values',
    },
    {
      name: 'write of the wrong length',
      call: () => b.write(t([4]), [1, 2]),
      code: 'SHAPE_MISMATCH',
      argument: 'data',
      received: '2 values',
    },
    {
      name: 'gemm inner dimensions differ',
      call: () => b.gemm(t([2, 3]), t([4, 5]), t([2, 5])),
      code: 'SHAPE_MISMATCH',
      argument: 'b',
      received: '4 (b [4, 5])',
    },
    {
      name: 'gemm output of the wrong shape',
      call: () => b.gemm(t([2, 3]), t([3, 5]), t([2, 4])),
      code: 'SHAPE_MISMATCH',
      argument: 'out',
      received: '[2, 4]',
    },
    {
      name: 'unknown activation',
      call: () => b.activation('gelu' as never, t([2]), t([2])),
      code: 'INVALID_ARGUMENT',
      argument: 'kind',
      received: '"gelu"',
    },
    {
      name: 'elementwise sizes differ',
      call: () => b.add(t([2]), t([3]), t([2])),
      code: 'SHAPE_MISMATCH',
      argument: 'b',
      received: '3 elements (shape [3])',
    },
    {
      name: 'a released tensor',
      call: () => {
        const x = t([2]);
        b.release(x);
        return b.read(x);
      },
      code: 'RELEASED_TENSOR',
      argument: 't',
      received: 'one that was already released',
    },
    {
      name: 'a foreign tensor object',
      call: () => b.read({ shape: [1], size: 1, released: false }),
      code: 'INVALID_ARGUMENT',
      argument: 't',
      received: 'Object',
    },
    {
      name: 'class index out of range in cross-entropy',
      call: () => b.softmaxCrossEntropy(t([2, 3]), Int32Array.from([0, 3]), t([2, 3])),
      code: 'INVALID_ARGUMENT',
      argument: 'labels[1]',
      received: '3',
    },
  ];
}
