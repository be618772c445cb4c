// The messages between the page and the training worker. A job is one run of a named task (see tasks.ts) on
// one backend; the worker runs one job at a time and tags every event with the job's id, so a page only
// listens to its own jobs. Commands are validated on arrival (the worker is a trust boundary like any API).
import { checkOneOf, checkPositiveInt, InvalidArgumentError, RnnError } from '@rnn/core';
import { BACKEND_CHOICES, type BackendChoice } from './backend-choice.js';

/** Page → worker. */
export type Command =
  | { type: 'start'; job: number; task: string; backend: BackendChoice; steps: number; params: Record<string, unknown> }
  | { type: 'pause'; job: number }
  | { type: 'resume'; job: number }
  | { type: 'stop'; job: number };

/** An error as it crosses the worker boundary (Error objects lose their class in structured clone). */
export interface ErrorInfo {
  name: string;
  message: string;
  /** The RnnError code (e.g. INVALID_ARGUMENT), when it was one. */
  code?: string;
}

/** Worker → page. */
export type WorkerEvent =
  /** The backend is ready and the task is built; `backend` is the backend's own name (e.g. "wasm-relaxed-simd"). */
  | { type: 'started'; job: number; backend: string; totalSteps: number; info: Record<string, unknown> }
  /**
   * One training step finished. `loss` has one entry per model the task trains (a single model: `{ loss }`),
   * `stepMs` is the wall time of the step alone, `payload` is task-specific (e.g. gradient norms).
   */
  | { type: 'progress'; job: number; step: number; totalSteps: number; loss: Record<string, number>; stepMs: number; payload?: unknown }
  /** Acknowledges pause / resume after the step in flight has finished. */
  | { type: 'state'; job: number; state: 'paused' | 'running'; step: number }
  | { type: 'done'; job: number; reason: 'completed' | 'stopped'; steps: number; result?: unknown }
  | { type: 'error'; job: number; error: ErrorInfo };

export type JobState = 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

const COMMANDS = ['start', 'pause', 'resume', 'stop'] as const;

/** Checks a message received by the worker; throws an InvalidArgumentError naming the bad field. */
export function parseCommand(message: unknown): Command {
  if (typeof message !== 'object' || message === null) throw new InvalidArgumentError('message', 'a command object', message);
  const m = message as Record<string, unknown>;
  const type = checkOneOf('message.type', m.type, COMMANDS);
  const job = checkPositiveInt('message.job', m.job);
  if (type !== 'start') return { type, job };
  if (typeof m.task !== 'string' || m.task === '') throw new InvalidArgumentError('message.task', 'a task name', m.task);
  const backend = checkOneOf('message.backend', m.backend, BACKEND_CHOICES);
  const steps = checkPositiveInt('message.steps', m.steps);
  const params = m.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new InvalidArgumentError('message.params', 'an object of task parameters', params);
  return { type, job, task: m.task, backend, steps, params: params as Record<string, unknown> };
}

export function errorInfo(e: unknown): ErrorInfo {
  if (RnnError.isInstance(e)) return { name: e.name, message: e.message, code: e.code };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** An error raised on the page for a failed job, keeping the worker-side class name and code. */
export class JobError extends Error {
  readonly code: string | undefined;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.code = info.code;
  }
}
