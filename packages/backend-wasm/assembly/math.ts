// Vector (f32x4) and scalar exp, sigmoid and tanh by polynomial approximation, and the activation table.
//
// exp: Cephes expf. x = n ln2 + r with |r| <= ln2/2 (ln2 split in two constants so r is exact), a degree-5
// polynomial for e^r, and 2^n built in the exponent bits. Inputs are clamped to [-87, 88] so 2^n stays a normal
// number (e^-87 = 1.6e-38, e^88 = 1.65e38): outside that range the result saturates instead of reaching 0 / inf.
// sigmoid(x) = 1 / (1 + e^-x) (the IEEE division is exact, so the error is exp's).
// tanh: Cephes tanhf. |x| < 0.625: x + x^3 P(x^2) (no cancellation near 0); otherwise
// sign(x) (1 - 2 / (e^{2|x|} + 1)).
// Measured maximum relative errors against Math.exp / Math.tanh in float64 are in the README (test: math.test.ts).
//
// Activation codes (same order as ACTIVATIONS in @rnn/core): 0 tanh, 1 sigmoid, 2 relu, 3 hardSigmoid, 4 linear,
// 5 hardSigmoid6 (Keras 3 / PyTorch: clip(x / 6 + 0.5, 0, 1)).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;

export const ACT_TANH = 0;
export const ACT_SIGMOID = 1;
export const ACT_RELU = 2;
export const ACT_HARD_SIGMOID = 3;
export const ACT_LINEAR = 4;
export const ACT_HARD_SIGMOID6 = 5;

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(0.5)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(x, x);
  let y = f32x4.add(f32x4.mul(f32x4.splat(P0), x), f32x4.splat(P1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(P2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(P3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(P4));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(P5));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

export function sexp(x: f32): f32 {
  x = min(max(x, EXP_LO), EXP_HI);
  const fx = floor(x * LOG2E + <f32>0.5);
  x = x - fx * LN2_HI;
  x = x - fx * LN2_LO;
  const z = x * x;
  let y = P0 * x + P1;
  y = y * x + P2;
  y = y * x + P3;
  y = y * x + P4;
  y = y * x + P5;
  y = y * z + x + <f32>1;
  return y * reinterpret<f32>((<i32>fx + 127) << 23);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

export function ssigmoid(x: f32): f32 {
  return <f32>1 / (<f32>1 + sexp(-x));
}

// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  // small |x|: odd polynomial
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // large |x|: 1 - 2 / (e^{2|x|} + 1), with the sign of x
  const one = f32x4.splat(1);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
  const signed = v128.or(big, v128.and(x, f32x4.splat(-0.0)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

export function stanh(x: f32): f32 {
  const ax = abs(x);
  if (ax < <f32>0.625) {
    const z = x * x;
    let p = T0 * z + T1;
    p = p * z + T2;
    p = p * z + T3;
    p = p * z + T4;
    return p * z * x + x;
  }
  const big = <f32>1 - <f32>2 / (sexp(ax + ax) + <f32>1);
  return copysign(big, x);
}

// @ts-ignore: decorator
@inline export function vhardSigmoid(x: v128): v128 {
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.min(f32x4.max(y, f32x4.splat(0)), f32x4.splat(1));
}

// @ts-ignore: decorator
@inline export function vhardSigmoid6(x: v128): v128 {
  const y = f32x4.add(f32x4.div(x, f32x4.splat(6)), f32x4.splat(0.5));
  return f32x4.min(f32x4.max(y, f32x4.splat(0)), f32x4.splat(1));
}

export function shardSigmoid6(x: f32): f32 {
  if (x <= <f32>-3) return 0;
  if (x >= <f32>3) return 1;
  return x / <f32>6 + <f32>0.5;
}

export function shardSigmoid(x: f32): f32 {
  if (x <= <f32>-2.5) return 0;
  if (x >= <f32>2.5) return 1;
  return <f32>0.2 * x + <f32>0.5;
}

/** The activation `kind` of each lane. */
// @ts-ignore: decorator
@inline export function vact(kind: i32, x: v128): v128 {
  if (kind == ACT_TANH) return vtanh(x);
  if (kind == ACT_SIGMOID) return vsigmoid(x);
  if (kind == ACT_RELU) return f32x4.max(x, f32x4.splat(0));
  if (kind == ACT_HARD_SIGMOID) return vhardSigmoid(x);
  if (kind == ACT_HARD_SIGMOID6) return vhardSigmoid6(x);
  return x;
}

export function sact(kind: i32, x: f32): f32 {
  if (kind == ACT_TANH) return stanh(x);
  if (kind == ACT_SIGMOID) return ssigmoid(x);
  if (kind == ACT_RELU) return max(x, <f32>0);
  if (kind == ACT_HARD_SIGMOID) return shardSigmoid(x);
  if (kind == ACT_HARD_SIGMOID6) return shardSigmoid6(x);
  return x;
}

/** f'(x) from the output y = f(x), per lane. */
// @ts-ignore: decorator
@inline export function vdact(kind: i32, y: v128): v128 {
  const one = f32x4.splat(1);
  if (kind == ACT_TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (kind == ACT_SIGMOID) return f32x4.mul(y, f32x4.sub(one, y));
  if (kind == ACT_RELU) return v128.and(f32x4.gt(y, f32x4.splat(0)), one);
  if (kind == ACT_HARD_SIGMOID)
    return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, one)), f32x4.splat(0.2));
  if (kind == ACT_HARD_SIGMOID6)
    return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, one)), f32x4.splat(<f32>1 / <f32>6));
  return one;
}

export function sdact(kind: i32, y: f32): f32 {
  if (kind == ACT_TANH) return <f32>1 - y * y;
  if (kind == ACT_SIGMOID) return y * (<f32>1 - y);
  if (kind == ACT_RELU) return y > 0 ? <f32>1 : <f32>0;
  if (kind == ACT_HARD_SIGMOID) return y > 0 && y < 1 ? <f32>0.2 : <f32>0;
  if (kind == ACT_HARD_SIGMOID6) return y > 0 && y < 1 ? <f32>1 / <f32>6 : <f32>0;
  return 1;
}

// Exports for the accuracy test: out[i] = f(x[i]) over n values, vector code for every full group of four.
export function mathEval(fn: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    const v = v128.load(x + o);
    v128.store(out + o, fn == 0 ? vexp(v) : fn == 1 ? vsigmoid(v) : vtanh(v));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const v = load<f32>(x + o);
    store<f32>(out + o, fn == 0 ? sexp(v) : fn == 1 ? ssigmoid(v) : stanh(v));
  }
}
