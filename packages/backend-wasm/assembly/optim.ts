// Fused optimizer updates: one SIMD pass over each parameter (and its state), in place.
import { madd } from './simd';

/**
 * Adam / AdamW: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p = p decay - step m / (sqrt(v / c2) + eps),
 * with decay = 1 - lr wd, step = lr / (1 - b1^t), c2 = 1 - b2^t computed by the caller.
 */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, b1: f32, b2: f32, eps: f32, decay: f32, step: f32, c2: f32): void {
  const vb1 = f32x4.splat(b1);
  const vb1c = f32x4.splat(<f32>1 - b1);
  const vb2 = f32x4.splat(b2);
  const vb2c = f32x4.splat(<f32>1 - b2);
  const veps = f32x4.splat(eps);
  const vdecay = f32x4.splat(decay);
  const vstep = f32x4.splat(step);
  const vinv = f32x4.splat(<f32>1 / c2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    const gv = v128.load(g + k);
    const mi = madd(vb1c, gv, f32x4.mul(vb1, v128.load(m + k)));
    const vi = madd(vb2c, f32x4.mul(gv, gv), f32x4.mul(vb2, v128.load(v + k)));
    v128.store(m + k, mi);
    v128.store(v + k, vi);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vi, vinv)), veps);
    v128.store(p + k, f32x4.sub(f32x4.mul(v128.load(p + k), vdecay), f32x4.div(f32x4.mul(vstep, mi), den)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    const gv = load<f32>(g + k);
    const mi = b1 * load<f32>(m + k) + (<f32>1 - b1) * gv;
    const vi = b2 * load<f32>(v + k) + (<f32>1 - b2) * gv * gv;
    store<f32>(m + k, mi);
    store<f32>(v + k, vi);
    store<f32>(p + k, load<f32>(p + k) * decay - (step * mi) / (sqrt(vi / c2) + eps));
  }
}

/** SGD with weight decay and optional (Nesterov) momentum; vel = 0 for none. */
export function sgd(p: usize, g: usize, vel: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, wd: f32): void {
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(wd);
  const vmo = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    const pv = v128.load(p + k);
    let gv = madd(vwd, pv, v128.load(g + k));
    if (vel) {
      const vv = madd(vmo, v128.load(vel + k), gv);
      v128.store(vel + k, vv);
      gv = nesterov ? madd(vmo, vv, gv) : vv;
    }
    v128.store(p + k, f32x4.sub(pv, f32x4.mul(vlr, gv)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    const pv = load<f32>(p + k);
    let gv = load<f32>(g + k) + wd * pv;
    if (vel) {
      const vv = momentum * load<f32>(vel + k) + gv;
      store<f32>(vel + k, vv);
      gv = nesterov ? gv + momentum * vv : vv;
    }
    store<f32>(p + k, pv - lr * gv);
  }
}

/** RMSProp (PyTorch form): s = rho s + (1 - rho) g^2; step = g / (sqrt(s) + eps); optional momentum buffer mom. */
export function rmsprop(p: usize, g: usize, s: usize, mom: usize, n: i32, lr: f32, rho: f32, eps: f32, momentum: f32, wd: f32): void {
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(wd);
  const vrho = f32x4.splat(rho);
  const vrc = f32x4.splat(<f32>1 - rho);
  const veps = f32x4.splat(eps);
  const vmo = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    const pv = v128.load(p + k);
    const gv = madd(vwd, pv, v128.load(g + k));
    const sv = madd(vrc, f32x4.mul(gv, gv), f32x4.mul(vrho, v128.load(s + k)));
    v128.store(s + k, sv);
    let step = f32x4.div(gv, f32x4.add(f32x4.sqrt(sv), veps));
    if (mom) {
      step = madd(vmo, v128.load(mom + k), step);
      v128.store(mom + k, step);
    }
    v128.store(p + k, f32x4.sub(pv, f32x4.mul(vlr, step)));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    const pv = load<f32>(p + k);
    const gv = load<f32>(g + k) + wd * pv;
    const sv = rho * load<f32>(s + k) + (<f32>1 - rho) * gv * gv;
    store<f32>(s + k, sv);
    let step = gv / (sqrt(sv) + eps);
    if (mom) {
      step = momentum * load<f32>(mom + k) + step;
      store<f32>(mom + k, step);
    }
    store<f32>(p + k, pv - lr * step);
  }
}

/** Adagrad: s += g^2; p -= lr g / (sqrt(s) + eps). */
export function adagrad(p: usize, g: usize, s: usize, n: i32, lr: f32, eps: f32, wd: f32): void {
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(wd);
  const veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const k = <usize>i * 4;
    const pv = v128.load(p + k);
    const gv = madd(vwd, pv, v128.load(g + k));
    const sv = madd(gv, gv, v128.load(s + k));
    v128.store(s + k, sv);
    v128.store(p + k, f32x4.sub(pv, f32x4.div(f32x4.mul(vlr, gv), f32x4.add(f32x4.sqrt(sv), veps))));
  }
  for (; i < n; i++) {
    const k = <usize>i * 4;
    const pv = load<f32>(p + k);
    const gv = load<f32>(g + k) + wd * pv;
    const sv = load<f32>(s + k) + gv * gv;
    store<f32>(s + k, sv);
    store<f32>(p + k, pv - (lr * gv) / (sqrt(sv) + eps));
  }
}
