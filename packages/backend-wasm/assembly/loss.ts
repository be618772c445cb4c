// Losses: return the mean loss (float64) and write its gradient when d != 0.
import { sexp, vexp } from './math';

/**
 * Softmax cross-entropy over rows of logits [n, c] with i32 labels. weights: f32 per class or 0; rows whose
 * label equals `ignore` (when hasIgnore) are not counted. The loss is sum(w_y l) / sum(w_y) (PyTorch).
 */
export function softmaxCrossEntropy(
  logits: usize, labels: usize, n: i32, c: i32, d: usize, weights: usize, ignore: i32, hasIgnore: bool,
): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const y = load<i32>(labels + <usize>i * 4);
    if (hasIgnore && y == ignore) continue;
    total += weights ? <f64>load<f32>(weights + <usize>y * 4) : 1;
  }
  const row = <usize>c * 4;
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const l = logits + <usize>i * row;
    const dr = d + <usize>i * row;
    const y = load<i32>(labels + <usize>i * 4);
    if ((hasIgnore && y == ignore) || total == 0) {
      if (d) memory.fill(dr, 0, row);
      continue;
    }
    const w = (weights ? <f64>load<f32>(weights + <usize>y * 4) : 1) / total;
    let mx = load<f32>(l);
    for (let j = 1; j < c; j++) mx = max(mx, load<f32>(l + <usize>j * 4));
    const vm = f32x4.splat(mx);
    let vz = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const e = vexp(f32x4.sub(v128.load(l + <usize>j * 4), vm));
      if (d) v128.store(dr + <usize>j * 4, e);
      vz = f32x4.add(vz, e);
    }
    let z: f64 = <f64>f32x4.extract_lane(vz, 0) + <f64>f32x4.extract_lane(vz, 1) + <f64>f32x4.extract_lane(vz, 2) + <f64>f32x4.extract_lane(vz, 3);
    for (; j < c; j++) {
      const e = sexp(load<f32>(l + <usize>j * 4) - mx);
      if (d) store<f32>(dr + <usize>j * 4, e);
      z += <f64>e;
    }
    loss += w * (Math.log(z) + <f64>mx - <f64>load<f32>(l + <usize>y * 4));
    if (d) {
      const s = <f32>(w / z);
      const vs = f32x4.splat(s);
      j = 0;
      for (; j + 4 <= c; j += 4) v128.store(dr + <usize>j * 4, f32x4.mul(vs, v128.load(dr + <usize>j * 4)));
      for (; j < c; j++) store<f32>(dr + <usize>j * 4, s * load<f32>(dr + <usize>j * 4));
      const dy = dr + <usize>y * 4;
      store<f32>(dy, <f32>(<f64>load<f32>(dy) - w));
    }
  }
  return loss;
}

function sign(x: f64): f64 {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Mean element-wise loss; kind 0 mse, 1 mae, 2 huber (delta), 3 binary cross-entropy on logits. */
export function pointwiseLoss(kind: i32, p: usize, y: usize, d: usize, n: i32, delta: f64): f64 {
  let loss: f64 = 0;
  const nn = <f64>n;
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    const pv = <f64>load<f32>(p + o);
    const yv = <f64>load<f32>(y + o);
    const e = pv - yv;
    let g: f64;
    if (kind == 0) {
      g = 2 * e;
      loss += e * e;
    } else if (kind == 1) {
      g = sign(e);
      loss += Math.abs(e);
    } else if (kind == 2) {
      const a = Math.abs(e);
      g = a <= delta ? e : delta * sign(e);
      loss += a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
    } else {
      g = 1 / (1 + Math.exp(-pv)) - yv;
      loss += Math.max(pv, 0) - pv * yv + Math.log1p(Math.exp(-Math.abs(pv)));
    }
    if (d) store<f32>(d + o, <f32>(g / nn));
  }
  return loss / nn;
}
