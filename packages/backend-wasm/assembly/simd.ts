// `madd(a, b, c)` = a * b + c per lane: one fused multiply-add (f32x4.relaxed_madd, an FMA on x64 / arm64) in the
// relaxed-SIMD build, a multiply and an add in the plain-SIMD build. ASC_FEATURE_RELAXED_SIMD is a compile-time
// constant, so the other branch is removed.

// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
