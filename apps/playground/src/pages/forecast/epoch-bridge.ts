// Turns an async training loop that awaits `onEpochEnd` (Forecaster.fit, Sequential.fit) into the worker's
// steps: each step() lets one epoch run and resolves with its losses while the loop stays parked in its
// `onEpochEnd` until the next step. The step after the loop returns (early stopping, the epoch budget, with
// the best weights restored) reports done. dispose() aborts a parked loop through its signal and lets it
// run out, so its promise settles and whatever it built can be released.
import type { EpochLog } from '@rnn/core';
import type { StepReport } from '../../training/task.js';

export interface EpochHooks {
  signal: AbortSignal;
  onEpochEnd(log: EpochLog): Promise<void>;
}

interface Waiter {
  resolve(report: StepReport): void;
  reject(error: unknown): void;
}

export class EpochBridge<R> {
  private readonly controller = new AbortController();
  private started = false;
  private disposed = false;
  /** Set while the loop is parked in onEpochEnd. */
  private resume: (() => void) | null = null;
  /** The step waiting for the next epoch (or the loop's end). */
  private waiter: Waiter | null = null;
  private settled: Promise<void> = Promise.resolve();
  private outcome: { value: R } | null = null;
  private failure: { error: unknown } | null = null;
  /** Epochs run so far. */
  epochs = 0;

  constructor(private readonly train: (hooks: EpochHooks) => Promise<R>) {}

  /** What the loop returned; null while it runs (or if it failed). */
  get value(): R | null {
    return this.outcome ? this.outcome.value : null;
  }

  step(): Promise<StepReport> {
    if (this.disposed || this.outcome || this.failure) return Promise.reject(new Error('EpochBridge.step: the training loop has ended'));
    if (this.waiter) return Promise.reject(new Error('EpochBridge.step: the previous step has not finished'));
    return new Promise<StepReport>((resolve, reject) => {
      this.waiter = { resolve, reject };
      if (!this.started) this.start();
      else this.release();
    });
  }

  /**
   * Aborts the loop if it is still running and resolves once it has returned (or failed): then nothing of it
   * runs any more and `release` gets what it built (null if nothing).
   */
  dispose(release: (value: R | null) => void = () => {}): Promise<void> {
    this.disposed = true;
    this.controller.abort();
    this.waiter?.reject(new Error('EpochBridge: disposed'));
    this.waiter = null;
    this.release();
    return this.settled.then(() => release(this.outcome?.value ?? null));
  }

  private start(): void {
    this.started = true;
    const hooks: EpochHooks = { signal: this.controller.signal, onEpochEnd: (log) => this.epochEnd(log) };
    this.settled = Promise.resolve()
      .then(() => this.train(hooks))
      .then(
        (value) => {
          this.outcome = { value };
          this.take()?.resolve({ loss: {}, done: true });
        },
        (error: unknown) => {
          this.failure = { error };
          this.take()?.reject(error);
        },
      );
  }

  private epochEnd(log: EpochLog): Promise<void> {
    this.epochs++;
    if (this.disposed) return Promise.resolve(); // aborting: let the loop run out
    const parked = new Promise<void>((resolve) => {
      this.resume = resolve;
    });
    this.take()?.resolve({ loss: { loss: log.loss, ...(log.valLoss === undefined ? {} : { valLoss: log.valLoss }) } });
    return parked;
  }

  private release(): void {
    const resume = this.resume;
    this.resume = null;
    resume?.();
  }

  private take(): Waiter | null {
    const w = this.waiter;
    this.waiter = null;
    return w;
  }
}
