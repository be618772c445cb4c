// Weight layout conversions between rnn ("cols-out": kernel [in, G·H] used as x·W, gate blocks in rnn order)
// and PyTorch / ONNX ("rows-out": [G·H, in] used as W·x, gate blocks in their own order).
//
// An `order` lists, for each block of the other framework, the rnn block it holds: PyTorch's GRU stores
// r, z, n, which are rnn blocks [1, 0, 2] of z, r, n.

/** rnn cols-out [inSize, G·H] → rows-out [G·H, inSize] with the blocks reordered. */
export function colsToRows(m: ArrayLike<number>, inSize: number, H: number, order: readonly number[]): Float64Array {
  const GH = order.length * H;
  const out = new Float64Array(GH * inSize);
  order.forEach((src, b) => {
    for (let j = 0; j < H; j++) for (let i = 0; i < inSize; i++) out[(b * H + j) * inSize + i] = m[i * GH + src * H + j]!;
  });
  return out;
}

/** Rows-out [G·H, inSize] in the other framework's block order → rnn cols-out [inSize, G·H]. */
export function rowsToCols(m: ArrayLike<number>, inSize: number, H: number, order: readonly number[]): Float64Array {
  const GH = order.length * H;
  const out = new Float64Array(GH * inSize);
  order.forEach((dst, b) => {
    for (let j = 0; j < H; j++) for (let i = 0; i < inSize; i++) out[i * GH + dst * H + j] = m[(b * H + j) * inSize + i]!;
  });
  return out;
}

/** A [G·H] bias from rnn block order to the other framework's order. */
export function blocksFromRnn(v: ArrayLike<number>, H: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length * H);
  order.forEach((src, b) => {
    for (let j = 0; j < H; j++) out[b * H + j] = v[src * H + j]!;
  });
  return out;
}

/** A [G·H] bias from the other framework's block order to rnn order. */
export function blocksToRnn(v: ArrayLike<number>, H: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length * H);
  order.forEach((dst, b) => {
    for (let j = 0; j < H; j++) out[dst * H + j] = v[b * H + j]!;
  });
  return out;
}
