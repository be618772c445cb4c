// The contract of a page: a self-contained module that mounts itself into the shell's main area. Pages train
// through the shared TrainingClient (the worker) on the backend chosen in the header, and clean up when left.
import type { BackendChoice } from '../training/backend-choice.js';
import type { TrainingClient } from '../training/client.js';

export interface PageContext {
  /** Starts jobs on the training worker. */
  readonly training: TrainingClient;
  /** The backend chosen in the header's switcher, read when a job starts. */
  backend(): BackendChoice;
  /** Parameters from the URL (`#/gradients?length=40`), so a page state can be linked to. */
  readonly params: Readonly<Record<string, string>>;
}

/** A page module's export. */
export interface Page {
  /** Renders into `root`; returns what to do when the user leaves (stop jobs, cancel animations). */
  mount(root: HTMLElement, context: PageContext): () => void;
}

/** A page in the registry (pages/index.ts): what the navigation shows, and how to load the page's code. */
export interface PageEntry {
  /** The route: `#/<id>`. */
  readonly id: string;
  readonly title: string;
  /** One sentence for the navigation. */
  readonly summary: string;
  /** Imported on first visit, so the app loads only the shell and the page it opens on. */
  load(): Promise<Page>;
}
