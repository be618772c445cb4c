// Optimizers. State (moments, velocities) lives on the backend beside the parameters; updates are one
// backend call per parameter (a fused kernel on backends that have one).
import type { Backend, Tensor } from '../backend/contract.js';
import { checkPositiveNumber, checkRange } from '../errors.js';
import type { Parameter } from '../layers/layer.js';

export interface Optimizer {
  readonly name: string;
  /** The learning rate, adjustable between steps (schedules). */
  lr: number;
  /** Applies one update to every parameter from its gradient. */
  step(b: Backend, params: readonly Parameter[]): void;
  /** Releases the optimizer's state tensors. */
  dispose(b: Backend): void;
}

function stateSlots(names: readonly string[]) {
  const slots = new Map<Parameter, Tensor[]>();
  return {
    get(b: Backend, p: Parameter): Tensor[] {
      let s = slots.get(p);
      if (!s) {
        s = names.map(() => b.tensor(p.value.shape));
        slots.set(p, s);
      }
      return s;
    },
    dispose(b: Backend) {
      for (const s of slots.values()) for (const t of s) b.release(t);
      slots.clear();
    },
  };
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW). Default 0. */
  weightDecay?: number;
}

/** Adam (Kingma & Ba) with bias correction; AdamW when weightDecay > 0. Defaults: lr 1e-3, 0.9, 0.999, 1e-8. */
export function adam(o: AdamOptions = {}): Optimizer {
  let lr = checkPositiveNumber('adam.lr', o.lr ?? 1e-3);
  const beta1 = checkRange('adam.beta1', o.beta1 ?? 0.9, 0, 1, true);
  const beta2 = checkRange('adam.beta2', o.beta2 ?? 0.999, 0, 1, true);
  const eps = checkPositiveNumber('adam.eps', o.eps ?? 1e-8);
  const weightDecay = checkRange('adam.weightDecay', o.weightDecay ?? 0, 0, Number.MAX_VALUE);
  const slots = stateSlots(['m', 'v']);
  let t = 0;
  return {
    name: 'adam',
    get lr() {
      return lr;
    },
    set lr(v: number) {
      lr = checkPositiveNumber('adam.lr', v);
    },
    step(b, params) {
      t++;
      for (const p of params) {
        const [m, v] = slots.get(b, p);
        b.adamUpdate(p.value, p.grad, m!, v!, { lr, beta1, beta2, eps, step: t, weightDecay });
      }
    },
    dispose: (b) => slots.dispose(b),
  };
}

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** SGD with optional (Nesterov) momentum and L2 weight decay, PyTorch semantics. Default lr 0.01. */
export function sgd(o: SgdOptions = {}): Optimizer {
  let lr = checkPositiveNumber('sgd.lr', o.lr ?? 0.01);
  const momentum = checkRange('sgd.momentum', o.momentum ?? 0, 0, 1, true);
  const nesterov = o.nesterov ?? false;
  const weightDecay = checkRange('sgd.weightDecay', o.weightDecay ?? 0, 0, Number.MAX_VALUE);
  const slots = stateSlots(momentum > 0 ? ['velocity'] : []);
  return {
    name: 'sgd',
    get lr() {
      return lr;
    },
    set lr(v: number) {
      lr = checkPositiveNumber('sgd.lr', v);
    },
    step(b, params) {
      for (const p of params) {
        const velocity = momentum > 0 ? slots.get(b, p)[0]! : null;
        b.sgdUpdate(p.value, p.grad, velocity, { lr, momentum, nesterov, weightDecay });
      }
    },
    dispose: (b) => slots.dispose(b),
  };
}
