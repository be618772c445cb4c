// The worker's job loop, free of any Worker API so it runs (and is tested) in Node: one job at a time, a
// step, a progress event, then a yield to the event loop so pause / resume / stop commands get through.
// A start while a job runs stops that job first (its `done` says "stopped") and then runs the new one.
import type { Backend } from '@rnn/core';
import type { BackendChoice } from './backend-choice.js';
import { type Command, errorInfo, parseCommand, type WorkerEvent } from './protocol.js';
import type { TaskDefinition, TaskRun } from './task.js';

export interface RunnerDeps {
  post(event: WorkerEvent): void;
  loadTask(name: string): Promise<TaskDefinition>;
  loadBackend(choice: BackendChoice): Promise<Backend>;
  /** Milliseconds, monotonic (performance.now). */
  now(): number;
  /** Resolves on a later turn of the event loop. */
  yieldToEvents(): Promise<void>;
}

type StartCommand = Extract<Command, { type: 'start' }>;

interface Control {
  readonly job: number;
  /** Steps done so far. */
  step: number;
  paused: boolean;
  stop: boolean;
  /** Set while the loop is parked by a pause. */
  wake: (() => void) | null;
}

export class JobRunner {
  private current: Control | null = null;
  private pending: StartCommand | null = null;

  constructor(private readonly deps: RunnerDeps) {}

  /** Handles one message from the page. Invalid messages are answered with an error event. */
  handle(message: unknown): void {
    let command: Command;
    try {
      command = parseCommand(message);
    } catch (e) {
      const job = (message as { job?: unknown } | null)?.job;
      this.deps.post({ type: 'error', job: typeof job === 'number' ? job : 0, error: errorInfo(e) });
      return;
    }
    if (command.type === 'start') {
      this.enqueue(command);
      return;
    }
    if (this.pending?.job === command.job && command.type === 'stop') {
      this.pending = null;
      this.deps.post({ type: 'done', job: command.job, reason: 'stopped', steps: 0 });
      return;
    }
    const c = this.current;
    if (c?.job !== command.job) return; // a stale command for a job that has already ended
    if (command.type === 'stop') {
      c.stop = true;
      c.wake?.();
    } else if (command.type === 'pause') c.paused = true;
    else if (c.wake) c.wake();
    else if (c.paused) {
      // resumed before the loop noticed the pause: acknowledge right away
      c.paused = false;
      this.deps.post({ type: 'state', job: c.job, state: 'running', step: c.step });
    }
  }

  private enqueue(command: StartCommand): void {
    if (this.pending) this.deps.post({ type: 'done', job: this.pending.job, reason: 'stopped', steps: 0 });
    this.pending = command;
    if (this.current) {
      this.current.stop = true;
      this.current.wake?.();
    } else void this.next();
  }

  private async next(): Promise<void> {
    const command = this.pending;
    this.pending = null;
    if (!command) return;
    const c: Control = { job: command.job, step: 0, paused: false, stop: false, wake: null };
    this.current = c;
    try {
      await this.run(command, c);
    } finally {
      this.current = null;
      void this.next();
    }
  }

  private async run(command: StartCommand, c: Control): Promise<void> {
    const { post, now, yieldToEvents } = this.deps;
    const job = command.job;
    let run: TaskRun | null = null;
    let finished = false; // the task said it is done before its step budget
    try {
      const [definition, backend] = await Promise.all([this.deps.loadTask(command.task), this.deps.loadBackend(command.backend)]);
      if (!c.stop) {
        run = definition.create(backend, command.params);
        post({ type: 'started', job, backend: backend.name, totalSteps: command.steps, info: run.info });
      }
      while (run && c.step < command.steps && !c.stop && !finished) {
        if (c.paused) {
          post({ type: 'state', job, state: 'paused', step: c.step });
          await new Promise<void>((resolve) => {
            c.wake = resolve;
          });
          c.wake = null;
          c.paused = false;
          if (!c.stop) post({ type: 'state', job, state: 'running', step: c.step });
          continue;
        }
        const t0 = now();
        const report = await run.step();
        const stepMs = now() - t0;
        c.step++;
        post({ type: 'progress', job, step: c.step, totalSteps: command.steps, loss: report.loss, stepMs, payload: report.payload });
        if (report.done) finished = true;
        await yieldToEvents();
      }
      const reason = c.step === command.steps || finished ? 'completed' : 'stopped';
      post({ type: 'done', job, reason, steps: c.step, result: run?.result?.() });
    } catch (e) {
      post({ type: 'error', job, error: errorInfo(e) });
    } finally {
      run?.dispose();
    }
  }
}
