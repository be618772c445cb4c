// The model bar of a page that trains models: Download the current model as one file, Open a file (or, through
// `?model=<id>`, a recent model) and use it like a trained one, and the line that says whether the trained model
// was kept in the recent models. A page adds it with a few lines:
//
//   const bar = new ModelBar({ kind: 'language-model', open: ({ title, bytes }) => use(LanguageModel.fromBytes(backend, bytes), title) });
//   root.append(bar.element);            // then, when a job's result arrives:  void bar.trained({ title, bytes });
//   void bar.openFromRoute(ctx.params);  // the models page links here with ?model=<id>
import './model-bar.css';
import { h } from '../ui/dom.js';
import { downloadBytes, fileBytes, formatSize, modelFileName } from './files.js';
import { modelKind } from './kinds.js';
import { openModelStore } from './store.js';

export interface ModelFile {
  title: string;
  bytes: Uint8Array;
}

export interface ModelBarOptions {
  /** A registered kind (kinds.ts). */
  kind: string;
  /**
   * Uses the model on the page; throws (or rejects with) the library's typed error when the bytes are not a model
   * of this kind or cannot be used here.
   */
  open(model: ModelFile): void | Promise<void>;
}

export class ModelBar {
  readonly element: HTMLElement;
  private current: ModelFile | null = null;
  private readonly download: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;

  constructor(private readonly options: ModelBarOptions) {
    const kind = modelKind(options.kind);
    this.download = h(
      'button',
      { type: 'button', 'data-action': 'download-model', disabled: true, onClick: () => this.save() },
      `Download (${kind.extension})`,
    );
    const input = h('input', { type: 'file', name: `${options.kind}-file`, accept: kind.extension, class: 'model-file' });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = ''; // the same file can be chosen again
      if (file) void this.openFile(file);
    });
    this.status = h('p', { class: 'note model-status', 'data-saved': 'none' });
    this.error = h('p', { class: 'error model-error', role: 'alert', hidden: true });
    this.element = h(
      'div',
      { class: 'model-bar', 'data-kind': options.kind },
      h('div', { class: 'model-actions' }, this.download, h('label', { class: 'model-open' }, `Open a ${kind.label} file… `, input)),
      this.status,
      this.error,
    );
    void openModelStore().then((state) => {
      if ('unavailable' in state && this.status.dataset.saved === 'none')
        this.setStatus('not-kept', `Recent models are not kept: ${state.unavailable}. Download a model to keep it.`);
    });
  }

  /** A model trained on the page: offered for download and kept in the recent models. */
  async trained(model: ModelFile): Promise<void> {
    this.show(model);
    const state = await openModelStore();
    if ('unavailable' in state) {
      this.setStatus('unavailable', `Not saved to recent models: ${state.unavailable}. Download it to keep it.`);
      return;
    }
    try {
      const saved = await state.store.save({ kind: this.options.kind, ...model });
      this.setStatus('saved', `Saved to recent models (Models page): ${saved.title}, ${formatSize(saved.size)}.`);
      this.element.dataset.savedId = String(saved.id);
    } catch (e) {
      this.setStatus('failed', 'Not saved to recent models.');
      this.fail(e);
    }
  }

  /** The model the page uses now (download offers it). */
  show(model: ModelFile): void {
    this.current = model;
    this.download.disabled = false;
    this.error.hidden = true;
  }

  /** Opens the recent model the URL names (`?model=<id>`), if it is of this bar's kind. */
  async openFromRoute(params: Readonly<Record<string, string>>): Promise<void> {
    if (params.model === undefined) return;
    const state = await openModelStore();
    if ('unavailable' in state) return this.fail(new Error(state.unavailable));
    try {
      const model = await state.store.get(Number(params.model));
      if (model.kind !== this.options.kind) return; // another bar of the page opens it
      await this.use(model);
      this.setStatus('opened', `Opened from recent models: ${model.title}.`);
    } catch (e) {
      this.fail(e);
    }
  }

  private async openFile(file: File): Promise<void> {
    try {
      await this.use({ title: file.name, bytes: await fileBytes(file) });
      this.setStatus('opened', `Opened ${file.name} (${formatSize(file.size)}).`);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Hands the model to the page; a typed error leaves the page's current model in place. */
  private async use(model: ModelFile): Promise<void> {
    this.error.hidden = true;
    await this.options.open(model);
    this.show(model);
  }

  private save(): void {
    if (this.current) downloadBytes(modelFileName(this.current.title.replace(/\.[a-z0-9]+$/, ''), this.options.kind), this.current.bytes);
  }

  private setStatus(state: string, text: string): void {
    this.status.dataset.saved = state;
    this.status.textContent = text;
  }

  private fail(e: unknown): void {
    this.error.textContent = e instanceof Error ? e.message : String(e);
    this.error.hidden = false;
  }
}
