// Dropout (inverted: kept units are scaled by 1 / (1 - rate), so inference needs no change). Masks are drawn
// on the host from the layer's seeded stream and uploaded, so every backend drops the same units.
import type { Backend, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { checkRange, InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random.js';
import type { ForwardOptions, Layer, LayerDef } from './layer.js';

/** A mask of `count` values, each 0 (probability rate) or 1 / (1 - rate). */
export function dropoutMask(rng: Rng, count: number, rate: number): Float64Array {
  const keep = 1 / (1 - rate);
  const m = new Float64Array(count);
  for (let i = 0; i < count; i++) m[i] = rng.next() < rate ? 0 : keep;
  return m;
}

export function checkRate(argument: string, rate: unknown): number {
  return checkRange(argument, rate ?? 0, 0, 1, true);
}

/** Freezes masks between forward calls: for gradient checks of a dropout configuration. */
export interface DropoutControl {
  freezeDropoutMasks(frozen: boolean): void;
}

export interface DropoutOptions {
  /** Fraction of units set to zero in training, in [0, 1). */
  rate: number;
}

/** Standard dropout: an independent mask for every element, drawn anew at each training forward. */
export function dropout(options: DropoutOptions): LayerDef {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('dropout(options)', 'an options object', options);
  const rate = checkRate('dropout.rate', options.rate);
  return {
    build(backend: Backend, rng: Rng): Layer & DropoutControl {
      const ws = new Workspace(backend);
      const stream = rng.fork();
      let applied = false;
      let frozen = false;
      let mask: Tensor | null = null;
      return {
        kind: 'dropout',
        params: [],
        outputShape: (s) => [...s],
        forward(x: Tensor, o: ForwardOptions): Tensor {
          applied = o.training && o.dropout !== false && rate > 0;
          if (!applied) return x;
          const fresh = !frozen || !mask || mask.size !== x.size;
          mask = ws.get('mask', x.shape);
          if (fresh) backend.write(mask, dropoutMask(stream, x.size, rate));
          const y = ws.get('y', x.shape);
          backend.mul(x, mask, y);
          return y;
        },
        backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
          if (!needInputGrad) return null;
          if (!applied) return dy;
          const dx = ws.get('dx', dy.shape);
          backend.mul(dy, mask!, dx);
          return dx;
        },
        resetState() {},
        freezeDropoutMasks(f: boolean) {
          frozen = f;
        },
        getRandomState: () => stream.getState(),
        setRandomState: (s) => stream.setState(s),
        toConfig: () => ({ kind: 'dropout', rate }),
        dispose: () => ws.dispose(),
      };
    },
  };
}
