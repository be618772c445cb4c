// Test support: the page-side client wired to a JobRunner in the same process through a fake worker port.
// Messages cross as structured clones on later turns of the event loop, as they do with a real Worker.
import { jsBackend } from '@rnn/backend-js';
import type { Backend } from '@rnn/core';
import type { BackendChoice } from './backend-choice.js';
import { TrainingClient, type WorkerPort } from './client.js';
import type { Command, WorkerEvent } from './protocol.js';
import { JobRunner, type RunnerDeps } from './runner.js';
import { loadTask } from './tasks.js';
import { yieldToEvents } from './yield.js';

export interface Wired {
  client: TrainingClient;
  runner: JobRunner;
  /** Every event the worker side posted, in order. */
  events: WorkerEvent[];
  /** Every command the page side sent, in order. */
  commands: Command[];
}

export function wire(overrides: Partial<Omit<RunnerDeps, 'post'>> = {}): Wired {
  const listeners: ((e: { data: unknown }) => void)[] = [];
  const events: WorkerEvent[] = [];
  const commands: Command[] = [];
  const backends = new Map<BackendChoice, Backend>();
  const runner = new JobRunner({
    post: (event) => {
      events.push(event);
      const data = structuredClone(event);
      setTimeout(() => {
        for (const l of listeners) l({ data });
      });
    },
    loadTask,
    loadBackend: async (choice) => {
      const b = backends.get(choice) ?? jsBackend();
      backends.set(choice, b);
      return b;
    },
    now: () => performance.now(),
    yieldToEvents,
    ...overrides,
  });
  const port: WorkerPort = {
    postMessage(message) {
      commands.push(message);
      const data = structuredClone(message);
      setTimeout(() => runner.handle(data));
    },
    addEventListener: (_type, listener) => listeners.push(listener),
  };
  return { client: new TrainingClient(port), runner, events, commands };
}
