// tfjs-backend-cpu multiplies matrices at ~0.8 GFLOP/s and splits a [32, 1024] tensor in ~15 ms
// (PERFORMANCE.md), which would bound every recurrent step. On that backend only, the adapter registers two
// kernels of its own on the cpu backend's arrays: RnnGemm (backend-js's register-tiled GEMM, ~4 GFLOP/s) and
// RnnSplitColumns (equal column blocks by row copies). Every other backend uses tf.matMul and tf.split.
import { gemm } from '@rnn/backend-js/gemm';
import type * as tfc from '@tensorflow/tfjs-core';
import type { Tf } from './backend.js';

const KERNEL = 'RnnGemm';
const SPLIT = 'RnnSplitColumns';

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tfc.TensorInfo;
}

/** a · b for 2-D float32 tensors: the RnnGemm kernel on tfjs-backend-cpu, tf.matMul elsewhere. */
export type MatMul = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor2D;

/** a · b + bias (bias a row vector): tf.fused.matMul where it is fast, RnnGemm + add on the cpu backend. */
export function matMulBias(tf: Tf, mm: MatMul, a: tfc.Tensor, b: tfc.Tensor, bias: tfc.Tensor | undefined): tfc.Tensor2D {
  if (tf.getBackend() === 'cpu') return (bias ? tf.add(mm(a, b), bias) : mm(a, b)) as tfc.Tensor2D;
  return tf.fused.matMul({ a: a as tfc.Tensor2D, b: b as tfc.Tensor2D, bias }) as tfc.Tensor2D;
}

/** Splits a 2-D tensor into `parts` equal column blocks (the gates of a cell). */
export function splitColumnsFor(tf: Tf): (x: tfc.Tensor, parts: number) => tfc.Tensor2D[] {
  if (!tf.getKernel(SPLIT, 'cpu') && tf.findBackend('cpu'))
    tf.registerKernel({
      kernelName: SPLIT,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x } = inputs as { x: tfc.TensorInfo };
        const parts = (attrs as { parts: number }).parts;
        const cpu = backend as unknown as CpuBackend;
        const [rows, cols] = x.shape as [number, number];
        const w = cols / parts;
        const src = cpu.data.get(x.dataId).values;
        return Array.from({ length: parts }, (_, p) => {
          const out = new Float32Array(rows * w);
          for (let r = 0; r < rows; r++) out.set(src.subarray(r * cols + p * w, r * cols + (p + 1) * w), r * w);
          return cpu.makeTensorInfo([rows, w], 'float32', out);
        });
      },
    });
  return (x, parts) =>
    (tf.getBackend() === 'cpu' && tf.getKernel(SPLIT, 'cpu')
      ? tf.engine().runKernel(SPLIT, { x }, { parts } as unknown as tfc.NamedAttrMap)
      : tf.split(x, parts, 1)) as tfc.Tensor2D[];
}

export function matMulFor(tf: Tf): MatMul {
  if (!tf.getKernel(KERNEL, 'cpu') && tf.findBackend('cpu'))
    tf.registerKernel({
      kernelName: KERNEL,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend }) => {
        const { a, b } = inputs as { a: tfc.TensorInfo; b: tfc.TensorInfo };
        const cpu = backend as unknown as CpuBackend;
        const [m, k] = a.shape as [number, number];
        const n = b.shape[1]!;
        const out = new Float32Array(m * n);
        gemm(m, n, k, cpu.data.get(a.dataId).values, 0, k, false, cpu.data.get(b.dataId).values, 0, n, false, out, 0, n);
        return cpu.makeTensorInfo([m, n], 'float32', out);
      },
    });
  return (a, b) =>
    (tf.getBackend() === 'cpu' && tf.getKernel(KERNEL, 'cpu')
      ? tf.engine().runKernel(KERNEL, { a, b })
      : tf.matMul(a as tfc.Tensor2D, b as tfc.Tensor2D)) as tfc.Tensor2D;
}
