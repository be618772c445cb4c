import { InvalidArgumentError, UnsupportedError } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { wire } from './port.test-helpers.js';
import { errorInfo, JobError, parseCommand, type WorkerEvent } from './protocol.js';
import { JobRunner } from './runner.js';
import type { TaskDefinition } from './task.js';

/** A task whose steps count up, with a loss of 1 / step. */
const counter: TaskDefinition = {
  name: 'counter',
  create(_backend, params) {
    let n = 0;
    let disposed = false;
    return {
      info: { params },
      step: () => ({ loss: { loss: 1 / ++n }, payload: { n } }),
      result: () => ({ n, disposed }),
      dispose: () => {
        disposed = true;
      },
    };
  },
};

/** An asynchronous task (like one epoch of an async `fit`) that finishes on its own after `params.last` steps. */
const epochs: TaskDefinition = {
  name: 'epochs',
  create(_backend, params) {
    let n = 0;
    return {
      info: {},
      step: async () => {
        await new Promise((r) => setTimeout(r));
        n++;
        return { loss: { loss: n }, done: n === params.last };
      },
      result: () => ({ n }),
      dispose: () => {},
    };
  },
};

const withCounter = (name: string): Promise<TaskDefinition> =>
  name === 'counter'
    ? Promise.resolve(counter)
    : name === 'epochs'
      ? Promise.resolve(epochs)
      : Promise.reject(new InvalidArgumentError('message.task', 'counter', name));

/** Resolves once `predicate` holds, checking after every turn of the event loop (no wall-clock deadlines). */
async function until(predicate: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r));
  }
  throw new Error('condition never held');
}

describe('commands', () => {
  it('accepts well-formed commands and fills defaults', () => {
    expect(parseCommand({ type: 'start', job: 3, task: 'gradients', backend: 'wasm', steps: 10 })).toEqual({
      type: 'start',
      job: 3,
      task: 'gradients',
      backend: 'wasm',
      steps: 10,
      params: {},
    });
    expect(parseCommand({ type: 'pause', job: 1, extra: 'ignored' })).toEqual({ type: 'pause', job: 1 });
  });

  it('rejects malformed commands with a typed error naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /^message: expected a command object, received null$/],
      [{ type: 'go', job: 1 }, /^message\.type: expected one of "start", "pause", "resume", "stop", received "go"$/],
      [{ type: 'stop', job: 0 }, /^message\.job: expected a positive integer, received 0$/],
      [{ type: 'start', job: 1, task: '', backend: 'js', steps: 1 }, /^message\.task: expected a task name, received ""$/],
      [
        { type: 'start', job: 1, task: 't', backend: 'gpu', steps: 1 },
        /^message\.backend: expected one of "js", "wasm", "wasm-threads", "tfjs-webgl", "tfjs-wasm", "tfjs-cpu", received "gpu"$/,
      ],
      [{ type: 'start', job: 1, task: 't', backend: 'js', steps: 2.5 }, /^message\.steps: expected a positive integer, received 2\.5$/],
      [
        { type: 'start', job: 1, task: 't', backend: 'js', steps: 1, params: [1] },
        /^message\.params: expected an object of task parameters/,
      ],
    ];
    for (const [message, text] of bad) expect(() => parseCommand(message)).toThrow(text);
    expect(() => parseCommand({ type: 'stop', job: -1 })).toThrow(InvalidArgumentError);
  });

  it('keeps the class name and code of errors that cross the worker boundary', () => {
    const info = errorInfo(new UnsupportedError('backend', 'webgl', 'none'));
    expect(info).toEqual({ name: 'UnsupportedError', code: 'UNSUPPORTED', message: 'backend: expected webgl, received "none"' });
    expect(structuredClone(info)).toEqual(info);
    const e = new JobError(info);
    expect([e.name, e.code, e.message]).toEqual(['UnsupportedError', 'UNSUPPORTED', info.message]);
    expect(errorInfo('plain')).toEqual({ name: 'Error', message: 'plain' });
  });
});

describe('job runner', () => {
  it('answers an invalid message with an error event for that job', () => {
    const events: WorkerEvent[] = [];
    const runner = new JobRunner({
      post: (e) => events.push(e),
      loadTask: withCounter,
      loadBackend: () => Promise.reject(new Error('unused')),
      now: () => 0,
      yieldToEvents: () => Promise.resolve(),
    });
    runner.handle({ type: 'start', job: 4, task: 'counter', backend: 'js', steps: 0 });
    runner.handle('nonsense');
    expect(events).toEqual([
      {
        type: 'error',
        job: 4,
        error: {
          name: 'InvalidArgumentError',
          code: 'INVALID_ARGUMENT',
          message: 'message.steps: expected a positive integer, received 0',
        },
      },
      {
        type: 'error',
        job: 0,
        error: {
          name: 'InvalidArgumentError',
          code: 'INVALID_ARGUMENT',
          message: 'message: expected a command object, received "nonsense"',
        },
      },
    ]);
  });

  it('runs a job to completion: started, one progress event per step with its time, done with the result', async () => {
    const { client, events } = wire({ loadTask: withCounter });
    const seen: number[] = [];
    const states: string[] = [];
    const job = client.start(
      { task: 'counter', backend: 'js', steps: 3, params: { a: 1 } },
      { onProgress: (e) => seen.push(e.step), onState: (s) => states.push(s) },
    );
    expect(job.state).toBe('starting');
    const outcome = await job.done;
    expect(outcome).toEqual({ reason: 'completed', steps: 3, result: { n: 3, disposed: false } });
    expect(seen).toEqual([1, 2, 3]);
    expect(states).toEqual(['running', 'completed']);
    expect(events[0]).toEqual({ type: 'started', job: 1, backend: 'js-float32', totalSteps: 3, info: { params: { a: 1 } } });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((e) => [e.step, e.totalSteps, e.loss.loss, e.payload])).toEqual([
      [1, 3, 1, { n: 1 }],
      [2, 3, 0.5, { n: 2 }],
      [3, 3, 1 / 3, { n: 3 }],
    ]);
    expect(progress.every((e) => e.type === 'progress' && e.stepMs >= 0)).toBe(true);
  });

  it('awaits asynchronous steps, and completes early when the task says it is done', async () => {
    const { client, events } = wire({ loadTask: withCounter });
    const early = await client.start({ task: 'epochs', backend: 'js', steps: 10, params: { last: 4 } }).done;
    expect(early).toEqual({ reason: 'completed', steps: 4, result: { n: 4 } });
    expect(events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.loss.loss : 0))).toEqual([1, 2, 3, 4]);
    const full = await client.start({ task: 'epochs', backend: 'js', steps: 3, params: { last: 99 } }).done;
    expect(full).toEqual({ reason: 'completed', steps: 3, result: { n: 3 } });
  });

  it('measures step time with the injected clock, around the step only', async () => {
    let t = 0;
    const { client, events } = wire({ loadTask: withCounter, now: () => (t += 5) });
    await client.start({ task: 'counter', backend: 'js', steps: 2 }).done;
    expect(events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.stepMs : 0))).toEqual([5, 5]);
  });

  it('pauses after the step in flight, stays paused, resumes and completes', async () => {
    const { client } = wire({ loadTask: withCounter });
    const states: string[] = [];
    const job = client.start({ task: 'counter', backend: 'js', steps: 1_000_000 }, { onState: (s) => states.push(s) });
    await until(() => job.step >= 3);
    job.pause();
    await until(() => job.state === 'paused');
    const at = job.step;
    // many turns of the event loop later, still no progress
    for (let i = 0; i < 200; i++) await new Promise((r) => setTimeout(r));
    expect(job.step).toBe(at);
    job.resume();
    await until(() => job.step > at + 2);
    expect(job.state).toBe('running');
    job.stop();
    const outcome = await job.done;
    expect(outcome.reason).toBe('stopped');
    expect(outcome.steps).toBeGreaterThan(at);
    expect(outcome.result).toEqual({ n: outcome.steps, disposed: false });
    expect(states).toEqual(['running', 'paused', 'running', 'stopped']);
  });

  it('stops a paused job', async () => {
    const { client } = wire({ loadTask: withCounter });
    const job = client.start({ task: 'counter', backend: 'js', steps: 1_000_000 });
    await until(() => job.step >= 1);
    job.pause();
    await until(() => job.state === 'paused');
    job.stop();
    expect((await job.done).reason).toBe('stopped');
  });

  it('acknowledges a resume that arrives before the pause took effect', async () => {
    // the runner's yield between steps is a gate this test opens, so the commands land exactly between steps
    const events: WorkerEvent[] = [];
    let open: (() => void) | null = null;
    const runner = new JobRunner({
      post: (e) => events.push(e),
      loadTask: withCounter,
      loadBackend: withJs,
      now: () => 0,
      yieldToEvents: () => new Promise<void>((r) => (open = r)),
    });
    runner.handle({ type: 'start', job: 1, task: 'counter', backend: 'js', steps: 3 });
    await until(() => open !== null); // step 1 done, the loop waits at the gate
    runner.handle({ type: 'pause', job: 1 });
    runner.handle({ type: 'resume', job: 1 });
    expect(events.at(-1)).toEqual({ type: 'state', job: 1, state: 'running', step: 1 });
    while (!events.some((e) => e.type === 'done')) {
      const go = open as (() => void) | null;
      open = null;
      go?.();
      await new Promise((r) => setTimeout(r));
    }
    expect(events.map((e) => e.type)).toEqual(['started', 'progress', 'state', 'progress', 'progress', 'done']);
    expect(events.at(-1)).toMatchObject({ reason: 'completed', steps: 3 });
  });

  it('replaces a running job with a new one, disposing the first', async () => {
    const { client, events } = wire({ loadTask: withCounter });
    const first = client.start({ task: 'counter', backend: 'js', steps: 1_000_000 });
    await until(() => first.step >= 2);
    const second = client.start({ task: 'counter', backend: 'js', steps: 4 });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.reason).toBe('stopped');
    expect(b).toEqual({ reason: 'completed', steps: 4, result: { n: 4, disposed: false } });
    // the first job's events all come before the second's
    const jobs = events.map((e) => e.job);
    expect(jobs.lastIndexOf(1)).toBeLessThan(jobs.indexOf(2));
  });

  it('reports task and backend failures as typed errors, and keeps serving', async () => {
    const { client } = wire({
      loadTask: withCounter,
      loadBackend: (choice) =>
        choice === 'tfjs-webgl'
          ? Promise.reject(new UnsupportedError('backend', 'a tfjs "webgl" backend that initialises here', 'no WebGL'))
          : withJs(),
    });
    await expect(client.start({ task: 'nope', backend: 'js', steps: 1 }).done).rejects.toThrow(
      /message\.task: expected counter, received "nope"/,
    );
    const failed = client.start({ task: 'counter', backend: 'tfjs-webgl', steps: 1 });
    await expect(failed.done).rejects.toMatchObject({ name: 'UnsupportedError', code: 'UNSUPPORTED' });
    expect(failed.state).toBe('failed');
    expect((await client.start({ task: 'counter', backend: 'js', steps: 2 }).done).reason).toBe('completed');
  });

  it('rejects bad job specs on the page side before anything is sent', () => {
    const { client, commands } = wire();
    expect(() => client.start({ task: 'gradients', backend: 'cuda' as 'js', steps: 1 })).toThrow(
      /spec\.backend: expected a backend choice, received "cuda"/,
    );
    expect(() => client.start({ task: 'gradients', backend: 'js', steps: 0 })).toThrow(
      /spec\.steps: expected a positive integer, received 0/,
    );
    expect(() => client.start({ task: '', backend: 'js', steps: 1 })).toThrow(/spec\.task: expected a task name/);
    expect(commands).toEqual([]);
  });

  it('runs the real tasks through the registry, validating their parameters', async () => {
    const { client } = wire();
    const losses: number[] = [];
    const done = await client.start(
      { task: 'charlm', backend: 'js', steps: 3, params: { cell: 'gru' } },
      { onProgress: (e) => losses.push(e.loss.loss!) },
    ).done;
    expect(losses).toHaveLength(3);
    expect(Object.keys(done.result as object)).toEqual([
      '0.kernel',
      '0.recurrentKernel',
      '0.bias',
      '0.recurrentBias',
      '1.kernel',
      '1.bias',
    ]);
    await expect(client.start({ task: 'charlm', backend: 'js', steps: 1, params: { cell: 'tcn' } }).done).rejects.toThrow(
      /params\.cell: expected one of "rnn", "lstm", "gru", received "tcn"/,
    );
    await expect(client.start({ task: 'bench', backend: 'js', steps: 1, params: { hidden: 3 } }).done).rejects.toThrow(
      /params: expected parameters among cell, hiddenSize, length, batchSize, received "hidden"/,
    );
  });
});

async function withJs() {
  const { jsBackend } = await import('@rnn/backend-js');
  return jsBackend();
}
