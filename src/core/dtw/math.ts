/**
 * Scalar helpers of the DTW kernels: a table-driven `exp` for non-positive arguments and a `log` for
 * arguments in [1, 4). Both are accurate to a few ulp (tested against Math.exp / Math.log) and several
 * times faster than the Math builtins in V8, which matters because the soft-min needs them on every
 * cell. Small and branch-light, so TurboFan inlines them into the kernels.
 */

/** ln 2 / 256 split so that n·LN2_256_HI is exact for |n| < 2^21 (fdlibm's ln2_hi / ln2_lo, ÷ 256). */
const LN2_256_HI = 0.6931471803691238 / 256
const LN2_256_LO = 1.9082149292705877e-10 / 256
const INV_LN2_256 = 256 / Math.LN2
/** Adding and subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer. */
const ROUND_MAGIC = 6755399441055744
/** 2^(j/256), j = 0..255. */
const EXP2_FRAC = new Float64Array(256)
/** 2^k, k = -1100..99 at index k + 1100. */
const EXP2_INT = new Float64Array(1200)
for (let j = 0; j < 256; j++) EXP2_FRAC[j] = 2 ** (j / 256)
for (let k = 0; k < 1200; k++) EXP2_INT[k] = 2 ** (k - 1100)

/**
 * e^x for x ≤ 0 (−Infinity → ~0). x = (256k + j)·ln2/256 + r with |r| ≤ ln2/512; e^r by a degree-4
 * Taylor polynomial (truncation < 4e-17). Relative error ≤ 3e-16 for results above 1e-300; arguments
 * below −745 return e^−745 ≈ 5e-324 (the smallest subnormal), never NaN.
 * @param x exponent, ≤ 0 (positive values are not supported)
 */
export function expNeg(x: number): number {
  x = Math.max(x, -745)
  const nd = x * INV_LN2_256 + ROUND_MAGIC - ROUND_MAGIC
  const r = x - nd * LN2_256_HI - nd * LN2_256_LO
  const n = nd | 0
  const r2 = r * r
  const p = 1 + r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24))
  return EXP2_INT[(n >> 8) + 1100]! * EXP2_FRAC[n & 255]! * p
}

/** 1 / (1 + j/512) and −log of it, j = 0..512. */
const LOG_INV = new Float64Array(513)
const LOG_NEGLOG = new Float64Array(513)
for (let j = 0; j <= 512; j++) {
  LOG_INV[j] = 1 / (1 + j / 512)
  LOG_NEGLOG[j] = -Math.log(LOG_INV[j]!)
}

/**
 * log(s) for s in [1, 4): the sum of a soft-min over at most three candidates, one of them the minimum.
 * s = 2^e·f, f·(1/c_j) = 1 + u with |u| < 1/512, log1p(u) by a degree-5 series (truncation < 1e-17).
 * Absolute error ≤ 4e-16.
 * @param s argument in [1, 4)
 */
export function log1to4(s: number): number {
  const big = s >= 2
  const f = big ? s * 0.5 : s
  const j = ((f - 1) * 512) | 0
  const u = f * LOG_INV[j]! - 1
  const u2 = u * u
  return (big ? Math.LN2 : 0) + LOG_NEGLOG[j]! + (u - u2 * (0.5 - u * (1 / 3) + u2 * (0.25 - u * 0.2)))
}
