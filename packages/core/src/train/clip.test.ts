import { describe, expect, it } from 'vitest';
import { simpleRnn } from '../cells/rnn/index.js';
import { InvalidArgumentError } from '../errors.js';
import { dense } from '../layers/dense.js';
import { recurrent } from '../layers/recurrent.js';
import { Rng } from '../random.js';
import { gradCheck } from '../testing/gradcheck.js';
import { referenceBackend } from '../testing/reference-backend.js';
import { clipGradNorm, clipGradValue, globalGradNorm } from './clip.js';
import { meanSquaredError } from './losses.js';
import { Sequential } from './model.js';
import { sgd } from './optimizers.js';

const b = referenceBackend();
const param = (name: string, grad: number[]) => ({ name, value: b.tensor([grad.length]), grad: b.tensor([grad.length], grad) });

describe('gradient clipping', () => {
  it('clips by global norm with PyTorch clip_grad_norm_ semantics and returns the norm before clipping', () => {
    const ps = [param('a', [3, 0]), param('b', [0, 4])];
    expect(globalGradNorm(b, ps)).toBe(5);
    expect(clipGradNorm(b, ps, 1)).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(Array.from(b.read(ps[0]!.grad))).toEqual([3 * coef, 0]);
    expect(Array.from(b.read(ps[1]!.grad))).toEqual([0, 4 * coef]);
    // below the threshold nothing changes
    expect(clipGradNorm(b, ps, 10)).toBeCloseTo(1, 5);
    expect(Array.from(b.read(ps[1]!.grad))).toEqual([0, 4 * coef]);
  });

  it('clips by value', () => {
    const ps = [param('a', [-3, 0.5, 2])];
    clipGradValue(b, ps, 1);
    expect(Array.from(b.read(ps[0]!.grad))).toEqual([-1, 0.5, 1]);
  });

  it('rejects a clip norm or value <= 0', () => {
    expect(() => clipGradNorm(b, [], 0)).toThrow(InvalidArgumentError);
    expect(() => clipGradNorm(b, [], -1)).toThrow(/maxNorm: expected a finite number > 0, received -1/);
    expect(() => clipGradValue(b, [], Number.NaN)).toThrow(/value: expected a finite number > 0, received NaN/);
  });

  it('a clipped BPTT gradient is the finite-difference gradient scaled by maxNorm / (norm + 1e-6)', () => {
    const model = new Sequential(b, {
      layers: [recurrent({ cell: simpleRnn({ inputSize: 2, hiddenSize: 3 }) }), dense({ inputSize: 3, outputSize: 1 })],
      loss: meanSquaredError(),
      optimizer: sgd(),
      seed: 3,
    });
    const rng = new Rng(5);
    const batch = {
      x: { data: Array.from({ length: 2 * 6 * 2 }, () => rng.uniform(-1, 1)), shape: [2, 6, 2] },
      y: { data: [3, -2], shape: [2, 1] },
    };
    const maxNorm = 0.05;
    const result = gradCheck(
      b,
      model.params.map((p) => ({ name: p.name, value: p.value, grad: () => p.grad })),
      (withGrad) => {
        if (!withGrad) return model.lossOn(batch);
        const loss = model.computeGradients(batch);
        const norm = clipGradNorm(b, model.params, maxNorm);
        expect(norm).toBeGreaterThan(maxNorm);
        // undo the scaling so the check compares the direction and the exact coefficient
        for (const p of model.params) b.scale(p.grad, (norm + 1e-6) / maxNorm, p.grad);
        return loss;
      },
    );
    expect(result.maxRelError).toBeLessThan(1e-4);
    model.dispose();
  });
});
