// The controls every training page shares: train / pause / resume / stop, a progress bar, the step time
// measured in the worker, and a live loss curve with one line per model the task trains.
import type { JobHandle, JobListeners, JobSpec, TrainingClient } from '../training/client.js';
import type { JobState } from '../training/protocol.js';
import { fmt, h } from './dom.js';
import { LineChart } from './line-chart.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export interface TrainingPanelOptions {
  /** Builds the job to run when the user presses Train (read the page's controls here). */
  spec(): JobSpec;
  /** The page's own handling of the job's events (e.g. drawing gradient norms). */
  listeners?: JobListeners;
  /** Legend name and line style per loss series (default: the series name, palette colours, solid). */
  style?(series: string, index: number): { name?: string; color: string; dashed?: boolean };
  /** Called with the job's result when it ends (completed or stopped). */
  onResult?(result: unknown): void;
}

export class TrainingPanel {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly timing: HTMLElement;
  private readonly trainButton: HTMLButtonElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly chart = new LineChart({ xLabel: 'step', yLabel: 'loss', height: 160, xIntegers: true }, 'Training loss per step');
  private job: JobHandle | null = null;
  private backendName = '';
  private losses = new Map<string, { x: number[]; y: number[] }>();
  private stepMs: number[] = [];

  constructor(
    private readonly client: TrainingClient,
    private readonly options: TrainingPanelOptions,
  ) {
    this.trainButton = h('button', { type: 'button', class: 'primary', 'data-action': 'train', onClick: () => this.start() }, 'Train');
    this.pauseButton = h('button', { type: 'button', 'data-action': 'pause', disabled: true, onClick: () => this.togglePause() }, 'Pause');
    this.stopButton = h('button', { type: 'button', 'data-action': 'stop', disabled: true, onClick: () => this.job?.stop() }, 'Stop');
    this.status = h('span', { class: 'status', role: 'status' }, 'idle');
    this.progress = h('progress', { max: 1, value: 0 });
    this.timing = h('span', { class: 'timing' });
    this.element = h(
      'section',
      { class: 'training-panel', 'data-state': 'idle', 'data-step': 0 },
      h('div', { class: 'controls' }, this.trainButton, this.pauseButton, this.stopButton, this.progress, this.status, this.timing),
      this.chart.element,
    );
  }

  /** Starts a new job (stopping this panel's previous one). Returns its handle. */
  start(): JobHandle {
    this.job?.stop();
    const spec = this.options.spec();
    this.losses = new Map();
    this.stepMs = [];
    this.backendName = spec.backend;
    this.chart.set([]);
    this.progress.max = spec.steps;
    this.progress.value = 0;
    this.timing.textContent = '';
    const extra = this.options.listeners ?? {};
    let job: JobHandle;
    try {
      job = this.client.start(spec, {
        onStarted: (e) => {
          this.backendName = e.backend;
          extra.onStarted?.(e);
        },
        onProgress: (e) => {
          if (job !== this.job) return;
          this.record(e.step, e.loss, e.stepMs);
          this.progress.value = e.step;
          this.element.dataset.step = String(e.step);
          extra.onProgress?.(e);
        },
        onState: (state, step) => {
          if (job === this.job) this.show(state, step);
          extra.onState?.(state, step);
        },
      });
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.job = job;
    this.show('starting', 0);
    job.done.then(
      // a job replaced by a newer one (started while it ran) has nothing the page should show
      (outcome) => job === this.job && this.options.onResult?.(outcome.result),
      (e: unknown) => job === this.job && this.fail(e),
    );
    return job;
  }

  /** Stops the running job, if any (pages call this when they unmount). */
  stop(): void {
    this.job?.stop();
  }

  private togglePause(): void {
    if (!this.job) return;
    if (this.job.state === 'paused') this.job.resume();
    else this.job.pause();
    this.pauseButton.disabled = true; // until the worker acknowledges
  }

  private record(step: number, loss: Record<string, number>, stepMs: number): void {
    for (const [name, value] of Object.entries(loss)) {
      const s = this.losses.get(name) ?? { x: [], y: [] };
      this.losses.set(name, s);
      s.x.push(step);
      s.y.push(value);
    }
    this.stepMs.push(stepMs);
    const recent = this.stepMs.slice(-20);
    const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
    this.timing.textContent = `${fmt(stepMs, 3)} ms/step (mean of last ${recent.length}: ${fmt(mean, 3)} ms)`;
    this.chart.set(
      [...this.losses].map(([name, s], i) => ({
        name,
        x: s.x,
        y: s.y,
        ...(this.options.style?.(name, i) ?? { color: PALETTE[i % PALETTE.length]! }),
      })),
    );
  }

  private show(state: JobState, step: number): void {
    this.element.dataset.state = state;
    this.status.setAttribute('role', 'status');
    const active = state === 'starting' || state === 'running' || state === 'paused';
    this.pauseButton.disabled = !(state === 'running' || state === 'paused');
    this.pauseButton.textContent = state === 'paused' ? 'Resume' : 'Pause';
    this.pauseButton.dataset.action = state === 'paused' ? 'resume' : 'pause';
    this.stopButton.disabled = !active;
    const total = this.progress.max;
    this.status.textContent =
      state === 'starting' ? `starting on ${this.backendName}…` : `${state} · step ${step} / ${total} · ${this.backendName}`;
  }

  private fail(e: unknown): void {
    this.element.dataset.state = 'failed';
    this.pauseButton.disabled = true;
    this.stopButton.disabled = true;
    this.status.textContent = `failed: ${e instanceof Error ? e.message : String(e)}`;
    this.status.setAttribute('role', 'alert');
  }
}
