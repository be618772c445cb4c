// The page registry: one entry per page, in navigation order (the first is the home page). A new page is a
// folder with a `page.ts` exporting a Page (and a `task.ts` for the worker, registered in training/tasks.ts).
import type { PageEntry } from '../shell/page.js';

export const pages: readonly PageEntry[] = [
  {
    id: 'gradients',
    title: 'Gradients through time',
    summary: 'Vanishing and exploding gradients: ‖∂L/∂h_t‖ against t for RNN, LSTM and GRU, with and without clipping.',
    load: () => import('./gradients/page.js').then((m) => m.gradientsPage),
  },
  {
    id: 'unrolling',
    title: 'Unrolling',
    summary: 'An RNN, LSTM or GRU cell unrolled over a few characters, with the real values flowing through it.',
    load: () => import('./unrolling/page.js').then((m) => m.unrollingPage),
  },
  {
    id: 'text',
    title: 'Text generation',
    summary:
      'Train a character language model on Shakespeare, folk tunes or your text, then sample from it with temperature, top-k and top-p.',
    load: () => import('./text/page.js').then((m) => m.textPage),
  },
  {
    id: 'inside',
    title: 'Inside the network',
    summary: 'Colour a text by what one hidden unit, cell state or gate of a trained character model does at each character.',
    load: () => import('./inside/page.js').then((m) => m.insidePage),
  },
  {
    id: 'forecast',
    title: 'Forecasting',
    summary: 'Forecast a bundled or uploaded series with a recurrent network: prediction interval, baselines, MASE and RMSE.',
    load: () => import('./forecast/page.js').then((m) => m.forecastPage),
  },
  {
    id: 'classify',
    title: 'Classification',
    summary: 'Train a sentiment classifier on review sentences in the worker, then type a sentence and see it classified.',
    load: () => import('./classify/page.js').then((m) => m.classifyPage),
  },
  {
    id: 'models',
    title: 'Models',
    summary: 'Recent models (open, download, delete); import a TF.js / Keras model, try it, export to ONNX, TF.js or PyTorch.',
    load: () => import('./models/page.js').then((m) => m.modelsPage),
  },
];
