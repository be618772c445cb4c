// Learning-rate schedules: the rate for update number `step` (1-based) given the optimizer's base rate.
import { checkNonNegativeInt, checkPositiveInt, checkRange, InvalidArgumentError } from '../errors.js';

export interface ScheduleConfig {
  kind: 'step' | 'exponential' | 'cosine' | 'warmup';
  [option: string]: unknown;
}

export interface LearningRateSchedule {
  lrAt(step: number, baseLr: number): number;
  toConfig(): ScheduleConfig;
}

/** Multiply by gamma every stepSize updates (PyTorch StepLR, counted in updates). */
export function stepDecay(o: { stepSize: number; gamma?: number }): LearningRateSchedule {
  const stepSize = checkPositiveInt('stepDecay.stepSize', o?.stepSize);
  const gamma = checkRange('stepDecay.gamma', o.gamma ?? 0.1, 0, 1);
  return {
    lrAt: (step, lr) => lr * gamma ** Math.floor((step - 1) / stepSize),
    toConfig: () => ({ kind: 'step', stepSize, gamma }),
  };
}

/** lr · gamma^(step − 1). */
export function exponentialDecay(o: { gamma: number }): LearningRateSchedule {
  const gamma = checkRange('exponentialDecay.gamma', o?.gamma, 0, 1);
  return { lrAt: (step, lr) => lr * gamma ** (step - 1), toConfig: () => ({ kind: 'exponential', gamma }) };
}

/** Cosine annealing from the base rate to minLr over totalSteps, then minLr. */
export function cosineDecay(o: { totalSteps: number; minLr?: number }): LearningRateSchedule {
  const totalSteps = checkPositiveInt('cosineDecay.totalSteps', o?.totalSteps);
  const minLr = checkRange('cosineDecay.minLr', o.minLr ?? 0, 0, Number.MAX_VALUE);
  return {
    lrAt: (step, lr) => {
      const p = Math.min(1, (step - 1) / totalSteps);
      return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * p));
    },
    toConfig: () => ({ kind: 'cosine', totalSteps, minLr }),
  };
}

/** Linear warm-up from lr/steps to lr over `steps` updates, then the `after` schedule (counted after warm-up). */
export function warmup(o: { steps: number; after?: LearningRateSchedule }): LearningRateSchedule {
  const steps = checkNonNegativeInt('warmup.steps', o?.steps);
  const after = o.after;
  return {
    lrAt: (step, lr) => (step <= steps ? (lr * step) / steps : after ? after.lrAt(step - steps, lr) : lr),
    toConfig: () => ({ kind: 'warmup', steps, ...(after ? { after: after.toConfig() } : {}) }),
  };
}

export function scheduleFromConfig(c: ScheduleConfig): LearningRateSchedule {
  if (typeof c !== 'object' || c === null) throw new InvalidArgumentError('schedule config', 'an object', c);
  switch (c?.kind) {
    case 'step':
      return stepDecay(c as never);
    case 'exponential':
      return exponentialDecay(c as never);
    case 'cosine':
      return cosineDecay(c as never);
    case 'warmup':
      return warmup({ steps: c.steps as number, after: c.after ? scheduleFromConfig(c.after as ScheduleConfig) : undefined });
    default:
      throw new InvalidArgumentError('schedule.kind', 'one of "step", "exponential", "cosine", "warmup"', c?.kind);
  }
}
