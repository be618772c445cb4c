// Pooling over time: [B, T, F] → [B, F], the mean or the maximum over each sequence's valid steps
// (1..lengths[b]), so padding never dilutes a mean or wins a max. Computed on the host: it is a cheap
// reduction next to the recurrent layer it follows, and the same code then serves every backend.
import { checkOneOf, checks, InvalidArgumentError, type Layer, type LayerDef, ShapeError, type Tensor, Workspace } from '@rnn/core';

export const POOLING_MODES = ['mean', 'max'] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

export interface SequencePoolingOptions {
  mode: PoolingMode;
}

export const SEQUENCE_POOLING_KIND = 'sequencePooling';

export function sequencePooling(options: SequencePoolingOptions): LayerDef {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('sequencePooling(options)', 'an options object', options);
  const mode = checkOneOf('sequencePooling.mode', options.mode, POOLING_MODES);
  return {
    build(backend): Layer {
      const ws = new Workspace(backend);
      let inputShape: [number, number, number] | null = null;
      let lengths: Int32Array | null = null;
      let argmaxIndex: Int32Array | null = null; // max mode: the winning step of each (b, f)

      const outputShape = (s: readonly number[]): number[] => {
        if (s.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(s));
        return [s[0]!, s[2]!];
      };

      return {
        kind: SEQUENCE_POOLING_KIND,
        params: [],
        outputShape,
        forward(x: Tensor, o) {
          const [B, T, F] = x.shape as [number, number, number];
          outputShape(x.shape);
          if (o.lengths && o.lengths.length !== B) throw new ShapeError('lengths', `${B} lengths (one per sample)`, o.lengths.length);
          const xs = backend.read(x);
          const out = new Float64Array(B * F);
          argmaxIndex = mode === 'max' ? new Int32Array(B * F) : null;
          for (let b = 0; b < B; b++) {
            const len = o.lengths ? o.lengths[b]! : T;
            if (!(len >= 1 && len <= T)) throw new InvalidArgumentError(`lengths[${b}]`, `a length in 1..${T}`, len);
            for (let f = 0; f < F; f++) {
              let acc = mode === 'mean' ? 0 : Number.NEGATIVE_INFINITY;
              let best = 0;
              for (let t = 0; t < len; t++) {
                const v = xs[(b * T + t) * F + f]!;
                if (mode === 'mean') acc += v;
                else if (v > acc) [acc, best] = [v, t];
              }
              out[b * F + f] = mode === 'mean' ? acc / len : acc;
              if (argmaxIndex) argmaxIndex[b * F + f] = best;
            }
          }
          inputShape = [B, T, F];
          lengths = o.lengths ? Int32Array.from(o.lengths) : null;
          const y = ws.get('y', [B, F]);
          backend.write(y, out);
          return y;
        },
        backward(dy: Tensor, needInputGrad: boolean) {
          if (!inputShape) throw new InvalidArgumentError('sequencePooling.backward', 'a preceding forward', null);
          if (!needInputGrad) return null;
          const [B, T, F] = inputShape;
          const g = backend.read(dy);
          const dx = new Float64Array(B * T * F);
          for (let b = 0; b < B; b++) {
            const len = lengths ? lengths[b]! : T;
            for (let f = 0; f < F; f++) {
              const d = g[b * F + f]!;
              if (argmaxIndex) dx[(b * T + argmaxIndex[b * F + f]!) * F + f] = d;
              else for (let t = 0; t < len; t++) dx[(b * T + t) * F + f] = d / len;
            }
          }
          const out = ws.get('dx', inputShape);
          backend.write(out, dx);
          return out;
        },
        resetState() {},
        toConfig: () => ({ kind: SEQUENCE_POOLING_KIND, mode }),
        dispose() {
          ws.dispose();
        },
      };
    },
  };
}

/** Rebuilds the layer from its config (pass as `extraLayers` when loading a model file). */
export function sequencePoolingFromConfig(config: Record<string, unknown>): LayerDef {
  return sequencePooling({ mode: config.mode as PoolingMode });
}
