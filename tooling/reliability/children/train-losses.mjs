// Child process for the determinism test: trains a small seeded model for N steps on one backend and prints the
// losses as the hex of their float64 bits (bit-identical or not, nothing in between). Runs on the built packages.
import { adam, dense, gru, lstm, Rng, recurrent, Sequential, softmaxCrossEntropy } from '@rnn/core';

const [which, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? 100);

async function makeBackend(name) {
  switch (name) {
    case 'js':
      return (await import('@rnn/backend-js')).jsBackend();
    case 'js-float64':
      return (await import('@rnn/backend-js')).jsBackend({ dtype: 'float64' });
    case 'wasm':
    case 'wasm-2threads': {
      const { wasmBackend } = await import('@rnn/backend-wasm');
      const b = wasmBackend({ threads: name === 'wasm' ? 1 : 2, relaxedSimd: false });
      await b.ready();
      return b;
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      const tf = await import('@tensorflow/tfjs-core');
      await import(name === 'tfjs-cpu' ? '@tensorflow/tfjs-backend-cpu' : '@tensorflow/tfjs-backend-wasm');
      await tf.setBackend(name.slice(5));
      const { tfjsBackend } = await import('@rnn/backend-tfjs');
      const b = tfjsBackend({ tf });
      await b.ready();
      return b;
    }
    default:
      throw new Error(`unknown backend ${name}`);
  }
}

const backend = await makeBackend(which);
const [B, T, I, H, C] = [8, 12, 5, 16, 3];
const rng = new Rng(5);
const x = { data: Float32Array.from({ length: B * T * I }, () => rng.normal()), shape: [B, T, I] };
const y = { data: Int32Array.from({ length: B }, (_, b) => b % C), shape: [B] };
const model = new Sequential(backend, {
  // dropout draws from the model's random streams every step, so the seeding is exercised too
  layers: [
    recurrent({ cell: lstm({ inputSize: I, hiddenSize: H }), returnSequences: true, dropout: 0.2 }),
    recurrent({ cell: gru({ inputSize: H, hiddenSize: H }) }),
    dense({ inputSize: H, outputSize: C }),
  ],
  loss: softmaxCrossEntropy(),
  optimizer: adam({ lr: 0.01, clipNorm: 1 }),
  seed: 42,
});
const bits = new DataView(new ArrayBuffer(8));
const out = [];
for (let s = 0; s < steps; s++) {
  const { loss } = model.trainStep({ x, y });
  bits.setFloat64(0, loss);
  out.push(bits.getBigUint64(0).toString(16));
}
model.dispose();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
