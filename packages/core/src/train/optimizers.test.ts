import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Parameter } from '../layers/layer.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { adagrad, adam, adamw, type Optimizer, optimizerFromConfig, rmsprop, sgd } from './optimizers.js';
import { cosineDecay, exponentialDecay, scheduleFromConfig, stepDecay, warmup } from './schedules.js';

const b = referenceBackend();

/** Minimises f(w) = sum((w - 3)^2) from w = 0 and returns the final w. */
function minimise(opt: Optimizer, steps: number): number[] {
  const p: Parameter = { name: 'w', value: b.tensor([2], [0, 0]), grad: b.tensor([2]) };
  for (let i = 0; i < steps; i++) {
    const w = b.read(p.value);
    b.write(
      p.grad,
      Array.from(w, (v) => 2 * (v - 3)),
    );
    opt.step(b, [p]);
  }
  const w = Array.from(b.read(p.value));
  opt.dispose(b);
  b.release(p.value);
  b.release(p.grad);
  return w;
}

describe('optimizers', () => {
  it.each([
    ['sgd', () => sgd({ lr: 0.1 })],
    ['sgd nesterov', () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
    ['adam', () => adam({ lr: 0.1 })],
    ['adamw', () => adamw({ lr: 0.1, weightDecay: 0 })],
    ['rmsprop', () => rmsprop({ lr: 0.05 })],
    ['rmsprop momentum', () => rmsprop({ lr: 0.01, momentum: 0.9 })],
    ['adagrad', () => adagrad({ lr: 0.5 })],
  ])('%s converges on a quadratic', (_n, make) => {
    for (const v of minimise(make(), 400)) expect(v).toBeCloseTo(3, 1);
  });

  it('plain SGD takes exactly w - lr * g', () => {
    const p: Parameter = { name: 'w', value: b.tensor([1], [1]), grad: b.tensor([1], [0.5]) };
    sgd({ lr: 0.1 }).step(b, [p]);
    expect(b.read(p.value)[0]).toBeCloseTo(0.95, 15);
  });

  it('Adam first step moves every weight by lr (bias correction)', () => {
    const p: Parameter = { name: 'w', value: b.tensor([3], [1, 1, 1]), grad: b.tensor([3], [0.001, 5, -2]) };
    adam({ lr: 0.01 }).step(b, [p]);
    const w = b.read(p.value);
    expect(w[0]).toBeCloseTo(0.99, 6);
    expect(w[1]).toBeCloseTo(0.99, 6);
    expect(w[2]).toBeCloseTo(1.01, 6);
  });

  it('clips as an optimizer option and reports the norm before clipping', () => {
    const p: Parameter = { name: 'w', value: b.tensor([2], [0, 0]), grad: b.tensor([2], [30, 40]) };
    const norm = sgd({ lr: 1, clipNorm: 5 }).step(b, [p]);
    expect(norm).toBe(50);
    const w = b.read(p.value);
    expect(Math.hypot(w[0]!, w[1]!)).toBeCloseTo(5, 5);
    b.write(p.grad, [30, -40]);
    sgd({ lr: 1, clipValue: 2 }).step(b, [p]);
    expect(Array.from(b.read(p.value)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-5, -2]);
  });

  it('round-trips through its config, with its schedule', () => {
    const o = rmsprop({ lr: 0.02, momentum: 0.5, clipNorm: 1, schedule: warmup({ steps: 10, after: cosineDecay({ totalSteps: 100 }) }) });
    expect(optimizerFromConfig(o.toConfig()).toConfig()).toEqual(o.toConfig());
  });

  it('rejects invalid hyperparameters', () => {
    expect(() => sgd({ lr: 0 })).toThrow(/sgd.lr: expected a finite number > 0, received 0/);
    expect(() => sgd({ nesterov: true })).toThrow(/sgd.nesterov: expected momentum > 0/);
    expect(() => rmsprop({ rho: 1 })).toThrow(/rmsprop.rho: expected a number in \[0, 1\), received 1/);
    expect(() => adagrad({ eps: -1 })).toThrow(InvalidArgumentError);
    expect(() => adam({ clipValue: Number.POSITIVE_INFINITY })).toThrow(/adam.clipValue/);
    expect(() => optimizerFromConfig({ kind: 'lbfgs' as never })).toThrow(/optimizer.kind/);
  });
});

describe('learning-rate schedules', () => {
  it('step, exponential, cosine and warm-up give the textbook values', () => {
    const s = stepDecay({ stepSize: 10, gamma: 0.5 });
    expect([1, 10, 11, 21].map((t) => s.lrAt(t, 1))).toEqual([1, 1, 0.5, 0.25]);
    expect(exponentialDecay({ gamma: 0.9 }).lrAt(3, 2)).toBeCloseTo(2 * 0.81, 15);
    const c = cosineDecay({ totalSteps: 100, minLr: 0.1 });
    expect(c.lrAt(1, 1)).toBe(1);
    expect(c.lrAt(51, 1)).toBeCloseTo(0.55, 12);
    expect(c.lrAt(500, 1)).toBeCloseTo(0.1, 12);
    const w = warmup({ steps: 4, after: stepDecay({ stepSize: 2, gamma: 0.1 }) });
    expect([1, 2, 4, 5, 7].map((t) => w.lrAt(t, 1))).toEqual([0.25, 0.5, 1, 1, 0.1]);
    expect(scheduleFromConfig(w.toConfig()).lrAt(7, 1)).toBe(0.1);
  });

  it('the optimizer uses the scheduled rate', () => {
    const o = sgd({ lr: 1, schedule: stepDecay({ stepSize: 1, gamma: 0.5 }) });
    expect(o.currentLr()).toBe(1);
    const p: Parameter = { name: 'w', value: b.tensor([1], [0]), grad: b.tensor([1], [1]) };
    o.step(b, [p]);
    o.step(b, [p]);
    expect(b.read(p.value)[0]).toBeCloseTo(-1.5, 15);
    expect(o.currentLr()).toBe(0.25);
  });

  it('rejects bad schedule options', () => {
    expect(() => stepDecay({ stepSize: 0 })).toThrow(/stepDecay.stepSize/);
    expect(() => exponentialDecay({ gamma: 2 })).toThrow(/exponentialDecay.gamma: expected a number in \[0, 1\], received 2/);
    expect(() => scheduleFromConfig({ kind: 'cyclic' as never })).toThrow(/schedule.kind/);
  });
});
