// The six models of the gradients page and what each training step reports about them. Kept apart from the
// task so the page can name and colour the series without loading the training code.
import { CELL_KINDS, type CellKind } from '../../training/cells.js';

export interface GradientSeries {
  id: string;
  kind: CellKind;
  clipped: boolean;
}

/** Six models: each cell kind without, then with clipping. */
export const GRADIENT_SERIES: readonly GradientSeries[] = CELL_KINDS.flatMap((kind) => [
  { id: kind, kind, clipped: false },
  { id: `${kind}+clip`, kind, clipped: true },
]);

export interface GradientsPayload {
  /** ||dL/dh_t|| for t = 0..T-1, per series id. */
  norms: Record<string, Float64Array>;
  /** Global gradient norm before clipping, per series id. */
  gradNorm: Record<string, number>;
}
