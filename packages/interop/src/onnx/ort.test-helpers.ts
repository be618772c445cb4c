// Runs an exported model in onnxruntime-node (CPU, one thread) and compares outputs.
import * as ort from 'onnxruntime-node';

export interface OrtFeeds {
  /** [B, T, I] floats, or [B, T] token ids. */
  x: { data: ArrayLike<number>; shape: readonly number[] };
  /** Token ids as int64 (default) or int32. */
  tokenType?: 'int64' | 'int32';
  /** Feeds `sequence_lens`. */
  lengths?: readonly number[];
}

export async function runOnnx(model: Uint8Array, feeds: OrtFeeds): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const dims = [...feeds.x.shape];
    const isTokens = dims.length === 2;
    const x = !isTokens
      ? new ort.Tensor('float32', Float32Array.from(feeds.x.data), dims)
      : feeds.tokenType === 'int32'
        ? new ort.Tensor('int32', Int32Array.from(feeds.x.data), dims)
        : new ort.Tensor('int64', BigInt64Array.from(Array.from(feeds.x.data, (v) => BigInt(v))), dims);
    const inputs: Record<string, ort.Tensor> = { x };
    if (feeds.lengths) inputs.sequence_lens = new ort.Tensor('int32', Int32Array.from(feeds.lengths), [feeds.lengths.length]);
    const { y } = await session.run(inputs);
    return { data: y!.data as Float32Array, dims: [...y!.dims] };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
