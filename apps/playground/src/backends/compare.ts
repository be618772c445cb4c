// "Compare backends": the same model (the bench task) for a few steps on each backend in turn, on the
// training worker, tabulated as milliseconds per step. The first steps are warm-up (shader compilation,
// WebAssembly compilation, workspace allocation) and are left out of the statistics.
import { checkNonNegativeInt, checkPositiveInt, InvalidArgumentError } from '@rnn/core';
import type { BackendChoice } from '../training/backend-choice.js';
import type { TrainingClient } from '../training/client.js';

export interface StepStats {
  /** Steps measured (after warm-up). */
  count: number;
  median: number;
  min: number;
  mean: number;
}

export interface CompareRow {
  choice: BackendChoice;
  /** The backend's own name (e.g. "wasm-relaxed-simd", "tfjs-webgl"), once it started. */
  backend?: string;
  stats?: StepStats;
  /** The exact error when the backend could not run (e.g. WebGL unavailable). */
  error?: string;
}

export interface CompareOptions {
  /** Steps timed per backend, after warm-up. Default 5. */
  steps?: number;
  /** Steps run first and not timed. Default 2. */
  warmup?: number;
  /** Bench task parameters (cell, hiddenSize, length, batchSize). */
  params?: Record<string, unknown>;
  /** Called as each backend finishes, to fill the table progressively. */
  onRow?(row: CompareRow, index: number): void;
}

/** Statistics of the step times after the first `warmup` ones. */
export function stepStats(stepMs: readonly number[], warmup: number): StepStats {
  checkNonNegativeInt('warmup', warmup);
  const timed = stepMs.slice(warmup);
  if (timed.length === 0) throw new InvalidArgumentError('stepMs', `more than ${warmup} step times (warm-up)`, stepMs.length);
  const sorted = [...timed].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    count: timed.length,
    median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    min: sorted[0]!,
    mean: timed.reduce((a, b) => a + b, 0) / timed.length,
  };
}

/** Runs the comparison, one backend after the other (each job replaces any job running on the worker). */
export async function compareBackends(
  client: TrainingClient,
  choices: readonly BackendChoice[],
  options: CompareOptions = {},
): Promise<CompareRow[]> {
  const steps = checkPositiveInt('steps', options.steps ?? 5);
  const warmup = checkNonNegativeInt('warmup', options.warmup ?? 2);
  const rows: CompareRow[] = [];
  for (const [i, choice] of choices.entries()) {
    const times: number[] = [];
    const row: CompareRow = { choice };
    const job = client.start(
      { task: 'bench', backend: choice, steps: warmup + steps, params: options.params ?? {} },
      { onStarted: (e) => (row.backend = e.backend), onProgress: (e) => times.push(e.stepMs) },
    );
    try {
      const outcome = await job.done;
      if (outcome.reason === 'stopped') row.error = `stopped after ${outcome.steps} steps`;
      else row.stats = stepStats(times, warmup);
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
    rows.push(row);
    options.onRow?.(row, i);
  }
  return rows;
}
