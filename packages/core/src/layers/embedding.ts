// Embedding: integer tokens [B, T] -> vectors [B, T, E] by table lookup. The padding index (if any) maps to
// a zero vector that is never updated (PyTorch padding_idx semantics).

import { fmtShape } from '../backend/checks.js';
import type { Backend, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { checkPositiveInt, InvalidArgumentError, ShapeError } from '../errors.js';
import { type Initializer, uniform } from '../init/initializers.js';
import type { Rng } from '../random.js';
import { createParameter, type ForwardOptions, type Layer, type LayerDef, releaseParameters } from './layer.js';

export interface EmbeddingOptions {
  vocabSize: number;
  embeddingSize: number;
  /** Token id whose vector is fixed at zero (padding). */
  paddingIndex?: number;
  /** Default uniform(±0.05) (Keras). */
  initializer?: Initializer;
}

export function embedding(options: EmbeddingOptions): LayerDef {
  const vocabSize = checkPositiveInt('embedding.vocabSize', options?.vocabSize);
  const embeddingSize = checkPositiveInt('embedding.embeddingSize', options.embeddingSize);
  const paddingIndex = options.paddingIndex ?? null;
  if (paddingIndex !== null && !(Number.isInteger(paddingIndex) && paddingIndex >= 0 && paddingIndex < vocabSize))
    throw new InvalidArgumentError('embedding.paddingIndex', `an integer in [0, ${vocabSize - 1}]`, paddingIndex);
  return {
    build(backend: Backend, rng: Rng, name: string): Layer {
      const table = createParameter(backend, rng, `${name}.embeddings`, [vocabSize, embeddingSize], options.initializer ?? uniform(0.05));
      if (paddingIndex !== null) {
        const v = backend.read(table.value);
        v.fill(0, paddingIndex * embeddingSize, (paddingIndex + 1) * embeddingSize);
        backend.write(table.value, v);
      }
      const ws = new Workspace(backend);
      let indices: Tensor | null = null;
      const outputShape = (s: readonly number[]): number[] => {
        if (s.length !== 2) throw new ShapeError('x', 'rank 2 [batch, time] of token ids', fmtShape(s));
        return [...s, embeddingSize];
      };
      return {
        kind: 'embedding',
        params: [table],
        outputShape,
        forward(x: Tensor, _o: ForwardOptions): Tensor {
          const y = ws.get('y', outputShape(x.shape));
          backend.gatherRows(table.value, x, y);
          indices = x;
          return y;
        },
        backward(dy: Tensor): Tensor | null {
          if (!indices) throw new InvalidArgumentError('embedding.backward', 'a preceding forward', null);
          backend.scatterAddRows(dy, indices, table.grad, paddingIndex);
          return null; // token ids have no gradient
        },
        resetState() {},
        toConfig: () => ({ kind: 'embedding', vocabSize, embeddingSize, ...(paddingIndex !== null ? { paddingIndex } : {}) }),
        dispose() {
          ws.dispose();
          releaseParameters(backend, [table]);
        },
      };
    },
  };
}
