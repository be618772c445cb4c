// The page's side of the protocol: starts jobs on the training worker and routes its events to the job
// they belong to. Works over anything with postMessage / message events (a Worker, or a test double).
import { checkPositiveInt, InvalidArgumentError } from '@rnn/core';
import { type BackendChoice, isBackendChoice } from './backend-choice.js';
import { type Command, JobError, type JobState, type WorkerEvent } from './protocol.js';

export interface WorkerPort {
  postMessage(message: Command): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface JobSpec {
  task: string;
  backend: BackendChoice;
  steps: number;
  params?: Record<string, unknown>;
}

export type StartedEvent = Extract<WorkerEvent, { type: 'started' }>;
export type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

export interface JobListeners {
  onStarted?(event: StartedEvent): void;
  onProgress?(event: ProgressEvent): void;
  /** Every state change: running, paused, completed, stopped, failed. */
  onState?(state: JobState, step: number): void;
}

export interface JobOutcome {
  reason: 'completed' | 'stopped';
  steps: number;
  result?: unknown;
}

export interface JobHandle {
  readonly id: number;
  readonly state: JobState;
  /** Steps finished so far. */
  readonly step: number;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Resolves when the job ends; rejects with a JobError (the worker's error name, code and message) if it fails. */
  readonly done: Promise<JobOutcome>;
}

interface Job extends JobHandle {
  state: JobState;
  step: number;
  receive(event: WorkerEvent): void;
}

export class TrainingClient {
  private readonly jobs = new Map<number, Job>();
  private lastId = 0;

  constructor(private readonly port: WorkerPort) {
    port.addEventListener('message', (e) => this.receive(e.data as WorkerEvent));
  }

  start(spec: JobSpec, listeners: JobListeners = {}): JobHandle {
    if (typeof spec?.task !== 'string' || spec.task === '') throw new InvalidArgumentError('spec.task', 'a task name', spec?.task);
    if (!isBackendChoice(spec.backend)) throw new InvalidArgumentError('spec.backend', 'a backend choice', spec.backend);
    checkPositiveInt('spec.steps', spec.steps);
    const id = ++this.lastId;
    const job = createJob(
      id,
      (c) => this.port.postMessage(c),
      listeners,
      () => this.jobs.delete(id),
    );
    this.jobs.set(id, job);
    this.port.postMessage({ type: 'start', job: id, task: spec.task, backend: spec.backend, steps: spec.steps, params: spec.params ?? {} });
    return job;
  }

  private receive(event: WorkerEvent): void {
    const job = this.jobs.get(event?.job);
    if (job) job.receive(event);
    else if (event?.type === 'error') console.error('training worker:', event.error.message);
  }
}

function createJob(id: number, send: (c: Command) => void, listeners: JobListeners, forget: () => void): Job {
  let resolve!: (o: JobOutcome) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<JobOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => {}); // a failure is reported through onState too; an unawaited `done` must not be an unhandled rejection
  const ended = (): boolean => job.state === 'completed' || job.state === 'stopped' || job.state === 'failed';
  const setState = (state: JobState): void => {
    job.state = state;
    listeners.onState?.(state, job.step);
  };
  const job: Job = {
    id,
    state: 'starting',
    step: 0,
    done,
    pause() {
      if (!ended()) send({ type: 'pause', job: id });
    },
    resume() {
      if (!ended()) send({ type: 'resume', job: id });
    },
    stop() {
      if (!ended()) send({ type: 'stop', job: id });
    },
    receive(event) {
      switch (event.type) {
        case 'started':
          listeners.onStarted?.(event);
          return setState('running');
        case 'progress':
          job.step = event.step;
          return listeners.onProgress?.(event);
        case 'state':
          return setState(event.state);
        case 'done':
          forget();
          job.step = event.steps;
          setState(event.reason);
          return resolve({ reason: event.reason, steps: event.steps, result: event.result });
        case 'error':
          forget();
          setState('failed');
          return reject(new JobError(event.error));
      }
    },
  };
  return job;
}
