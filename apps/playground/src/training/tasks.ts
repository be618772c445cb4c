// The tasks the worker can run, by name. Each is imported when first used, so the worker starts fast and a
// page's task code is only downloaded when that page trains. A new page adds one line here.
import { InvalidArgumentError } from '@rnn/core';
import type { TaskDefinition } from './task.js';

const TASKS: Readonly<Record<string, () => Promise<TaskDefinition>>> = {
  bench: () => import('../backends/bench-task.js').then((m) => m.benchTask),
  gradients: () => import('../pages/gradients/task.js').then((m) => m.gradientsTask),
  charlm: () => import('../pages/unrolling/task.js').then((m) => m.charTask),
  sentiment: () => import('../pages/classify/task.js').then((m) => m.sentimentTask),
  ner: () => import('../pages/classify/ner-task.js').then((m) => m.nerTask),
  textlm: () => import('../pages/text/task.js').then((m) => m.textTask),
  forecast: () => import('../pages/forecast/task.js').then((m) => m.forecastTask),
};

const TASK_NAMES = Object.keys(TASKS);

export function loadTask(name: string): Promise<TaskDefinition> {
  const load = TASKS[name];
  if (!load) return Promise.reject(new InvalidArgumentError('message.task', `one of ${TASK_NAMES.join(', ')}`, name));
  return load();
}
