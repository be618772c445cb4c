// The training worker (a module worker): every model of the app trains here, never on the page's thread.
import { loadBackend } from './backends.js';
import type { WorkerEvent } from './protocol.js';
import { JobRunner } from './runner.js';
import { loadTask } from './tasks.js';
import { yieldToEvents } from './yield.js';

interface WorkerScope {
  postMessage(message: WorkerEvent): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const runner = new JobRunner({
  post: (event) => scope.postMessage(event),
  loadTask,
  loadBackend,
  now: () => performance.now(),
  yieldToEvents,
});
scope.addEventListener('message', (event) => runner.handle(event.data));
