// The contract of a training task: what a page asks the worker to run. A task builds its models on the
// backend it is given, validates its parameters with typed errors, and trains one step per call.
import type { Backend } from '@rnn/core';

export interface StepReport {
  /** Loss of each model the task trains, by series name (a single model: `{ loss }`). */
  loss: Record<string, number>;
  /** Anything else the page draws (structured-cloneable: numbers, typed arrays, plain objects). */
  payload?: unknown;
  /** The task finished before its step budget (e.g. early stopping): the job completes after this step. */
  done?: boolean;
}

export interface TaskRun {
  /** Facts shown when the job starts (model size, parameter count, ...). */
  readonly info: Record<string, unknown>;
  /** One step; a task whose training is asynchronous (one epoch of an async `fit`) returns a promise. */
  step(): StepReport | Promise<StepReport>;
  /** Sent with the `done` event, whether the job completed or was stopped (e.g. the trained weights). */
  result?(): unknown;
  dispose(): void;
}

/** A run whose steps are synchronous (most tasks: one training step per call). */
export interface SyncTaskRun extends TaskRun {
  step(): StepReport;
}

export interface TaskDefinition<Run extends TaskRun = TaskRun> {
  readonly name: string;
  create(backend: Backend, params: Readonly<Record<string, unknown>>): Run;
}
