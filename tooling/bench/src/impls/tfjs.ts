// TensorFlow.js layers (the @tensorflow/tfjs union package: tfjs-layers needs its chained ops) on
// tfjs-backend-cpu or tfjs-backend-wasm. recurrentActivation 'sigmoid' (its default is hardSigmoid).
import '@tensorflow/tfjs-backend-wasm';
import { tfjsBackend } from '@rnn/backend-tfjs';
import * as tf from '@tensorflow/tfjs';
import { regressionData, tokenData, type Workload } from '../workloads.js';
import { rnnImplementation } from './rnn.js';
import type { Case, Implementation } from './types.js';

function buildModel(w: Workload, stateful: boolean): tf.LayersModel {
  const rec = { units: w.H, recurrentActivation: 'sigmoid' as const };
  if (w.kind === 'regression') {
    const layer =
      w.cell === 'lstm' ? tf.layers.lstm({ ...rec, inputShape: [w.T, w.I] }) : tf.layers.gru({ ...rec, inputShape: [w.T, w.I] });
    return tf.sequential({ layers: [layer, tf.layers.dense({ units: w.I })] });
  }
  const inputs = stateful ? { batchInputShape: [1, 1] } : { inputShape: [w.T] };
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: w.V, outputDim: w.I, ...inputs }),
      tf.layers.lstm({ ...rec, returnSequences: !stateful, stateful }),
      tf.layers.dense({ units: w.V, activation: 'softmax' }),
    ],
  });
}

export function tfjsImplementation(backendName: 'cpu' | 'wasm'): Implementation {
  return {
    name: `tfjs-layers-${backendName}`,
    version: `tfjs ${tf.version.tfjs}`,
    // Training an embedding needs the UnsortedSegmentSum kernel, which tfjs-backend-wasm 4.22 does not have.
    unsupported: (w) =>
      w.kind === 'charlm' && !tf.getKernel('UnsortedSegmentSum', backendName)
        ? `tfjs-backend-${backendName} has no UnsortedSegmentSum kernel (embedding gradient)`
        : null,
    async setup(w: Workload): Promise<Case> {
      await tf.setBackend(backendName);
      await tf.ready();
      const model = buildModel(w, w.kind === 'generate');
      const keep: tf.Tensor[] = [];
      if (w.kind === 'generate') {
        let token = 0;
        return {
          forward: () => {
            const input = tf.tensor2d([[token]], [1, 1]);
            const out = model.predict(input) as tf.Tensor;
            const p = out.dataSync();
            token = p.indexOf(Math.max(...p));
            input.dispose();
            out.dispose();
          },
          dispose: () => model.dispose(),
        };
      }
      let xs: tf.Tensor;
      let ys: tf.Tensor;
      if (w.kind === 'regression') {
        const { x, y } = regressionData(w);
        xs = tf.tensor3d(x, [w.B, w.T, w.I]);
        ys = tf.tensor2d(y, [w.B, w.I]);
        model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
      } else {
        const { x, y } = tokenData(w);
        xs = tf.tensor2d(x, [w.B, w.T], 'float32');
        ys = tf.oneHot(tf.tensor1d(y, 'int32'), w.V).reshape([w.B, w.T, w.V]);
        model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      }
      keep.push(xs, ys);
      return {
        forward: () => {
          const out = model.predict(xs) as tf.Tensor;
          out.dataSync();
          out.dispose();
        },
        train: async () => Number(await model.trainOnBatch(xs, ys)),
        dispose: () => {
          model.dispose();
          for (const t of keep) t.dispose();
        },
      };
    },
  };
}

/** Our fused kernels on a tfjs backend (@rnn/backend-tfjs), against tfjs-layers on the same tfjs backend. */
export function rnnOnTfjs(backendName: 'cpu' | 'wasm'): Implementation {
  return rnnImplementation(
    `rnn-tfjs-${backendName}`,
    async () => {
      await tf.setBackend(backendName);
      return tfjsBackend({ tf });
    },
    `backend-tfjs on tfjs ${tf.version.tfjs}`,
  );
}
