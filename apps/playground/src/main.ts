// Entry point: one training worker for the whole app, the shell, and the page registry.
import { pages } from './pages/index.js';
import { startShell } from './shell/shell.js';
import { TrainingClient } from './training/client.js';
import { h } from './ui/dom.js';

const worker = new Worker(new URL('./training/worker.ts', import.meta.url), { type: 'module' });
worker.addEventListener('error', (e) => {
  document.body.prepend(h('p', { class: 'error', role: 'alert' }, `The training worker failed: ${e.message || 'it could not be loaded'}`));
});
startShell(document.getElementById('app')!, pages, new TrainingClient(worker));
