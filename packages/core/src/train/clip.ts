// Gradient clipping (the exploding-gradient remedy) and the global gradient norm.
import type { Backend } from '../backend/contract.js';
import { checkPositiveNumber } from '../errors.js';
import type { Parameter } from '../layers/layer.js';

/** The L2 norm of all gradients together. */
export function globalGradNorm(b: Backend, params: readonly Parameter[]): number {
  let sum = 0;
  for (const p of params) sum += b.sumSquares(p.grad);
  return Math.sqrt(sum);
}

/**
 * Scales all gradients so their global L2 norm is at most maxNorm, with PyTorch's clip_grad_norm_ semantics:
 * coefficient maxNorm / (norm + 1e-6), applied only when below 1. Returns the norm before clipping.
 */
export function clipGradNorm(b: Backend, params: readonly Parameter[], maxNorm: number): number {
  checkPositiveNumber('maxNorm', maxNorm);
  const norm = globalGradNorm(b, params);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const p of params) b.scale(p.grad, coef, p.grad);
  return norm;
}

/** Clamps every gradient element to [-value, value]. */
export function clipGradValue(b: Backend, params: readonly Parameter[], value: number): void {
  checkPositiveNumber('value', value);
  for (const p of params) b.clip(p.grad, -value, value, p.grad);
}
