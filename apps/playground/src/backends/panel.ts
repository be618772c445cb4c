// The header's backend switcher: which backend jobs train on, whether the page is cross-origin isolated
// (and what that means for threads), and the "compare backends" table.
import {
  BACKEND_CHOICES,
  BACKEND_LABELS,
  type BackendChoice,
  backendNote,
  isBackendChoice,
  wasmThreadCount,
} from '../training/backend-choice.js';
import type { TrainingClient } from '../training/client.js';
import { fmt, h } from '../ui/dom.js';
import { type CompareRow, compareBackends } from './compare.js';

const STORAGE_KEY = 'rnn-playground.backend';
const BENCH = { cell: 'lstm', hiddenSize: 64, length: 32, batchSize: 16 } as const;

/** What the page can and cannot do with threads, in the header's words. */
export function isolationNote(isolated: boolean): string {
  return isolated
    ? 'Cross-origin isolated: SharedArrayBuffer is available, so @rnn/backend-wasm can split its GEMMs over several threads (wasm · threads). tfjs · wasm still runs on one thread: its threaded build cannot start its workers from a bundled app.'
    : 'Not cross-origin isolated (serve with COOP/COEP headers, as pnpm start does): no SharedArrayBuffer, so every WebAssembly backend runs on one thread and wasm · threads is unavailable.';
}

export class BackendPanel {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly results: HTMLElement;
  private readonly compareButton: HTMLButtonElement;
  /** One line on what the chosen backend is and does here; the shell places it under the header. */
  readonly note: HTMLElement;

  constructor(private readonly client: TrainingClient) {
    this.select = h(
      'select',
      { id: 'backend', onChange: () => this.changed() },
      ...BACKEND_CHOICES.map((c) => h('option', { value: c }, BACKEND_LABELS[c])),
    );
    this.select.value = stored() ?? 'wasm'; // the fastest backend that runs everywhere (one thread, SIMD)
    const isolated = globalThis.crossOriginIsolated === true;
    this.compareButton = h('button', { type: 'button', 'data-action': 'compare', onClick: () => void this.compare() }, 'Compare backends');
    this.results = h('section', { class: 'compare', hidden: true, 'aria-live': 'polite' });
    this.note = h('p', { class: 'backend-note note', 'aria-live': 'polite' });
    this.describe();
    this.element = h(
      'div',
      { class: 'backend-panel' },
      h('label', {}, 'Backend ', this.select),
      h(
        'span',
        { class: `isolation ${isolated ? 'yes' : 'no'}`, title: isolationNote(isolated), 'data-isolated': String(isolated) },
        isolated ? 'isolated ✓' : 'not isolated',
      ),
      this.compareButton,
    );
  }

  /** The table of the last comparison; the shell places it under the header. */
  get compareSection(): HTMLElement {
    return this.results;
  }

  get choice(): BackendChoice {
    return this.select.value as BackendChoice;
  }

  private describe(): void {
    this.note.textContent = `${BACKEND_LABELS[this.choice]}: ${backendNote(this.choice, globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency)}`;
  }

  private changed(): void {
    this.describe();
    try {
      localStorage.setItem(STORAGE_KEY, this.select.value);
    } catch {
      // storage can be unavailable (private mode); the choice then lasts for this visit
    }
  }

  /** Runs the bench model on every backend and fills the table as results arrive. */
  async compare(): Promise<CompareRow[]> {
    this.compareButton.disabled = true;
    const body = h('tbody');
    const rowFor = (choice: BackendChoice): HTMLTableRowElement =>
      h(
        'tr',
        { 'data-backend': choice, 'data-status': 'pending' },
        h('td', {}, BACKEND_LABELS[choice]),
        h('td'),
        h('td'),
        h('td'),
        h('td', {}, 'waiting…'),
      );
    const trs = BACKEND_CHOICES.map(rowFor);
    body.append(...trs);
    const isolated = globalThis.crossOriginIsolated === true;
    this.results.replaceChildren(
      h(
        'div',
        { class: 'compare-head' },
        h('h2', {}, 'Compare backends'),
        h('button', { type: 'button', 'data-action': 'hide-compare', onClick: () => (this.results.hidden = true) }, 'Hide'),
      ),
      h(
        'p',
        {},
        `Same model on each backend: ${BENCH.cell.toUpperCase()} 8→${BENCH.hiddenSize}, dense →4, batch [${BENCH.batchSize}, ${BENCH.length}, 8], Adam; `,
        '2 warm-up steps, then 5 timed training steps each (forward, backpropagation through time, update), in the worker. ',
        `wasm · threads uses ${wasmThreadCount(globalThis.navigator?.hardwareConcurrency)} threads. Any running training is stopped first.`,
      ),
      h('p', { class: 'note' }, isolationNote(isolated)),
      h(
        'table',
        { class: 'compare-table' },
        h('thead', {}, h('tr', {}, ...['backend', 'runs as', 'ms/step (median)', 'fastest step', 'status'].map((c) => h('th', {}, c)))),
        body,
      ),
    );
    this.results.hidden = false;
    try {
      return await compareBackends(this.client, BACKEND_CHOICES, {
        params: { ...BENCH },
        onRow: (row, i) => {
          const tr = trs[i]!;
          const cells = tr.querySelectorAll('td');
          cells[1]!.textContent = row.backend ?? '';
          tr.dataset.status = row.error ? 'error' : 'ok';
          if (row.stats) {
            tr.dataset.msPerStep = String(row.stats.median);
            cells[2]!.textContent = fmt(row.stats.median, 3);
            cells[3]!.textContent = fmt(row.stats.min, 3);
            cells[4]!.textContent = 'ok';
          } else {
            cells[4]!.textContent = row.error ?? '';
            cells[4]!.className = 'error';
          }
        },
      });
    } finally {
      this.compareButton.disabled = false;
    }
  }
}

function stored(): BackendChoice | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isBackendChoice(v) ? v : null;
  } catch {
    return null;
  }
}
