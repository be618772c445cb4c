// Optimizers. Each step clips the gradients (by global norm and/or value, when asked), sets the learning
// rate from its schedule, and updates every parameter with one fused backend call. State (moments,
// velocities) lives on the backend beside the parameters and is saved with the model.
import type { Backend, Tensor } from '../backend/contract.js';
import { checkPositiveNumber, checkRange, InvalidArgumentError } from '../errors.js';
import type { Parameter } from '../layers/layer.js';
import { clipGradNorm, clipGradValue, globalGradNorm } from './clip.js';
import { type LearningRateSchedule, type ScheduleConfig, scheduleFromConfig } from './schedules.js';

export interface ClipOptions {
  /** Clip gradients to this global L2 norm before each update (PyTorch clip_grad_norm_). */
  clipNorm?: number;
  /** Clamp each gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
  /** The learning rate as a function of the step. */
  schedule?: LearningRateSchedule;
}

export interface OptimizerConfig {
  kind: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
  [hyper: string]: unknown;
  schedule?: ScheduleConfig;
}

/** Optimizer state on the host: the step count and each parameter's slots, in parameter order. */
export interface OptimizerState {
  step: number;
  slots: Float64Array[][];
}

export interface Optimizer {
  readonly name: OptimizerConfig['kind'];
  /** The base learning rate (the schedule scales it). */
  lr: number;
  /** Updates taken so far. */
  readonly steps: number;
  /** The learning rate the next step will use. */
  currentLr(): number;
  /** Clips, then applies one update to every parameter from its gradient. Returns the norm before clipping. */
  step(b: Backend, params: readonly Parameter[]): number;
  getState(b: Backend, params: readonly Parameter[]): OptimizerState;
  setState(b: Backend, params: readonly Parameter[], state: OptimizerState): void;
  toConfig(): OptimizerConfig;
  /** Releases the optimizer's state tensors. */
  dispose(b: Backend): void;
}

type Update = (b: Backend, p: Parameter, slots: Tensor[], lr: number, step: number) => void;

function optimizer(
  name: OptimizerConfig['kind'],
  baseLr: number,
  slotCount: number,
  clip: ClipOptions,
  hyper: Record<string, unknown>,
  update: Update,
): Optimizer {
  let lr = checkPositiveNumber(`${name}.lr`, baseLr);
  if (clip.clipNorm !== undefined) checkPositiveNumber(`${name}.clipNorm`, clip.clipNorm);
  if (clip.clipValue !== undefined) checkPositiveNumber(`${name}.clipValue`, clip.clipValue);
  const slots = new Map<Parameter, Tensor[]>();
  let t = 0;
  const slotsOf = (b: Backend, p: Parameter): Tensor[] => {
    let s = slots.get(p);
    if (!s) {
      s = Array.from({ length: slotCount }, () => b.tensor(p.value.shape));
      slots.set(p, s);
    }
    return s;
  };
  const currentLr = (): number => (clip.schedule ? clip.schedule.lrAt(t + 1, lr) : lr);
  return {
    name,
    get lr() {
      return lr;
    },
    set lr(v: number) {
      lr = checkPositiveNumber(`${name}.lr`, v);
    },
    get steps() {
      return t;
    },
    currentLr,
    step(b, params) {
      const norm = clip.clipNorm !== undefined ? clipGradNorm(b, params, clip.clipNorm) : globalGradNorm(b, params);
      if (clip.clipValue !== undefined) clipGradValue(b, params, clip.clipValue);
      const rate = currentLr();
      t++;
      for (const p of params) update(b, p, slotsOf(b, p), rate, t);
      return norm;
    },
    getState: (b, params) => ({ step: t, slots: params.map((p) => slotsOf(b, p).map((s) => Float64Array.from(b.read(s)))) }),
    setState(b, params, state) {
      if (!Number.isInteger(state?.step) || state.step < 0)
        throw new InvalidArgumentError('optimizer.step', 'a non-negative integer', state?.step);
      if (state.slots.length !== params.length)
        throw new InvalidArgumentError('optimizer.slots', `${params.length} parameter slot lists`, state.slots.length);
      params.forEach((p, i) => {
        const s = slotsOf(b, p);
        if (state.slots[i]!.length !== s.length)
          throw new InvalidArgumentError(`optimizer.slots[${i}]`, `${s.length} slots`, state.slots[i]!.length);
        s.forEach((tensor, k) => b.write(tensor, state.slots[i]![k]!));
      });
      t = state.step;
    },
    toConfig: () => ({
      kind: name,
      lr,
      ...hyper,
      ...(clip.clipNorm !== undefined ? { clipNorm: clip.clipNorm } : {}),
      ...(clip.clipValue !== undefined ? { clipValue: clip.clipValue } : {}),
      ...(clip.schedule ? { schedule: clip.schedule.toConfig() } : {}),
    }),
    dispose(b) {
      for (const s of slots.values()) for (const tensor of s) b.release(tensor);
      slots.clear();
    },
  };
}

export interface AdamOptions extends ClipOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW when > 0). Default 0 for adam, 0.01 for adamw. */
  weightDecay?: number;
}

function adamLike(name: 'adam' | 'adamw', o: AdamOptions, defaultDecay: number): Optimizer {
  const beta1 = checkRange(`${name}.beta1`, o.beta1 ?? 0.9, 0, 1, true);
  const beta2 = checkRange(`${name}.beta2`, o.beta2 ?? 0.999, 0, 1, true);
  const eps = checkPositiveNumber(`${name}.eps`, o.eps ?? 1e-8);
  const weightDecay = checkRange(`${name}.weightDecay`, o.weightDecay ?? defaultDecay, 0, Number.MAX_VALUE);
  return optimizer(name, o.lr ?? 1e-3, 2, o, { beta1, beta2, eps, weightDecay }, (b, p, [m, v], lr, step) =>
    b.adamUpdate(p.value, p.grad, m!, v!, { lr, beta1, beta2, eps, step, weightDecay }),
  );
}

/** Adam (Kingma & Ba) with bias correction. Defaults: lr 1e-3, betas 0.9 / 0.999, eps 1e-8. */
export const adam = (o: AdamOptions = {}): Optimizer => adamLike('adam', o, 0);

/** AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, default 0.01 (PyTorch). */
export const adamw = (o: AdamOptions = {}): Optimizer => adamLike('adamw', o, 0.01);

export interface SgdOptions extends ClipOptions {
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (PyTorch weight_decay). */
  weightDecay?: number;
}

/** SGD with optional (Nesterov) momentum and L2 weight decay, PyTorch semantics. Default lr 0.01. */
export function sgd(o: SgdOptions = {}): Optimizer {
  const momentum = checkRange('sgd.momentum', o.momentum ?? 0, 0, 1, true);
  const nesterov = o.nesterov ?? false;
  if (nesterov && momentum === 0) throw new InvalidArgumentError('sgd.nesterov', 'momentum > 0 with Nesterov momentum', momentum);
  const weightDecay = checkRange('sgd.weightDecay', o.weightDecay ?? 0, 0, Number.MAX_VALUE);
  return optimizer('sgd', o.lr ?? 0.01, momentum > 0 ? 1 : 0, o, { momentum, nesterov, weightDecay }, (b, p, s, lr) =>
    b.sgdUpdate(p.value, p.grad, s[0] ?? null, { lr, momentum, nesterov, weightDecay }),
  );
}

export interface RmspropOptions extends ClipOptions {
  lr?: number;
  /** Decay of the squared-gradient average. Default 0.99 (PyTorch alpha; Keras uses 0.9). */
  rho?: number;
  eps?: number;
  momentum?: number;
  weightDecay?: number;
}

/** RMSProp (Hinton), PyTorch semantics. Defaults: lr 0.01, rho 0.99, eps 1e-8. */
export function rmsprop(o: RmspropOptions = {}): Optimizer {
  const rho = checkRange('rmsprop.rho', o.rho ?? 0.99, 0, 1, true);
  const eps = checkPositiveNumber('rmsprop.eps', o.eps ?? 1e-8);
  const momentum = checkRange('rmsprop.momentum', o.momentum ?? 0, 0, 1, true);
  const weightDecay = checkRange('rmsprop.weightDecay', o.weightDecay ?? 0, 0, Number.MAX_VALUE);
  return optimizer('rmsprop', o.lr ?? 0.01, momentum > 0 ? 2 : 1, o, { rho, eps, momentum, weightDecay }, (b, p, s, lr) =>
    b.rmspropUpdate(p.value, p.grad, s[0]!, s[1] ?? null, { lr, rho, eps, momentum, weightDecay }),
  );
}

export interface AdagradOptions extends ClipOptions {
  lr?: number;
  eps?: number;
  weightDecay?: number;
}

/** Adagrad (Duchi et al.), PyTorch semantics. Defaults: lr 0.01, eps 1e-10. */
export function adagrad(o: AdagradOptions = {}): Optimizer {
  const eps = checkPositiveNumber('adagrad.eps', o.eps ?? 1e-10);
  const weightDecay = checkRange('adagrad.weightDecay', o.weightDecay ?? 0, 0, Number.MAX_VALUE);
  return optimizer('adagrad', o.lr ?? 0.01, 1, o, { eps, weightDecay }, (b, p, s, lr) =>
    b.adagradUpdate(p.value, p.grad, s[0]!, { lr, eps, weightDecay }),
  );
}

/** Rebuilds an optimizer from its config (model files). */
export function optimizerFromConfig(c: OptimizerConfig): Optimizer {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('optimizer config', 'an object', c);
  const o = { ...c, schedule: c.schedule ? scheduleFromConfig(c.schedule) : undefined } as unknown as Record<string, never>;
  switch (c?.kind) {
    case 'sgd':
      return sgd(o);
    case 'adam':
      return adam(o);
    case 'adamw':
      return adamw(o);
    case 'rmsprop':
      return rmsprop(o);
    case 'adagrad':
      return adagrad(o);
    default:
      throw new InvalidArgumentError('optimizer.kind', 'one of "sgd", "adam", "adamw", "rmsprop", "adagrad"', c?.kind);
  }
}
