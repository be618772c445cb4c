import type { Workload } from '../workloads.js';

/** One implementation prepared for one workload. */
export interface Case {
  /** Forward pass (inference) on the workload's batch; for 'generate', one generated token. */
  forward(): void | Promise<void>;
  /** One training step (forward, BPTT, update) on the same batch; returns the loss. Absent for 'generate'. */
  train?(): number | Promise<number>;
  dispose(): void;
}

export interface Implementation {
  name: string;
  /** Versions of what it runs on, for the report. */
  version: string;
  /** Why it cannot run a workload, or null when it can. */
  unsupported(w: Workload): string | null;
  setup(w: Workload): Promise<Case>;
}
